import Foundation
import PMetaPlan
@testable import PMetaTrainer

/// Small architectures written as architecture JSON, the format the planner reads.
enum TestNetworks {
    /// 4Conv scaled down: 3x16x16 input, four blocks of conv 3x3 (8 channels) / GN / ReLU / max pool 2, a 5-way head.
    static let fourConvSmall = """
        {"format": 1, "name": "4Conv-small", "input": {"shape": [3, 16, 16], "element_bytes": 4},
         "layers": [
           {"repeat": 4, "name": "block", "layers": [
             {"name": "conv", "op": "conv2d", "out_channels": 8, "kernel": 3, "padding": 1},
             {"name": "gn", "op": "group_norm", "groups": 2},
             {"name": "relu", "op": "relu"},
             {"name": "pool", "op": "max_pool", "kernel": 2}]},
           {"op": "flatten"},
           {"name": "head", "op": "linear", "out_features": 5}]}
        """

    /// A two-block 4Conv for finite differences: 3x6x6 input, 3 channels, a 3-way head.
    static let twoConvTiny = """
        {"format": 1, "name": "2Conv-tiny", "input": {"shape": [3, 6, 6], "element_bytes": 4},
         "layers": [
           {"repeat": 2, "name": "block", "layers": [
             {"name": "conv", "op": "conv2d", "out_channels": 3, "kernel": 3, "padding": 1},
             {"name": "gn", "op": "group_norm", "groups": 3},
             {"name": "relu", "op": "relu"},
             {"name": "pool", "op": "max_pool", "kernel": 2}]},
           {"op": "flatten"},
           {"name": "head", "op": "linear", "out_features": 3}]}
        """

    /// Every other operation the trainer runs: a strided conv, layer norm, leaky ReLU, ReLU6, a residual add,
    /// a concat, average pooling and global average pooling.
    static let branchyTiny = """
        {"format": 1, "name": "Branchy-tiny", "input": {"shape": [2, 6, 6], "element_bytes": 4},
         "layers": [
           {"name": "stem", "op": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
           {"name": "ln", "op": "layer_norm"},
           {"name": "leaky", "op": "leaky_relu", "negative_slope": 0.1},
           {"name": "branch", "op": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1, "groups": 2},
           {"name": "sum", "op": "add", "inputs": ["leaky", "branch"]},
           {"name": "side", "op": "conv2d", "out_channels": 2, "kernel": 1, "inputs": ["leaky"]},
           {"name": "joined", "op": "concat", "inputs": ["sum", "side"]},
           {"name": "clip", "op": "relu6"},
           {"name": "down", "op": "conv2d", "out_channels": 4, "kernel": 3, "stride": 2, "padding": 1},
           {"name": "avg", "op": "avg_pool", "kernel": 1},
           {"name": "gap", "op": "global_avg_pool"},
           {"name": "head", "op": "linear", "out_features": 3}]}
        """

    /// The MAML sinusoid regressor: 1 -> 40 -> ReLU -> 40 -> ReLU -> 1.
    static let sinusoidMLP = """
        {"format": 1, "name": "MLP sinusoid", "input": {"shape": [1], "element_bytes": 4},
         "layers": [
           {"name": "fc1", "op": "linear", "out_features": 40},
           {"name": "relu1", "op": "relu"},
           {"name": "fc2", "op": "linear", "out_features": 40},
           {"name": "relu2", "op": "relu"},
           {"name": "head", "op": "linear", "out_features": 1}]}
        """

    /// A network from `Fixtures/`: copies of the small MobileNetV3 and ViT written for `architectures/` (which
    /// needs committed reports for every file there).
    static func shipped(_ name: String) throws -> Network {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let file = tests.appendingPathComponent("Fixtures/\(name).json")
        let bytes = try [UInt8](Data(contentsOf: file))
        return try Network(try ShapedGraph(jsonBytes: bytes, file: "\(name).json"))
    }

    static func network(_ json: String) throws -> Network {
        try Network(try ShapedGraph(jsonBytes: Array(json.utf8), file: "test.json"))
    }

    /// A random classification batch for a network with a `[N, classes]` output.
    static func classificationBatch(for network: Network, samples: Int, seed: UInt64) -> Batch {
        var generator = SplitMix64(seed: seed)
        let classes = network.graph.outputShapes.last!.channels
        let inputs = Tensor(randomNormal: network.inputShape(samples: samples), using: &generator)
        return Batch(inputs: inputs, targets: .classes((0..<samples).map { $0 % classes }))
    }
}
