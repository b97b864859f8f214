extension LayerCost {
    /// Computes the costs of layer `index` of `graph`.
    /// - Throws: `ArithmeticOverflow` naming the layer when a count does not fit in 64 bits.
    init(layerAt index: Int, of graph: ShapedGraph) throws {
        let layer = graph.layers[index]
        let inputs = graph.inputShapes[index]
        let output = graph.outputShapes[index]
        let context = "layer '\(layer.name)'"
        self.index = index
        self.inputElements = try Checked.sum(of: inputs.map(\.elementCount), context: "\(context): input elements")
        self.inputChannels = inputs[0].channels
        self.outputElements = output.elementCount
        self.outputChannels = output.channels
        self.weightElements = 0
        self.biasElements = 0
        self.bufferElements = 0
        self.forwardMACs = 0
        self.inputGradientMACs = 0
        self.weightGradientMACs = 0
        self.statisticElements = 0
        self.poolWindowPositions = 0

        switch layer.operation {
        case .conv2d(let convolution):
            weightElements = try Checked.product(convolution.outputChannels, inputChannels / convolution.groupCount,
                                                 convolution.kernelSize.height, convolution.kernelSize.width,
                                                 context: "\(context): weight elements")
            biasElements = convolution.hasBias ? convolution.outputChannels : 0
            // H_l W_l m(w_l); the input gradient (a transposed convolution) touches the same products.
            forwardMACs = try Checked.product(output.spatialSize, weightElements, context: "\(context): MACs")
            inputGradientMACs = forwardMACs
            weightGradientMACs = forwardMACs
        case .linear(let linear):
            weightElements = try Checked.product(linear.outputFeatures, inputChannels, context: "\(context): weight elements")
            biasElements = linear.hasBias ? linear.outputFeatures : 0
            forwardMACs = weightElements
            inputGradientMACs = weightElements
            weightGradientMACs = weightElements
        case .groupNorm, .batchNorm, .layerNorm:
            weightElements = inputChannels
            biasElements = inputChannels
            if case .batchNorm = layer.operation { bufferElements = try Checked.product(2, inputChannels, context: context) }
            let groups: Int
            switch layer.operation {
            case .groupNorm(let groupCount): groups = groupCount
            case .layerNorm: groups = 1
            default: groups = inputChannels
            }
            statisticElements = groups
            forwardMACs = try Checked.product(ElementwiseMACs.normalizationForward, outputElements, context: "\(context): MACs")
            inputGradientMACs = try Checked.product(ElementwiseMACs.normalizationInputGradient, outputElements, context: "\(context): MACs")
            weightGradientMACs = try Checked.product(ElementwiseMACs.normalizationParameterGradient, outputElements, context: "\(context): MACs")
        case .leakyReLU:
            forwardMACs = try Checked.product(ElementwiseMACs.leakyReLUForward, outputElements, context: "\(context): MACs")
        case .add:
            forwardMACs = try Checked.product(ElementwiseMACs.addForward, outputElements, inputs.count - 1, context: "\(context): MACs")
        case .maxPool(let pooling):
            poolWindowPositions = pooling.kernelSize.area
            forwardMACs = try Checked.product(ElementwiseMACs.maxPoolForward, outputElements, context: "\(context): MACs")
        case .averagePool(let pooling):
            forwardMACs = try Checked.product(ElementwiseMACs.averagePoolPerWindowPosition, pooling.kernelSize.area,
                                              outputElements, context: "\(context): MACs")
        case .relu, .relu6, .globalAveragePool, .flatten, .concat:
            break
        }
    }
}
