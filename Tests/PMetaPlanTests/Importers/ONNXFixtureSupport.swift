import Foundation
import PMetaPlan

/// The ONNX exports in Tests/PMetaPlanTests/Fixtures/ONNX, made by scripts/make_onnx_fixtures.py (weights dropped).
enum ONNXFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("ONNX")

    static let names = ["resnet18", "resnet18_training", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0",
                        "shufflenet_v2_x0_5", "ds_cnn", "vit_tiny", "mobilenet_v3_small_training", "efficientnet_b0_training",
                        "shufflenet_v2_x0_5_training", "vit_tiny_training", "vit_tiny_opset13", "padded_cnn", "upsampling_cnn",
                        "blocks_micro", "blocks_micro_training", "vit_micro", "vit_micro_opset13"]

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent("\(name).onnx")))
    }

    static func document(_ name: String) throws -> JSONValue {
        try ONNXImporter.architectureDocument(bytes: try bytes(name), file: "\(name).onnx")
    }

    /// The document's layers.
    static func layers(_ document: JSONValue) -> [JSONValue] { document["layers"]?.arrayValue ?? [] }

    /// How many layers have each op.
    static func opCounts(_ document: JSONValue) -> [String: Int] {
        var counts: [String: Int] = [:]
        for layer in layers(document) { counts[layer["op"]?.stringValue ?? "?", default: 0] += 1 }
        return counts
    }

    /// The elements of the initializers each layer lists in `parameters`, summed over the layers, with the sizes taken
    /// from the ONNX file's initializer dims (not from the importer's shapes).
    static func parameterUses(_ name: String) throws -> Int {
        let model = try ONNXModel(bytes: try bytes(name))
        var sizes: [String: Int] = [:]
        for tensor in model.graph.initializers { sizes[tensor.name] = tensor.elementCount }
        var total = 0
        for layer in layers(try document(name)) {
            for parameter in layer["parameters"]?.arrayValue ?? [] { total += sizes[parameter.stringValue ?? ""] ?? 0 }
        }
        return total
    }
}
