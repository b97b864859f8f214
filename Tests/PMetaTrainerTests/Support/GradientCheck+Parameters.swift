@testable import PMetaTrainer
import Testing

extension GradientCheck {
    /// Expects every parameter gradient of `network` in `gradients` to match central finite differences of the
    /// batch loss (relative error below 2e-3), and, when `requiresSignal`, to be nonzero somewhere.
    /// - Returns: The number of parameter tensors checked.
    @discardableResult
    static func expectParameterGradientsMatch(_ network: Network, parameters: NetworkParameters, batch: Batch,
                                              gradients: [LayerGradient?], requiresSignal: Bool = false,
                                              sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        var checked = 0
        for layer in 0..<network.layerCount where !network.operations[layer].parameterShapes.isEmpty {
            let name = network.graph.layers[layer].name
            let gradient = try #require(gradients[layer], "layer \(name) has no gradient", sourceLocation: sourceLocation)
            let analytic = gradient.dense(shapes: network.operations[layer].parameterShapes)
            for (position, tensor) in parameters.layers[layer].enumerated() {
                let numeric = numericalGradient(
                    of: { probe in
                        var probed = parameters
                        probed.layers[layer][position] = probe
                        return batchLoss(network, probed, batch)
                    }, at: tensor, step: 3e-4)
                let error = relativeError(analytic[position].values, numeric)
                #expect(error < 2e-3, "layer \(name) tensor \(position): relative error \(error)", sourceLocation: sourceLocation)
                if requiresSignal {
                    #expect(numeric.contains { $0 != 0 }, "layer \(name) tensor \(position): no gradient at all", sourceLocation: sourceLocation)
                }
                checked += 1
            }
        }
        return checked
    }

    /// The loss of a batch under `parameters`, from a forward pass that keeps nothing.
    static func batchLoss(_ network: Network, _ parameters: NetworkParameters, _ batch: Batch) -> Double {
        let output = network.predict(batch.inputs, parameters: parameters, kernels: .scratchFree)
        return Double(Loss.evaluate(output: output, targets: batch.targets, gradientScale: 1).loss)
    }
}
