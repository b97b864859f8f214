/// Generated networks for benchmarks and scale tests.
public enum SyntheticNetworks {
    /// A chain of `layerCount` layers: repeated [conv 3x3, group norm, ReLU] blocks on 16 channels at
    /// 16x16, then global average pooling and a 10-way linear head (the last two count in `layerCount`).
    /// - Parameter layerCount: At least 5.
    public static func chain(layerCount: Int) -> ArchitectureGraph {
        precondition(layerCount >= 5, "a synthetic chain needs at least 5 layers")
        var layers: [Layer] = []
        let body = layerCount - 2
        for index in 0..<body {
            let input: TensorReference = index == 0 ? .graphInput : .layer(index - 1)
            let operation: Operation
            switch index % 3 {
            case 0: operation = .conv2d(Convolution(outputChannels: 16, kernelSize: Size2D(3), padding: Size2D(1), hasBias: false))
            case 1: operation = .groupNorm(groupCount: 4)
            default: operation = .relu
            }
            layers.append(Layer(name: "layer\(index)", operation: operation, inputs: [input]))
        }
        layers.append(Layer(name: "gap", operation: .globalAveragePool, inputs: [.layer(body - 1)]))
        layers.append(Layer(name: "head", operation: .linear(Linear(outputFeatures: 10)), inputs: [.layer(body)]))
        return ArchitectureGraph(name: "chain-\(layerCount)", inputShape: [16, 16, 16], sampleElementBytes: 1, layers: layers)
    }

    /// Seeded importance scores in 0...1 for every trainable layer at each of `innerSteps` steps.
    public static func randomImportance(for graph: ShapedGraph, innerSteps: Int, using generator: inout some RandomNumberGenerator) -> ImportanceScores {
        let scores = (0..<innerSteps).map { _ in
            graph.layers.map { $0.operation.isTrainable ? Double.random(in: 0...1, using: &generator) : 0 }
        }
        return ImportanceScores(scores: scores, source: "random (seeded)")
    }
}
