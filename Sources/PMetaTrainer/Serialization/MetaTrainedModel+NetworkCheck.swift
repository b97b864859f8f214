import PMetaPlan

extension MetaTrainedModel.Task {
    /// Checks that tasks of this family can run on `network`: sinusoid regression needs an input and an output of
    /// shape [1]; N-way few-shot classification an image input [C, H, W] and a head of N outputs.
    /// - Parameter network: The network the tasks are for.
    /// - Throws: `DataError` naming the field of `model.json` (`task.kind`, `task.ways`) that does not fit.
    public func check(fits network: Network) throws(DataError) {
        let inputShape = network.graph.inputShape.dimensions
        let outputShape = network.layerCount > 0 ? network.graph.outputShapes[network.layerCount - 1].dimensions : inputShape
        switch self {
        case .sinusoid:
            guard inputShape == [1], outputShape == [1] else {
                throw DataError(path: "task.kind", message: "sinusoid regression needs a network with input [1] and output [1]; "
                    + "'\(network.graph.graph.name)' has input \(inputShape) and output \(outputShape)")
            }
        case .fewShot(let ways, _, _, _, _):
            guard inputShape.count == 3, outputShape.count == 1 else {
                throw DataError(path: "task.kind", message: "few-shot classification needs an image input [C, H, W] and an output [N]; "
                    + "'\(network.graph.graph.name)' has input \(inputShape) and output \(outputShape)")
            }
            guard outputShape[0] == ways else {
                throw DataError(path: "task.ways", message: "\(ways)-way tasks need a head of \(ways) outputs; "
                    + "'\(network.graph.graph.name)' has \(outputShape[0])")
            }
        }
    }
}
