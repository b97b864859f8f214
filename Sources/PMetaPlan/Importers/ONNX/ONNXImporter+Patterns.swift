/// A layer normalization an exporter spelled out (PyTorch before opset 17), found before import.
struct DecomposedLayerNorm: Sendable {
    /// The value normalized.
    var input: String
    /// The axes reduced over, as written (negative counts from the end).
    var axes: [Int64]
    /// The scale and shift initializers.
    var weight: String
    var bias: String
}

/// Node patterns that exporters spell out and the format names in one layer: GELU's Erf form, a decomposed layer norm.
extension ONNXGraphImport {
    /// Finds `0.5 * x * (1 + erf(x / sqrt(2)))` in any of the orders exporters write it, marks its nodes skipped and
    /// records the last one as a `gelu` of x.
    mutating func findGELUPatterns(producers: [String: Int], consumers: [String: [Int]]) {
        let nodes = model.graph.nodes
        func soleConsumer(of node: ONNXNode, opType: String) -> ONNXNode? {
            guard let output = node.outputs.first, let readers = consumers[output], readers.count == 1,
                  nodes[readers[0]].opType == opType else { return nil }
            return nodes[readers[0]]
        }
        /// The other input of a two-input node, when one input is the constant `value` (within 1e-3).
        func operand(of node: ONNXNode, besides value: Double) -> String? {
            guard node.inputs.count == 2 else { return nil }
            for (position, name) in node.inputs.enumerated() where staticScalar(name, producers: producers).map({ abs($0 - value) < 1e-3 }) == true {
                return node.inputs[1 - position]
            }
            return nil
        }
        for erf in nodes where erf.opType == "Erf" {
            guard let scaledName = erf.inputs.first, let scaledIndex = producers[scaledName] else { continue }
            let scaled = nodes[scaledIndex]
            let x: String?
            switch scaled.opType {
            case "Div": x = operand(of: scaled, besides: 2.0.squareRoot())
            case "Mul": x = operand(of: scaled, besides: 0.5.squareRoot())
            default: x = nil
            }
            guard let x, consumers[scaledName]?.count == 1, let plusOne = soleConsumer(of: erf, opType: "Add"),
                  operand(of: plusOne, besides: 1) == erf.outputs.first, let product = soleConsumer(of: plusOne, opType: "Mul"),
                  let other = product.inputs.first(where: { $0 != plusOne.outputs.first }) else { continue }
            var used = [scaled.index, erf.index, plusOne.index, product.index]
            let last: Int
            if other == x, let half = soleConsumer(of: product, opType: "Mul"), operand(of: half, besides: 0.5) == product.outputs.first {
                used.append(half.index)
                last = half.index
            } else if let halfIndex = producers[other], nodes[halfIndex].opType == "Mul", operand(of: nodes[halfIndex], besides: 0.5) == x,
                      consumers[other]?.count == 1 {
                used.append(halfIndex)
                last = product.index
            } else if operand(of: product, besides: 0.5) == plusOne.outputs.first, let outer = soleConsumer(of: product, opType: "Mul"),
                      outer.inputs.contains(x) {
                used.append(outer.index)
                last = outer.index
            } else {
                continue
            }
            for index in used where index != last { skippedNodes.insert(index) }
            geluInputs[last] = x
        }
    }

    /// Finds the layer norm PyTorch writes before opset 17, `(x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) * w + b`
    /// over trailing axes (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add; the square may be a Mul), marks its
    /// nodes skipped and records the last one as a `layer_norm` of x with the scale and shift initializers.
    mutating func findLayerNormPatterns(producers: [String: Int], consumers: [String: [Int]]) {
        let nodes = model.graph.nodes
        /// The nodes that read `value`, once each.
        func readers(_ value: String) -> Set<Int> { Set(consumers[value] ?? []) }
        /// The only node that reads `node`'s output, when it has `opType`.
        func sole(_ node: ONNXNode, _ opType: String) -> ONNXNode? {
            guard let output = node.outputs.first, readers(output).count == 1, let reader = readers(output).first,
                  nodes[reader].opType == opType else { return nil }
            return nodes[reader]
        }
        /// A ReduceMean's axes (attribute, or a constant input from opset 18) when it keeps the reduced dimensions.
        func meanAxes(_ node: ONNXNode) -> [Int64]? {
            guard node.opType == "ReduceMean", intAttribute(node, "keepdims") ?? 1 == 1 else { return nil }
            if let axes = intsAttribute(node, "axes") { return axes }
            guard node.inputs.count > 1 else { return nil }
            return staticIntegers(node.inputs[1], producers: producers)
        }
        /// The other operand of a two-input node whose operand `name` is an initializer; nil otherwise.
        func initializerOperand(of node: ONNXNode, besides name: String) -> String? {
            guard node.inputs.count == 2, let position = node.inputs.firstIndex(of: name) else { return nil }
            let other = node.inputs[1 - position]
            // An exporter that merges equal initializers reads the copies through Identity nodes.
            var source = other
            if let index = producers[source], nodes[index].opType == "Identity", let copied = nodes[index].inputs.first { source = copied }
            guard case .constant(let constant)? = values[source], constant.initializerName != nil else { return nil }
            return other
        }
        for subtract in nodes where subtract.opType == "Sub" && subtract.inputs.count == 2 {
            let x = subtract.inputs[0], centered = subtract.outputs.first ?? ""
            guard let meanIndex = producers[subtract.inputs[1]], let axes = meanAxes(nodes[meanIndex]),
                  nodes[meanIndex].inputs.first == x, readers(subtract.inputs[1]) == [subtract.index] else { continue }
            // The centered value feeds the square and the division, nothing else.
            let users = readers(centered).map { nodes[$0] }
            guard users.count == 2, let square = users.first(where: { $0.opType == "Pow" || $0.opType == "Mul" }),
                  let divide = users.first(where: { $0.opType == "Div" }), divide.inputs.first == centered else { continue }
            let isSquare = square.opType == "Mul" ? square.inputs == [centered, centered]
                : square.inputs.first == centered && square.inputs.count == 2 && staticScalar(square.inputs[1], producers: producers) == 2
            guard isSquare, let variance = sole(square, "ReduceMean"), meanAxes(variance) == axes,
                  let plusEpsilon = sole(variance, "Add"), plusEpsilon.inputs.count == 2,
                  plusEpsilon.inputs.contains(where: { staticScalar($0, producers: producers) != nil }),
                  let root = sole(plusEpsilon, "Sqrt"), readers(root.outputs.first ?? "") == [divide.index], divide.inputs.last == root.outputs.first,
                  let scale = sole(divide, "Mul"), let weight = initializerOperand(of: scale, besides: divide.outputs.first ?? ""),
                  let shift = sole(scale, "Add"), let bias = initializerOperand(of: shift, besides: scale.outputs.first ?? "") else { continue }
            for index in [meanIndex, subtract.index, square.index, variance.index, plusEpsilon.index, root.index, divide.index, scale.index] {
                skippedNodes.insert(index)
            }
            layerNormPatterns[shift.index] = DecomposedLayerNorm(input: x, axes: axes, weight: weight, bias: bias)
        }
    }

    /// The values of an integer constant known before import (an initializer or a Constant node's tensor).
    func staticIntegers(_ name: String, producers: [String: Int]) -> [Int64]? {
        if case .constant(let constant)? = values[name] { return constant.integers }
        guard let index = producers[name], model.graph.nodes[index].opType == "Constant" else { return nil }
        return (try? constantNodeValue(model.graph.nodes[index]))?.integers
    }

    /// The value of a one-element constant known before import (an initializer or a Constant node's tensor).
    func staticScalar(_ name: String, producers: [String: Int]) -> Double? {
        if case .constant(let constant)? = values[name], constant.isScalar { return constant.reals?.first }
        guard let index = producers[name], model.graph.nodes[index].opType == "Constant",
              let constant = try? constantNodeValue(model.graph.nodes[index]), constant.isScalar else { return nil }
        return constant.reals?.first
    }
}
