/// ONNX files built without an exporter, for the import benchmark and tests.
public enum ONNXSyntheticModels {
    /// A chain of `nodeCount` nodes on a `[N, width]` input: Gemm then Relu, repeated, as an exporter writes them
    /// (opset 17, symbolic batch). The weights are external data that is absent, or with `embedsWeights` in
    /// `raw_data` (zeros), as a model with its weights embedded is.
    /// - Complexity: O(nodeCount), or O(nodeCount width^2) with the weights embedded.
    public static func chain(nodeCount: Int, width: Int = 64, embedsWeights: Bool = false) -> [UInt8] {
        precondition(nodeCount >= 1 && width >= 1, "a chain needs at least one node and a positive width")
        var model = ProtobufWriter()
        model.integer(1, 8)                                   // ir_version
        model.string(2, "pmeta-plan")                         // producer_name
        model.message(8) { $0.string(1, ""); $0.integer(2, 17) } // opset_import
        model.message(7) { graph in
            graph.string(2, "chain")
            var previous = "input"
            for index in 0..<nodeCount {
                let isGemm = index % 2 == 0
                let output = "/block\(index / 2)/\(isGemm ? "fc" : "relu")/\(isGemm ? "Gemm" : "Relu")_output_0"
                graph.message(1) { node in
                    node.string(1, previous)
                    if isGemm {
                        node.string(1, "block\(index / 2).fc.weight")
                        node.string(1, "block\(index / 2).fc.bias")
                    }
                    node.string(2, output)
                    node.string(3, "/block\(index / 2)/\(isGemm ? "fc/Gemm" : "relu/Relu")")
                    node.string(4, isGemm ? "Gemm" : "Relu")
                    if isGemm { node.message(5) { $0.string(1, "transB"); $0.integer(3, 1); $0.integer(20, 2) } }
                }
                if isGemm {
                    for (suffix, dims) in [("weight", [Int64(width), Int64(width)]), ("bias", [Int64(width)])] {
                        graph.message(5) { tensor in
                            tensor.packedIntegers(1, dims)
                            tensor.integer(2, 1)
                            tensor.string(8, "block\(index / 2).fc.\(suffix)")
                            if embedsWeights {
                                tensor.bytes(9, Array(repeating: 0, count: 4 * dims.map { Int($0) }.reduce(1, *)))
                            } else {
                                tensor.message(13) { $0.string(1, "location"); $0.string(2, "chain.onnx.data") }
                                tensor.integer(14, 1)
                            }
                        }
                    }
                }
                previous = output
            }
            graph.valueInfo(11, name: "input", batchedShape: [Int64(width)])
            graph.valueInfo(12, name: previous, batchedShape: [Int64(width)])
        }
        return model.bytes
    }
}

extension ProtobufWriter {
    /// Appends a ValueInfoProto (field `number` of a GraphProto: 11 input, 12 output) for a float tensor with a
    /// symbolic batch first, then `batchedShape`.
    public mutating func valueInfo(_ number: Int, name: String, batchedShape: [Int64]) {
        message(number) { info in
            info.string(1, name)
            info.message(2) { type in
                type.message(1) { tensor in
                    tensor.integer(1, 1)
                    tensor.message(2) { shape in
                        shape.message(1) { $0.string(2, "batch") }
                        for dim in batchedShape { shape.message(1) { $0.integer(1, dim) } }
                    }
                }
            }
        }
    }
}
