/// Limits that keep hostile architecture files from exhausting time or memory.
public enum ArchitectureLimits {
    /// Layers after every repeat is expanded.
    public static let maximumLayers = 100_000
    /// Input references of all layers together after every repeat is expanded (a 100,000-layer chain has 100,000):
    /// a repeated `add` of thousands of inputs must not make a small file take gigabytes.
    public static let maximumInputReferences = 1_000_000
    /// Iterations of one repeat.
    public static let maximumRepeatCount = 10_000
    /// Repeats nested in repeats.
    public static let maximumRepeatNesting = 8
    /// Variables of one repeat. Each iteration of a nested repeat copies those in scope, and each value is a
    /// number, a string, true or false, or a pair of them (`[3, 1]`), so expanding costs time per layer made,
    /// not per byte of the file.
    public static let maximumRepeatVariables = 32
    /// Any channel count, feature count or spatial extent.
    public static let maximumDimension = 1 << 30
    /// Any kernel, stride or padding.
    public static let maximumWindow = 1 << 16
    /// UTF-8 bytes of a name as written, and of a layer's full name with its repeat prefixes (`block2.conv1`).
    public static let maximumNameBytes = 256
    /// Inner steps that differ from the step before them, times layers: the work of costing one plan, which walks
    /// every layer of every such step (a step equal to the one before is compared, not recomputed, so K equal
    /// steps count once). Bounds plan and importance files: 1,000 different steps of a 2,000-layer network.
    public static let maximumDistinctLayerSteps = 2_000_000

    /// Why `steps` is too much work to cost on a network of `layers` layers, or nil when it is within
    /// `maximumDistinctLayerSteps`.
    public static func layerStepsProblem<Step: Equatable>(_ steps: [Step], layers: Int) -> String? {
        layerStepsProblem(distinctSteps: steps.indices.count { $0 == 0 || steps[$0] != steps[$0 - 1] }, layers: layers)
    }

    /// Why `distinct` different steps are too much work to cost on `layers` layers, or nil.
    public static func layerStepsProblem(distinctSteps distinct: Int, layers: Int) -> String? {
        let (work, overflow) = distinct.multipliedReportingOverflow(by: layers)
        guard overflow || work > maximumDistinctLayerSteps else { return nil }
        return "\(DecimalFormatting.grouped(distinct)) different inner steps on \(DecimalFormatting.grouped(layers)) layers are "
            + "\(DecimalFormatting.grouped(work)) layer-steps to cost, over the limit of \(DecimalFormatting.grouped(maximumDistinctLayerSteps)); "
            + "use fewer inner steps, or repeat a step's updates in the steps after it"
    }
}

extension ArchitectureGraph {
    /// The architecture file format this version reads and writes.
    public static let formatVersion = 1

    /// Decodes an architecture document (see docs/architecture-format.md).
    /// - Throws: `DataError` naming the JSON path and what was expected.
    public init(json: JSONValue) throws(DataError) {
        let root = JSONField(value: json, path: "")
        guard json.objectValue != nil else {
            throw DataError(path: "", message: "expected an architecture object at the top level, found \(json.kindDescription)")
        }
        try root.rejectUnknownMembers(allowed: ["format", "name", "description", "source", "input", "layers", "free_parameters", "workload"])
        let format = try root.required("format", "the format version 1").integer(in: Int.min...Int.max, "the format version 1")
        guard format == Self.formatVersion else {
            throw DataError(path: "format", message: "unsupported format \(format); this pmeta-plan reads format \(Self.formatVersion)")
        }
        let name = try root.required("name", "a string naming the network").string()
        let input = try root.required("input", #"an object like {"shape": [3, 84, 84], "element_bytes": 1}"#)
        try input.rejectUnknownMembers(allowed: ["shape", "element_bytes"])
        let shapeField = try input.required("shape", "[C, H, W] or [features]")
        let shape = try shapeField.elements("[C, H, W] or [features]").map { (field: JSONField) throws(DataError) -> Int in
            try field.integer(in: 1...ArchitectureLimits.maximumDimension, "a positive integer dimension")
        }
        guard (1...3).contains(shape.count) else {
            throw shapeField.error("expected 1 to 3 dimensions ([C, H, W] or [features]), found \(shape.count)")
        }
        let elementBytes = try input.member("element_bytes")?.integer(in: 1...16, "a byte count from 1 to 16") ?? 4
        var freeParameters: [FreeParameter] = []
        if let free = root.member("free_parameters") {
            for item in try free.elements("a list of {\"name\", \"count\"} objects") {
                try item.rejectUnknownMembers(allowed: ["name", "count"])
                freeParameters.append(FreeParameter(
                    name: try item.required("name", "a string").string(),
                    elementCount: try item.required("count", "a positive integer").integer(in: 1...ArchitectureLimits.maximumDimension, "a positive integer")))
            }
        }
        var hint: WorkloadHint?
        if let workload = root.member("workload") {
            try workload.rejectUnknownMembers(allowed: ["samples", "micro_batch", "propagation"])
            let samples = try workload.required("samples", "a positive integer").integer(in: 1...ArchitectureLimits.maximumDimension, "a positive integer")
            let microBatch = try workload.member("micro_batch")?.integer(in: 1...samples, "a micro-batch from 1 to samples (\(samples))") ?? samples
            var streams = false
            if let propagation = workload.member("propagation") {
                switch try propagation.string() {
                case "batched": streams = false
                case "streamed": streams = true
                default: throw propagation.error("expected \"batched\" or \"streamed\", found \(propagation.value.kindDescription)")
                }
            }
            hint = WorkloadHint(samples: samples, microBatch: microBatch, streamsSamples: streams)
        }
        let layersField = try root.required("layers", "a list of layers")
        var decoder = LayerListDecoder()
        _ = try decoder.expand(try layersField.elements("a list of layers"), prefix: "", variables: [:],
                               scopes: [], entering: .graphInput, nesting: 0)
        guard !decoder.layers.isEmpty else {
            throw layersField.error("expected at least one layer, found an empty list")
        }
        self.init(name: name, inputShape: shape, sampleElementBytes: elementBytes, layers: decoder.layers,
                  freeParameters: freeParameters, suggestedWorkload: hint)
        self.splits = decoder.splits
    }
}

extension JSONField {
    /// Throws for a member not in `allowed`, suggesting the closest allowed name.
    func rejectUnknownMembers(allowed: [String]) throws(DataError) {
        for (key, field) in try members() where !allowed.contains(key) {
            let suggestion = closestMatch(to: key, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            throw field.error("unknown field\(suggestion); expected one of: \(allowed.joined(separator: ", "))")
        }
    }
}

/// Expands repeats, names layers and resolves their inputs.
private struct LayerListDecoder {
    /// The decoded layers, in order.
    var layers: [Layer] = []
    /// Every full name, for global references and duplicate detection.
    var namesInUse: [String: Int] = [:]
    /// Auto-name counters per prefix and kind (`block1.conv` -> 3).
    var counters: [String: Int] = [:]
    /// The inputs of all layers so far.
    var inputReferenceCount = 0
    /// The splits expanded into slices, for shape inference to check that their parts cover the axis.
    var splits: [SplitDeclaration] = []

    /// One repeat iteration's names and the tensor entering it (`$in`).
    struct Scope {
        var localNames: [String: Int]
        var entering: TensorReference
    }

    /// Decodes `items` in sequence, returning the last output.
    mutating func expand(_ items: [JSONField], prefix: String, variables: [String: JSONValue], scopes: [Scope],
                         entering: TensorReference, nesting: Int) throws(DataError) -> TensorReference {
        var previous = entering
        var scopes = scopes
        for item in items {
            let substituted = JSONField(value: item.value.substituting(variables), path: item.path)
            guard substituted.value.objectValue != nil else {
                throw item.error("expected a layer object like {\"op\": \"relu\"}, found \(item.value.kindDescription)")
            }
            if let repeatField = substituted.member("repeat") {
                previous = try expandRepeat(substituted, repeatField: repeatField, prefix: prefix, variables: variables,
                                            scopes: scopes, entering: previous, nesting: nesting)
                continue
            }
            let indices = substituted.member("op")?.value.stringValue == "split"
                ? try decodeSplit(substituted, prefix: prefix, scopes: scopes, previous: previous)
                : [try decodeLayer(substituted, prefix: prefix, scopes: scopes, previous: previous)]
            for index in indices where !scopes.isEmpty {
                scopes[scopes.count - 1].localNames[localName(of: layers[index].name, prefix: prefix)] = index
            }
            previous = .layer(indices.last!)
        }
        return previous
    }

    private func localName(of fullName: String, prefix: String) -> String {
        String(fullName.dropFirst(prefix.count))
    }

    private mutating func expandRepeat(_ item: JSONField, repeatField: JSONField, prefix: String, variables: [String: JSONValue],
                                       scopes: [Scope], entering: TensorReference, nesting: Int) throws(DataError) -> TensorReference {
        try item.rejectUnknownMembers(allowed: ["repeat", "name", "layers"])
        guard nesting < ArchitectureLimits.maximumRepeatNesting else {
            throw repeatField.error("repeats are nested more than \(ArchitectureLimits.maximumRepeatNesting) deep")
        }
        var iterations: [[String: JSONValue]]
        if repeatField.value.integerValue != nil {
            let count = try repeatField.integer(in: 1...ArchitectureLimits.maximumRepeatCount,
                                                "a repeat count from 1 to \(ArchitectureLimits.maximumRepeatCount)")
            iterations = Array(repeating: [:], count: count)
        } else if repeatField.value.objectValue != nil {
            iterations = []
            let declared = try repeatField.members()
            guard declared.count <= ArchitectureLimits.maximumRepeatVariables else {
                throw repeatField.error("expected at most \(ArchitectureLimits.maximumRepeatVariables) variables, found \(declared.count)")
            }
            for (key, field) in declared {
                guard key != "in", !key.isEmpty, key.utf8.count <= ArchitectureLimits.maximumNameBytes,
                      key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw field.error("a repeat variable needs a name of letters, digits and '_' other than 'in', at most \(ArchitectureLimits.maximumNameBytes) bytes")
                }
                let values = try field.elements("a list of values, one per iteration")
                guard values.count <= ArchitectureLimits.maximumRepeatCount else {
                    throw field.error("expected at most \(ArchitectureLimits.maximumRepeatCount) iterations, found \(values.count)")
                }
                if iterations.isEmpty { iterations = Array(repeating: [:], count: values.count) }
                guard values.count == iterations.count, !values.isEmpty else {
                    throw field.error("expected \(iterations.count) values (one per iteration, as for the first variable), found \(values.count)")
                }
                for (position, value) in values.enumerated() {
                    guard value.value.isRepeatValue else {
                        throw value.error("expected a number, a string, true or false, or a pair of them like [3, 1], found \(value.value.kindDescription)")
                    }
                    iterations[position][key] = value.value
                }
            }
            guard !iterations.isEmpty else { throw repeatField.error("expected at least one variable with values") }
        } else {
            throw repeatField.error("expected a repeat count or an object of per-iteration values like {\"width\": [64, 128]}, found \(repeatField.value.kindDescription)")
        }
        let blockName = try item.member("name")?.identifier() ?? "block"
        let body = try item.required("layers", "the list of layers to repeat").elements("a list of layers")
        guard !body.isEmpty else { throw item.error("expected at least one layer in the repeat's layers") }
        var previous = entering
        for iteration in iterations {
            let counterKey = prefix + blockName
            let number = (counters[counterKey] ?? 0) + 1
            counters[counterKey] = number
            let merged = variables.merging(iteration) { _, inner in inner }
            previous = try expand(body, prefix: "\(prefix)\(blockName)\(number).", variables: merged,
                                  scopes: scopes + [Scope(localNames: [:], entering: previous)], entering: previous, nesting: nesting + 1)
        }
        return previous
    }

    private mutating func decodeLayer(_ item: JSONField, prefix: String, scopes: [Scope],
                                      previous: TensorReference) throws(DataError) -> Int {
        let operation = try item.decodeOperation()
        let name = try layerName(of: item, prefix: prefix, stem: operation.kind.autoNameStem)
        // A learned tensor reads nothing unless the file says otherwise (and shape inference then refuses it).
        let inputs = try layerInputs(of: item, scopes: scopes, previous: operation.kind == .parameter ? nil : previous)
        let parameterNames = try item.member("parameters")?.elements("a list of parameter names").map { (field: JSONField) throws(DataError) -> String in
            let text = try field.string()
            guard !text.isEmpty, text.utf8.count <= ArchitectureLimits.maximumNameBytes else {
                throw field.error("expected a parameter name of 1 to \(ArchitectureLimits.maximumNameBytes) bytes")
            }
            return text
        } ?? []
        return try append(Layer(name: name, operation: operation, inputs: inputs, sourcePath: item.path, parameterNames: parameterNames), at: item)
    }

    /// `{"op": "split", "axis": 0, "sizes": [58, 58]}`: one `slice` layer per part, named `NAME.0`, `NAME.1`, ...
    private mutating func decodeSplit(_ item: JSONField, prefix: String, scopes: [Scope],
                                      previous: TensorReference) throws(DataError) -> [Int] {
        try item.rejectUnknownMembers(allowed: ["op", "name", "inputs", "axis", "sizes"])
        let axis = try item.member("axis")?.axis() ?? 0
        let sizesField = try item.required("sizes", "a list of positive part sizes adding up to the axis")
        let sizes = try sizesField.elements("a list of positive part sizes").map { (field: JSONField) throws(DataError) -> Int in
            try field.positiveDimension()
        }
        guard sizes.count >= 1 && sizes.count <= 1024 else { throw sizesField.error("expected 1 to 1024 parts, found \(sizes.count)") }
        let name = try layerName(of: item, prefix: prefix, stem: "split")
        let inputs = try layerInputs(of: item, scopes: scopes, previous: previous)
        var start = 0
        var indices: [Int] = []
        for (part, size) in sizes.enumerated() {
            let end = start + size
            guard end <= ArchitectureLimits.maximumDimension else { throw sizesField.error("the parts add up to more than \(ArchitectureLimits.maximumDimension)") }
            // Shape inference checks that the parts cover the axis: the last one must end at its extent.
            let layer = Layer(name: "\(name).\(part)", operation: .slice(axis: axis, start: start, end: end, step: 1),
                              inputs: inputs, sourcePath: "\(item.path).sizes[\(part)]")
            indices.append(try append(layer, at: item))
            start = end
        }
        splits.append(SplitDeclaration(lastPart: indices.last!, axis: axis, extent: start, path: sizesField.path))
        return indices
    }

    /// The layer's full name: its `name` after the repeat prefix, or the op's stem and a counter.
    private mutating func layerName(of item: JSONField, prefix: String, stem: String) throws(DataError) -> String {
        guard layers.count < ArchitectureLimits.maximumLayers else {
            throw item.error("the network has more than \(ArchitectureLimits.maximumLayers) layers")
        }
        let name: String
        if let nameField = item.member("name") {
            name = prefix + (try nameField.layerName())
        } else {
            let fullStem = prefix + stem
            var number = counters[fullStem] ?? 0
            repeat { number += 1 } while namesInUse[fullStem + String(number)] != nil
            counters[fullStem] = number
            name = fullStem + String(number)
        }
        guard name.utf8.count <= ArchitectureLimits.maximumNameBytes else {
            throw item.error("the layer's full name '\(name)' is longer than \(ArchitectureLimits.maximumNameBytes) bytes; shorten the layer or block names")
        }
        return name
    }

    /// The layer's `inputs`, or `previous` (nothing when nil) when it names none.
    private mutating func layerInputs(of item: JSONField, scopes: [Scope], previous: TensorReference?) throws(DataError) -> [TensorReference] {
        var inputs: [TensorReference] = []
        if let inputsField = item.member("inputs") {
            let references = try inputsField.elements("a list of layer names")
            guard !references.isEmpty else { throw inputsField.error("expected at least one input name, found an empty list") }
            guard references.count <= ArchitectureLimits.maximumInputReferences - inputReferenceCount else {
                throw inputsField.error("the network has more than \(ArchitectureLimits.maximumInputReferences) input references in all")
            }
            inputs.reserveCapacity(references.count)
            for reference in references {
                inputs.append(try resolve(reference, scopes: scopes))
            }
        } else if let previous {
            guard inputReferenceCount < ArchitectureLimits.maximumInputReferences else {
                throw item.error("the network has more than \(ArchitectureLimits.maximumInputReferences) input references in all")
            }
            inputs = [previous]
        }
        inputReferenceCount += inputs.count
        return inputs
    }

    /// Appends a named layer, refusing a duplicate name or a layer past the limit.
    private mutating func append(_ layer: Layer, at item: JSONField) throws(DataError) -> Int {
        guard layers.count < ArchitectureLimits.maximumLayers else {
            throw item.error("the network has more than \(ArchitectureLimits.maximumLayers) layers")
        }
        if let existing = namesInUse[layer.name] {
            throw item.error("duplicate layer name '\(layer.name)', already used by \(layers[existing].sourcePath)")
        }
        let index = layers.count
        layers.append(layer)
        namesInUse[layer.name] = index
        return index
    }

    private func resolve(_ field: JSONField, scopes: [Scope]) throws(DataError) -> TensorReference {
        let name = try field.string()
        if name == "input" { return .graphInput }
        if name == "$in" {
            guard let scope = scopes.last else { throw field.error("'$in' (the tensor entering a repeat) is only defined inside a repeat") }
            return scope.entering
        }
        for scope in scopes.reversed() {
            if let index = scope.localNames[name] { return .layer(index) }
        }
        if let index = namesInUse[name] { return .layer(index) }
        // Candidates in the order they were defined: deterministic, and no sort of 100,000 names for one message.
        let hint = closestMatch(to: name, among: layers.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""
        throw field.error("unknown input '\(JSONValue.excerpt(name))'\(hint); an input must name the graph 'input', '$in' inside a repeat, or a layer defined before this one (cycles are not allowed)")
    }
}

extension JSONField {
    /// A block name: letters, digits, '_' and '-', no dots (dots separate repeat prefixes), at most
    /// `ArchitectureLimits.maximumNameBytes` bytes.
    func identifier() throws(DataError) -> String {
        let text = try string()
        guard text.utf8.count <= ArchitectureLimits.maximumNameBytes, text != "input", Self.isNamePart(text.unicodeScalars[...]) else {
            throw error("expected a name of letters, digits, '_' and '-' (not 'input'), at most \(ArchitectureLimits.maximumNameBytes) bytes, found \(value.kindDescription)")
        }
        return text
    }

    /// A layer name: names as `identifier()` reads them, joined by single dots, as a flat file spells the layers
    /// that repeats generate (`block2.conv1`); at most `ArchitectureLimits.maximumNameBytes` bytes.
    func layerName() throws(DataError) -> String {
        let text = try string()
        guard text.utf8.count <= ArchitectureLimits.maximumNameBytes, text != "input",
              text.unicodeScalars.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(Self.isNamePart) else {
            throw error("expected a name of letters, digits, '_' and '-', with dots only between parts (not 'input'), at most \(ArchitectureLimits.maximumNameBytes) bytes, found \(value.kindDescription)")
        }
        return text
    }

    /// Whether `part` is a non-empty run of letters, digits, '_' and '-' (so never `$name`), where combining marks
    /// and joiners may follow the first.
    ///
    /// Checked scalar by scalar rather than character by character: a repeat prefix ends in a dot, and a name
    /// that starts with a combining mark would fuse with that dot into one character, so the flat file's name
    /// would no longer split where the prefix ended.
    private static func isNamePart(_ part: Substring.UnicodeScalarView) -> Bool {
        guard let first = part.first, !isMarkOrJoiner(first) else { return false }
        return part.allSatisfy { scalar in
            scalar == "_" || scalar == "-" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || isMarkOrJoiner(scalar)
        }
    }

    private static func isMarkOrJoiner(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: scalar.properties.isJoinControl
        }
    }
}

extension JSONValue {
    /// Whether the value may be a repeat variable's value: a number, a string, true or false, or a pair of them.
    var isRepeatValue: Bool {
        switch self {
        case .number, .string, .bool: true
        case .array(let pair): pair.count <= 2 && pair.allSatisfy { $0.isRepeatValue && $0.arrayValue == nil }
        case .null, .object: false
        }
    }

    /// The value with every string `"$name"` replaced by `variables["name"]`, except inside `inputs`.
    func substituting(_ variables: [String: JSONValue]) -> JSONValue {
        if variables.isEmpty { return self }
        switch self {
        case .string(let text) where text.hasPrefix("$"):
            return variables[String(text.dropFirst())] ?? self
        case .array(let values):
            return .array(values.map { $0.substituting(variables) })
        case .object(let pairs):
            return .object(pairs.map { pair in
                (key: pair.key, value: pair.key == "inputs" || pair.key == "layers" ? pair.value : pair.value.substituting(variables))
            })
        default:
            return self
        }
    }
}

extension Operation.Kind {
    /// The stem of generated layer names: `conv`, `fc`, `gn`, ...
    var autoNameStem: String {
        switch self {
        case .conv2d: "conv"
        case .linear: "fc"
        case .groupNorm: "gn"
        case .batchNorm: "bn"
        case .layerNorm: "ln"
        case .relu: "relu"
        case .relu6: "relu6_"
        case .leakyReLU: "lrelu"
        case .maxPool: "maxpool"
        case .averagePool: "avgpool"
        case .globalAveragePool: "gap"
        case .upsample: "up"
        case .flatten: "flatten"
        case .add: "add"
        case .concat: "concat"
        case .conv1d: "conv1d_"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .hardSigmoid: "hsigmoid"
        case .hardSwish: "hswish"
        case .silu: "silu"
        case .gelu: "gelu"
        case .softmax: "softmax"
        case .dropout: "dropout"
        case .mul: "mul"
        case .scale: "scale"
        case .matmul: "matmul"
        case .reshape: "reshape"
        case .transpose: "transpose"
        case .slice: "slice"
        case .shuffle: "shuffle"
        case .gather: "gather"
        case .reduceMean: "mean"
        case .parameter: "param"
        }
    }
}

extension ArchitectureGraph {
    /// Parses and decodes an architecture file's bytes.
    /// - Parameters:
    ///   - bytes: The file's contents.
    ///   - file: The file name, for error messages.
    /// - Throws: `DataError` with `line L, column C` for malformed JSON, or the JSON path for bad data.
    public init(jsonBytes bytes: [UInt8], file: String? = nil) throws(DataError) {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes: bytes)
        } catch let error as JSONSyntaxError {
            throw DataError(file: file, path: "line \(error.line), column \(error.column)", message: error.message)
        } catch {
            throw DataError(file: file, path: "", message: "\(error)")
        }
        do {
            try self.init(json: json)
        } catch {
            throw file.map { error.inFile($0) } ?? error
        }
    }
}

extension ShapedGraph {
    /// Parses, decodes and shape-checks an architecture file's bytes.
    /// - Throws: `DataError` naming the file and the place.
    public init(jsonBytes bytes: [UInt8], file: String? = nil) throws(DataError) {
        let graph = try ArchitectureGraph(jsonBytes: bytes, file: file)
        do {
            try self.init(graph)
        } catch {
            throw file.map { error.inFile($0) } ?? error
        }
    }
}
