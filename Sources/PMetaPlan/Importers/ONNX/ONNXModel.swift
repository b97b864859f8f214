/// The parts of an ONNX ModelProto that planning needs (field numbers from onnx/onnx.proto, onnx 1.23).
///
/// Tensor payloads are never read: an initializer keeps its name, type and dims, and only small numeric
/// constants (shape arithmetic, scalars) keep their values.
public struct ONNXModel: Sendable {
    /// `ir_version` (field 1).
    public var irVersion: Int64 = 0
    /// `producer_name` (2) and `producer_version` (3), e.g. `pytorch` `2.15.0`.
    public var producerName = ""
    /// `producer_version` (3).
    public var producerVersion = ""
    /// `opset_import` (8): operator set versions by domain (`""` is the default ONNX domain).
    public var opsetImports: [ONNXOpsetImport] = []
    /// `graph` (7).
    public var graph = ONNXGraph()

    /// The default domain's opset version, or nil when the file imports none.
    public var defaultOpset: Int64? {
        opsetImports.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }?.version
    }
}

/// An OperatorSetIdProto: `domain` (1), `version` (2).
public struct ONNXOpsetImport: Hashable, Sendable {
    /// The operator domain; empty for ONNX's own.
    public var domain: String
    /// Its version.
    public var version: Int64
}

/// A GraphProto: `node` (1), `name` (2), `initializer` (5), `input` (11), `output` (12), `value_info` (13).
public struct ONNXGraph: Sendable {
    /// The graph's name.
    public var name = ""
    /// The nodes, in topological order (ONNX requires it).
    public var nodes: [ONNXNode] = []
    /// The initializers (weights and constants), payloads unread.
    public var initializers: [ONNXTensor] = []
    /// The graph inputs (which may repeat initializers, in old IR versions).
    public var inputs: [ONNXValueInfo] = []
    /// The graph outputs.
    public var outputs: [ONNXValueInfo] = []
    /// Shapes of intermediate values, when the exporter wrote them.
    public var valueInfo: [ONNXValueInfo] = []
}

/// A NodeProto: `input` (1), `output` (2), `name` (3), `op_type` (4), `attribute` (5), `domain` (7).
public struct ONNXNode: Sendable {
    /// The node's name (PyTorch writes module paths: `/layer1/layer1.0/conv1/Conv`).
    public var name = ""
    /// The operator, e.g. `Conv`.
    public var opType = ""
    /// The operator's domain; empty for ONNX's own.
    public var domain = ""
    /// Input value names; an empty name is an omitted optional input.
    public var inputs: [String] = []
    /// Output value names.
    public var outputs: [String] = []
    /// The attributes.
    public var attributes: [ONNXAttribute] = []
    /// The node's position in the graph, for error messages.
    public var index = 0

    /// The attribute named `name`.
    public func attribute(_ name: String) -> ONNXAttribute.Value? {
        attributes.first { $0.name == name }?.value
    }
}

/// An AttributeProto: `name` (1), `f` (2), `i` (3), `s` (4), `t` (5), `g` (6), `floats` (7), `ints` (8),
/// `strings` (9), `tensors` (10), `graphs` (11), `type` (20).
public struct ONNXAttribute: Sendable {
    /// An attribute value of any kind.
    public enum Value: Sendable {
        case float(Float)
        case int(Int64)
        case string(String)
        case tensor(ONNXTensor)
        case graph(ONNXGraph)
        case floats([Float])
        case ints([Int64])
        case strings([String])
        case tensors([ONNXTensor])
        case graphs([ONNXGraph])
        /// A kind planning never needs (sparse tensors, type protos), by its AttributeType number.
        case other(Int64)
    }

    /// The attribute's name.
    public var name: String
    /// Its value.
    public var value: Value
}

/// A TensorProto without its payload: `dims` (1), `data_type` (2), `name` (8), `raw_data` (9, skipped unless small),
/// `int32_data` (5), `int64_data` (7), `float_data` (4), `double_data` (10), `external_data` (13), `data_location` (14).
public struct ONNXTensor: Sendable {
    /// The initializer's name (`layer1.0.conv1.weight`).
    public var name = ""
    /// TensorProto.DataType: 1 FLOAT, 6 INT32, 7 INT64, 9 BOOL, 10 FLOAT16, 11 DOUBLE, ...
    public var dataType: Int32 = 0
    /// The dimensions.
    public var dims: [Int64] = []
    /// Whether the payload lives in an external file (`data_location` EXTERNAL), which is never opened.
    public var isExternal = false
    /// The external file's name (`external_data` key `location`), when given.
    public var externalLocation: String?
    /// The values, for small integer or boolean tensors; nil when not read.
    public var integers: [Int64]?
    /// The values, for small floating-point tensors; nil when not read.
    public var reals: [Double]?

    /// The element count, or nil when a dimension is negative or the product overflows.
    public var elementCount: Int? {
        var count = 1
        for dim in dims {
            guard dim >= 0, dim <= Int64(Int.max) else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dim))
            if overflow { return nil }
            count = product
        }
        return count
    }
}

/// A ValueInfoProto: `name` (1) and `type` (2), of which a tensor type's `elem_type` and `shape` are read.
public struct ONNXValueInfo: Sendable {
    /// A dimension: a number, a symbol (`batch`), or unknown.
    public enum Dimension: Hashable, Sendable {
        case value(Int64)
        case symbol(String)
        case unknown
    }

    /// The value's name.
    public var name = ""
    /// The element type (TensorProto.DataType), 0 when not a tensor.
    public var elementType: Int32 = 0
    /// The shape, nil when not given.
    public var shape: [Dimension]?
}
