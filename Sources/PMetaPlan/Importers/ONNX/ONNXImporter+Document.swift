/// Naming the layers and writing the architecture document.
extension ONNXGraphImport {
    /// The module path and the last component of a node name: `/layer1/layer1.0/conv1/Conv` is
    /// `(["layer1.0", "conv1"], "Conv")`, as PyTorch's exporter nests scopes whose names repeat their parent's.
    static func scopeAndLabel(nodeName: String, opType: String) -> ([String], String) {
        let parts = nodeName.split(separator: "/").map(String.init)
        guard parts.count >= 2 else { return ([], parts.first ?? opType) }
        var scope: [String] = []
        for part in parts.dropLast() {
            if let last = scope.last, part.hasPrefix(last + ".") { scope[scope.count - 1] = part } else { scope.append(part) }
        }
        return (scope, parts.last!)
    }

    /// A valid layer name: letters, digits, `_` and `-` in parts joined by single dots, at most 200 bytes.
    static func sanitizedName(_ text: String) -> String {
        var cleaned = ""
        for scalar in text.unicodeScalars {
            let isAllowed = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_-.".unicodeScalars.contains(scalar))
            cleaned.unicodeScalars.append(isAllowed ? scalar : "_")
        }
        let parts = cleaned.split(separator: ".").map(String.init)
        var name = parts.isEmpty ? "layer" : parts.joined(separator: ".")
        if name.count > 200 { name = String(name.prefix(200)) }
        while name.hasSuffix(".") { name.removeLast() }
        return name == "input" || name.isEmpty ? "input_" : name
    }

    /// Ops that never own a module's name alone: a residual add in `layer1.0` is `layer1.0.add`, not `layer1.0`.
    static let structuralOps: Set<String> = ["add", "mul", "concat", "reshape", "transpose", "slice", "split", "gather",
                                             "matmul", "scale", "softmax", "flatten", "shuffle"]

    /// The document: format 1, the input, and the layers that lead to the graph's first output, named.
    func document() throws(DataError) -> JSONValue {
        guard let outputName = model.graph.outputs.first?.name, let output = values[outputName] else {
            throw DataError(file: file, path: "graph.output", message: "expected a graph output computed by the nodes")
        }
        guard case .activation(let result) = output, let last = result.reference.layerIndex else {
            throw DataError(file: file, path: "graph.output '\(outputName)'", message: "the output is not computed from the input by any layer")
        }
        if let padding = result.pendingPadding {
            throw DataError(file: file, path: "graph.output '\(outputName)'", message: "the output is padded by Pad '\(padding.nodeName)', which only a Conv or pooling after it can hold")
        }
        // Keep what the output depends on; a training export's extra outputs and dead branches drop out.
        var isNeeded = Array(repeating: false, count: layers.count)
        isNeeded[last] = true
        for index in stride(from: last, through: 0, by: -1) where isNeeded[index] {
            for input in layers[index].inputs { if let source = input.layerIndex { isNeeded[source] = true } }
        }
        let kept = layers.indices.filter { isNeeded[$0] }
        var scopeCounts: [[String]: Int] = [:]
        for index in kept where !layers[index].scope.isEmpty { scopeCounts[layers[index].scope, default: 0] += 1 }
        var names: [Int: String] = [:]
        var used: Set<String> = ["input"]
        for index in kept {
            let layer = layers[index]
            var base: String
            if let fixed = layer.fixedName {
                base = fixed
            } else if !layer.scope.isEmpty {
                let path = Self.sanitizedName(layer.scope.joined(separator: "."))
                let ownsName = !layer.parameters.isEmpty || scopeCounts[layer.scope] == 1 && !Self.structuralOps.contains(layer.op)
                base = ownsName ? path : path + "." + Self.sanitizedName(layer.label.lowercased())
            } else {
                base = Self.sanitizedName(layer.label.lowercased())
            }
            var name = base
            var number = 2
            while used.contains(name) {
                name = "\(base)_\(number)"
                number += 1
            }
            used.insert(name)
            names[index] = name
        }
        func referenceName(_ reference: LayerReference) -> JSONValue {
            switch reference {
            case .graphInput: "input"
            case .layer(let index): .string(names[index]!)
            case .part(let index, let part): .string("\(names[index]!).\(part)")
            }
        }
        var layerValues: [JSONValue] = []
        for index in kept {
            let layer = layers[index]
            var members: [(key: String, value: JSONValue)] = [(key: "name", value: .string(names[index]!))]
            members += layer.members
            if layer.op != "parameter" { members.append((key: "inputs", value: .array(layer.inputs.map(referenceName)))) }
            if !layer.parameters.isEmpty { members.append((key: "parameters", value: .array(layer.parameters.map { .string($0) }))) }
            layerValues.append(.object(members))
        }
        let opsetText = model.opsetImports.map { "\($0.domain.isEmpty ? "ai.onnx" : $0.domain) \($0.version)" }.joined(separator: ", ")
        let producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        let stochasticDepth = stochasticDepthCount > 0
            ? "; \(stochasticDepthCount) stochastic-depth factor\(stochasticDepthCount == 1 ? "" : "s") left out (one random number per sample, nothing to store)" : ""
        let mode = batchNormCount > 0 || dropoutCount > 0 || stochasticDepthCount > 0
            ? "training-mode export (\(batchNormCount) BatchNormalization and \(dropoutCount) Dropout layers kept\(stochasticDepth))"
            : "inference export (no BatchNormalization or Dropout: batch norms folded into the convolutions' bias)"
        let description = "Imported from ONNX (IR version \(model.irVersion), opset \(opsetText)\(producer.isEmpty ? "" : ", producer \(producer)")): \(mode). Shapes are per sample (the batch axis is the workload's micro-batch)."
        let graphName = model.graph.name.isEmpty || model.graph.name == "main_graph" ? Self.stem(of: file) : model.graph.name
        return .object([
            (key: "format", value: 1),
            (key: "name", value: .string(graphName)),
            (key: "description", value: .string(description)),
            (key: "source", value: .string(Self.stem(of: file) + (file.hasSuffix(".onnx") ? ".onnx" : ""))),
            (key: "input", value: .object([(key: "shape", value: .array(inputShape.map { .integer($0) })), (key: "element_bytes", value: .integer(elementBytes))])),
            (key: "layers", value: .array(layerValues)),
        ])
    }

    /// The file name without folders and without `.onnx`.
    static func stem(of file: String) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return name.hasSuffix(".onnx") ? String(name.dropLast(5)) : name
    }
}
