extension LayerCost {
    /// Computes the costs of layer `index` of `graph` from its operator's definition.
    /// - Throws: `ArithmeticOverflow` naming the layer when a count does not fit in 64 bits.
    init(layerAt index: Int, of graph: ShapedGraph) throws {
        let layer = graph.layers[index]
        let inputs = graph.inputShapes[index]
        let output = graph.outputShapes[index]
        let context = "layer '\(layer.name)'"
        let counts: OperatorCounts
        do {
            counts = try layer.operation.definition.counts(inputs: inputs, output: output)
        } catch let overflow as ArithmeticOverflow {
            throw ArithmeticOverflow(context: "\(context): \(overflow.context)")
        }
        self.index = index
        self.inputElements = try Checked.sum(of: inputs.map(\.elementCount), context: "\(context): input elements")
        self.inputChannels = counts.selectableChannels > 0 ? counts.selectableChannels : (inputs.first?.channels ?? 0)
        self.outputElements = output.elementCount
        self.outputChannels = counts.selectableOutputChannels > 0 ? counts.selectableOutputChannels : output.channels
        self.weightElements = counts.weightElements
        self.biasElements = counts.biasElements
        self.bufferElements = counts.bufferElements
        self.forwardMACs = counts.forwardMACs
        self.inputGradientMACs = counts.inputGradientMACs
        self.weightGradientMACs = counts.weightGradientMACs
        self.weightPositions = counts.weightPositions
        self.statisticElements = counts.statisticElements
        self.poolWindowPositions = counts.poolWindowPositions
    }
}
