/// Turns an ONNX model into an architecture document (docs/architecture-format.md), which
/// `ArchitectureGraph(json:)` then decodes: the same document `pmeta-plan convert` writes.
///
/// Constant shape arithmetic (Shape, Gather, Concat, ...) is folded, the batch axis is dropped from every shape,
/// and layer names come from the node names (`/layer1/layer1.0/conv1/Conv` becomes `layer1.0.conv1`).
/// docs/onnx.md lists every operator and how it maps.
public enum ONNXImporter {
    /// The ONNX operators the importer maps or folds.
    public static let supportedOperators: [String] = [
        "Add", "AveragePool", "BatchNormalization", "Bernoulli", "Cast", "Ceil", "Clip", "Concat", "Constant", "ConstantOfShape",
        "Conv", "Div", "Dropout", "Equal", "Erf", "Expand", "Flatten", "Floor", "Gather", "Gelu", "Gemm", "GlobalAveragePool",
        "Greater", "GreaterOrEqual", "GroupNormalization", "HardSigmoid", "HardSwish", "Identity", "InstanceNormalization",
        "LayerNormalization", "LeakyRelu", "Less", "LessOrEqual", "MatMul", "MaxPool", "Mod", "Mul", "Neg", "Pad", "Pow",
        "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Range", "ReduceMean", "Relu", "Reshape",
        "Resize", "Shape", "Sigmoid", "Size", "Slice", "Softmax", "Split", "Sqrt", "Squeeze", "Sub", "Tanh", "Transpose",
        "Unsqueeze", "Upsample", "Where",
    ]

    /// Whether `bytes` look like an ONNX file rather than JSON: JSON starts with `{` after white space, a
    /// ModelProto with a field tag (`ir_version` is 0x08).
    public static func looksLikeONNX(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): return false
            default:
                // A protobuf tag: wire type 0 to 5 and a field number of at least 1.
                return byte & 7 <= 5 && byte >> 3 >= 1 || byte & 0x80 != 0
            }
        }
        return false
    }

    /// The architecture document of the ONNX file in `bytes`.
    /// - Parameters:
    ///   - bytes: The file's bytes, borrowed for the call.
    ///   - file: The file name, for errors and the document's `source`.
    /// - Returns: An architecture object with format 1, the input shape without the batch axis, and the layers.
    /// - Throws: `DataError` naming the file and the byte offset and field (malformed), or the node, its op_type and
    ///   the opset (unsupported), and what was expected.
    public static func architectureDocument(bytes: UnsafeRawBufferPointer, file: String) throws(DataError) -> JSONValue {
        try architectureDocument(model: try decoded(file: file) { () throws(ProtobufError) in try ONNXModel(bytes: bytes) }, file: file)
    }

    /// The architecture document of the ONNX file `buffer`, whose pages are read only when the decoder needs them:
    /// the pages that hold only tensor payloads are never read (the way to read a file from disk).
    /// - Throws: `DataError` as `architectureDocument(bytes:file:)` does; after an I/O error, `buffer.readFailure`
    ///   holds its reason.
    public static func architectureDocument(file buffer: any ProtobufPagedBytes, name file: String) throws(DataError) -> JSONValue {
        try architectureDocument(model: try decoded(file: file) { () throws(ProtobufError) in try ONNXModel(file: buffer) }, file: file)
    }

    /// The model `decode` reads, with a malformed file's error as a `DataError` naming the byte offset and the field.
    private static func decoded(file: String, _ decode: () throws(ProtobufError) -> ONNXModel) throws(DataError) -> ONNXModel {
        do {
            return try decode()
        } catch {
            throw DataError(file: file, path: "byte \(DecimalFormatting.grouped(error.offset)), \(error.field)", message: error.message)
        }
    }

    /// The architecture document of the ONNX file in `bytes`.
    /// - Throws: `DataError` as `architectureDocument(bytes:file:)` does.
    public static func architectureDocument(bytes: [UInt8], file: String) throws(DataError) -> JSONValue {
        let result: Result<JSONValue, DataError> = bytes.withUnsafeBytes { buffer in
            do throws(DataError) { return .success(try architectureDocument(bytes: buffer, file: file)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The architecture document of a decoded model.
    /// - Throws: `DataError` for an unsupported operator or attribute, or shapes that do not agree.
    public static func architectureDocument(model: ONNXModel, file: String) throws(DataError) -> JSONValue {
        do {
            var importer = try ONNXGraphImport(model: model, file: file)
            try importer.importNodes()
            return try importer.document()
        } catch {
            // Node and value names come from the file: a control character in one must not break the one-line message.
            throw DataError(file: error.file, path: error.path.escapingControlCharacters, message: error.message.escapingControlCharacters)
        }
    }
}

/// Where a layer's input comes from: the graph input, a layer, or one part of a split layer.
enum LayerReference: Hashable, Sendable {
    case graphInput
    case layer(Int)
    case part(Int, Int)

    var layerIndex: Int? {
        switch self {
        case .graphInput: nil
        case .layer(let index), .part(let index, _): index
        }
    }
}

/// A tensor computed from the input, as ONNX sees it: shape with the batch axis first (when it has one).
struct ONNXActivation: Sendable {
    /// The layer that computes it.
    var reference: LayerReference
    /// The shape with the batch axis (of size `ONNXGraphImport.batch`) first when `hasBatchAxis`.
    var shape: [Int]
    /// Whether axis 0 is the batch (false for a parameter that broadcasts over it, like a `[192]` scale).
    var hasBatchAxis: Bool
    /// Zero padding a Pad node added that no layer holds yet (`shape` includes it): the Conv or pooling that reads
    /// it takes it as its own padding, and any other reader is an error.
    var pendingPadding: PendingPadding? = nil

    /// The shape of one sample.
    var sampleShape: [Int] { hasBatchAxis ? Array(shape.dropFirst()) : shape }
}

/// What an ONNX value name stands for during import.
enum ONNXImportedValue: Sendable {
    case constant(ONNXConstant)
    case activation(ONNXActivation)
}

/// A layer of the document being built; named at the end, once all layers are known.
struct PendingLayer: Sendable {
    /// The `op` and its attributes, in the order written.
    var members: [(key: String, value: JSONValue)]
    /// The layer's inputs.
    var inputs: [LayerReference]
    /// The module path from the node name (`["layer1.0", "conv1"]`), and the node's own last component.
    var scope: [String]
    /// The last component of the node name (`Conv`, `Relu_1`) or the op type.
    var label: String
    /// The initializers this layer owns (`layer1.0.conv1.weight`).
    var parameters: [String]
    /// The ONNX value this layer computes, for peephole rewrites that need its consumer count.
    var outputValue: String
    /// A fixed name (parameter layers are named by their initializer).
    var fixedName: String?

    var op: String { members.first { $0.key == "op" }?.value.stringValue ?? "" }
}

/// The state of one graph's import.
struct ONNXGraphImport {
    /// The stand-in size of the batch axis: shape arithmetic runs with it, and an axis of this size is the batch.
    /// A prime far above any real dimension, so a batch merged into another axis shows as a multiple of it.
    static let batch = 1_000_003

    let model: ONNXModel
    let file: String
    let opset: Int64
    var values: [String: ONNXImportedValue] = [:]
    var layers: [PendingLayer] = []
    /// How many node inputs and graph outputs read each value.
    var consumerCounts: [String: Int] = [:]
    /// Nodes absorbed into a pattern (the Erf form of GELU), by index.
    var skippedNodes: Set<Int> = []
    /// For the last node of a GELU pattern, the value it applies GELU to.
    var geluInputs: [Int: String] = [:]
    /// For the last node of a decomposed layer norm, what it normalizes.
    var layerNormPatterns: [Int: DecomposedLayerNorm] = [:]
    /// Parameter layers already made, by initializer name.
    var parameterLayers: [String: Int] = [:]
    /// The input's shape per sample, its element bytes, and the batch size the file fixes (nil when symbolic).
    var inputShape: [Int] = []
    var elementBytes = 4
    var fileBatch: Int?
    /// Counts for the description.
    var batchNormCount = 0
    var dropoutCount = 0
    var stochasticDepthCount = 0

    init(model: ONNXModel, file: String) throws(DataError) {
        self.model = model
        self.file = file
        self.opset = model.defaultOpset ?? 0
        for tensor in model.graph.initializers {
            values[tensor.name] = .constant(try constant(from: tensor, path: "graph.initializer '\(tensor.name)'"))
        }
        let inputs = model.graph.inputs.filter { values[$0.name] == nil }
        guard inputs.count == 1, let input = inputs.first else {
            throw DataError(file: file, path: "graph.input", message: "expected one graph input (the sample), found \(inputs.count)\(inputs.isEmpty ? "" : ": " + inputs.map(\.name).joined(separator: ", "))")
        }
        guard let shape = input.shape, shape.count >= 2, shape.count <= 4 else {
            throw DataError(file: file, path: "graph.input '\(input.name)'", message: "expected a shape [batch, C, H, W], [batch, C, L] or [batch, features], found \(input.shape.map { "\($0.count) dimensions" } ?? "no shape")")
        }
        if case .value(let size) = shape[0], size > 0 { fileBatch = Int(clamping: size) }
        for (axis, dimension) in shape.enumerated().dropFirst() {
            guard case .value(let size) = dimension, size >= 1, size <= Int64(ArchitectureLimits.maximumDimension) else {
                throw DataError(file: file, path: "graph.input '\(input.name)'.shape[\(axis)]", message: "expected a fixed positive size (only the batch axis may be symbolic), found \(dimension)")
            }
            inputShape.append(Int(size))
        }
        switch input.elementType {
        case 2, 3, 9: elementBytes = 1
        case 4, 5, 10, 16: elementBytes = 2
        case 7, 11, 13: elementBytes = 8
        default: elementBytes = 4
        }
        values[input.name] = .activation(ONNXActivation(reference: .graphInput, shape: [Self.batch] + inputShape, hasBatchAxis: true))
        for node in model.graph.nodes {
            for name in node.inputs where !name.isEmpty { consumerCounts[name, default: 0] += 1 }
        }
        for output in model.graph.outputs { consumerCounts[output.name, default: 0] += 1 }
        var producers: [String: Int] = [:]
        var consumers: [String: [Int]] = [:]
        for node in model.graph.nodes {
            for output in node.outputs where !output.isEmpty { producers[output] = node.index }
            for input in node.inputs where !input.isEmpty { consumers[input, default: []].append(node.index) }
        }
        findGELUPatterns(producers: producers, consumers: consumers)
        findLayerNormPatterns(producers: producers, consumers: consumers)
    }

    /// A constant from an initializer or a Constant node's tensor.
    func constant(from tensor: ONNXTensor, path: String) throws(DataError) -> ONNXConstant {
        guard tensor.dims.count <= 8, tensor.dims.allSatisfy({ $0 >= 0 && $0 <= Int64(ArchitectureLimits.maximumDimension) }),
              let count = tensor.elementCount, count <= Int(UInt32.max) else {
            throw DataError(file: file, path: path, message: "expected at most 8 dimensions from 0 to \(ArchitectureLimits.maximumDimension) each, found \(tensor.dims)")
        }
        let shape = tensor.dims.map { Int($0) }
        let elements: ONNXConstant.Elements
        if let integers = tensor.integers, integers.count == count { elements = .integers(integers) }
        else if let reals = tensor.reals, reals.count == count { elements = .reals(reals) }
        else { elements = .unknown }
        return ONNXConstant(shape: shape, elements: elements, initializerName: tensor.name.isEmpty ? nil : tensor.name)
    }

    // MARK: - Errors

    /// An error about `node`: `file: node 12 '/features/Conv' (Conv, opset 17): message`.
    func failure(_ node: ONNXNode, _ message: String) -> DataError {
        DataError(file: file, path: "node \(node.index) '\(node.name)' (\(node.opType), opset \(opset))", message: message)
    }

    // MARK: - Values

    func value(_ name: String, of node: ONNXNode) throws(DataError) -> ONNXImportedValue {
        guard let value = values[name] else {
            throw failure(node, "input '\(name)' is produced by no earlier node, initializer or graph input")
        }
        if case .activation(let activation) = value, let padding = activation.pendingPadding,
           !PendingPadding.readers.contains(node.opType) {
            throw failure(node, "reads the output of Pad '\(padding.nodeName)'; only constant zero padding that feeds Conv, MaxPool or AveragePool is supported (it becomes their padding)")
        }
        return value
    }

    /// Input `position` of `node`, or nil when omitted.
    func input(_ position: Int, of node: ONNXNode) throws(DataError) -> ONNXImportedValue? {
        guard position < node.inputs.count, !node.inputs[position].isEmpty else { return nil }
        return try value(node.inputs[position], of: node)
    }

    /// Input `position` of `node`, which must be present.
    func requiredInput(_ position: Int, of node: ONNXNode) throws(DataError) -> ONNXImportedValue {
        guard let value = try input(position, of: node) else {
            throw failure(node, "expected an input at position \(position), found \(node.inputs.count) inputs")
        }
        return value
    }

    /// Input `position` as a constant with known values.
    func constantInput(_ position: Int, of node: ONNXNode, _ what: String) throws(DataError) -> ONNXConstant? {
        guard let value = try input(position, of: node) else { return nil }
        guard case .constant(let constant) = value, constant.reals != nil else {
            throw failure(node, "expected \(what) (input \(position)) to be a constant the importer can compute, found a value computed from the network's input")
        }
        return constant
    }

    mutating func setOutput(_ node: ONNXNode, _ position: Int = 0, _ value: ONNXImportedValue) {
        guard position < node.outputs.count, !node.outputs[position].isEmpty else { return }
        values[node.outputs[position]] = value
    }

    // MARK: - Attributes

    func intAttribute(_ node: ONNXNode, _ name: String) -> Int64? {
        if case .int(let value) = node.attribute(name) { return value }
        return nil
    }

    func floatAttribute(_ node: ONNXNode, _ name: String) -> Double? {
        switch node.attribute(name) {
        case .float(let value): return Double(value)
        case .int(let value): return Double(value)
        default: return nil
        }
    }

    func intsAttribute(_ node: ONNXNode, _ name: String) -> [Int64]? {
        switch node.attribute(name) {
        case .ints(let values): return values
        case .int(let value): return [value]
        default: return nil
        }
    }

    func floatsAttribute(_ node: ONNXNode, _ name: String) -> [Double]? {
        switch node.attribute(name) {
        case .floats(let values): return values.map(Double.init)
        case .float(let value): return [Double(value)]
        default: return nil
        }
    }

    func stringAttribute(_ node: ONNXNode, _ name: String) -> String? {
        if case .string(let value) = node.attribute(name) { return value }
        return nil
    }

    /// An integer attribute in a range that keeps the arithmetic safe.
    func boundedInt(_ value: Int64, _ node: ONNXNode, _ what: String, _ range: ClosedRange<Int>) throws(DataError) -> Int {
        guard value >= Int64(range.lowerBound), value <= Int64(range.upperBound) else {
            throw failure(node, "expected \(what) from \(range.lowerBound) to \(range.upperBound), found \(value)")
        }
        return Int(value)
    }

    // MARK: - The node loop

    mutating func importNodes() throws(DataError) {
        for node in model.graph.nodes {
            if skippedNodes.contains(node.index) { continue }
            guard node.domain.isEmpty || node.domain == "ai.onnx" else {
                throw failure(node, "operator \(node.domain).\(node.opType) is outside the ONNX domain; supported ONNX operators: \(ONNXImporter.supportedOperators.joined(separator: ", "))")
            }
            if let geluInput = geluInputs[node.index] {
                guard case .activation(let input) = try value(geluInput, of: node) else {
                    throw failure(node, "GELU of a constant is not supported")
                }
                setOutput(node, 0, .activation(addLayer(node, [("op", "gelu")], inputs: [input], shape: input.shape)))
                continue
            }
            if let pattern = layerNormPatterns[node.index] {
                try importDecomposedLayerNorm(node, pattern)
                continue
            }
            if try foldConstantNode(node) { continue }
            try importLayerNode(node)
        }
    }
}
