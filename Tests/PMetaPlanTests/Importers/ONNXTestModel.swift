import PMetaPlan

/// A small ONNX model written field by field (onnx.proto's field numbers), for importer tests of what no fixture
/// exporter writes: one input `[N, ...]`, nodes in order, integer constants as initializers, weights without data.
struct ONNXTestModel {
    enum Attribute {
        case int(Int64)
        case ints([Int64])
        case float(Float)
        case string(String)
    }

    struct Node {
        var op: String
        var inputs: [String]
        var output: String
        var attributes: [(String, Attribute)] = []
    }

    /// The input's per-sample shape (the batch is symbolic).
    var input: [Int64]
    var nodes: [Node]
    /// Integer initializers with their values (int64, raw data).
    var constants: [(name: String, values: [Int64])] = []
    /// Float weights with shapes only (external data that does not exist).
    var weights: [(name: String, dims: [Int64])] = []
    var opset: Int64 = 17

    var bytes: [UInt8] {
        var model = ProtobufWriter()
        model.integer(1, 8)
        model.message(8) { $0.string(1, ""); $0.integer(2, opset) }
        model.message(7) { graph in
            for (index, node) in nodes.enumerated() {
                graph.message(1) { proto in
                    for input in node.inputs { proto.string(1, input) }
                    proto.string(2, node.output)
                    proto.string(3, "/\(node.op)_\(index)")
                    proto.string(4, node.op)
                    for (name, value) in node.attributes {
                        proto.message(5) { attribute in
                            attribute.string(1, name)
                            switch value {
                            case .int(let int): attribute.integer(3, int); attribute.integer(20, 2)
                            case .ints(let ints): attribute.packedIntegers(8, ints); attribute.integer(20, 7)
                            case .float(let float): attribute.float(2, float); attribute.integer(20, 1)
                            case .string(let text): attribute.string(4, text); attribute.integer(20, 3)
                            }
                        }
                    }
                }
            }
            for (name, values) in constants {
                graph.message(5) { tensor in
                    tensor.packedIntegers(1, [Int64(values.count)])
                    tensor.integer(2, 7)
                    tensor.string(8, name)
                    tensor.bytes(9, values.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: value) >> (8 * $0)) } })
                }
            }
            for (name, dims) in weights {
                graph.message(5) { tensor in
                    tensor.packedIntegers(1, dims)
                    tensor.integer(2, 1)
                    tensor.string(8, name)
                    tensor.message(13) { $0.string(1, "location"); $0.string(2, "absent.data") }
                    tensor.integer(14, 1)
                }
            }
            graph.valueInfo(11, name: "x", batchedShape: input)
            graph.valueInfo(12, name: nodes.last?.output ?? "x", batchedShape: [])
        }
        return model.bytes
    }

    /// The imported document, or the error's text.
    var imported: Result<JSONValue, DataError> {
        Result { () throws(DataError) in try ONNXImporter.architectureDocument(bytes: bytes, file: "m.onnx") }
    }

    /// The error's text, or nil when the model imports.
    var errorText: String? {
        if case .failure(let error) = imported { return error.description }
        return nil
    }
}
