/// What a conv/linear update holds for one particular set of channels, counted channel by channel.
///
/// `CostModel.adaptation` sees only channel counts (mu_fw = c / C). These functions count for the very
/// channels a trainer draws, so that a dynamic plan can check that its peak does not depend on the draw:
/// - the stored input x_{l-1}: every input channel of a conv holds H x W elements (one for a linear layer's
///   feature), so the sum over any c channels is c x H x W: the count alone decides it;
/// - the weight-gradient buffer: for a dense layer each input channel meets every selected output channel,
///   c_in x c_out x kernel area, again count-only. A grouped convolution (groups G > 1, e.g. depthwise) pairs
///   an input channel only with the outputs of its own group, so the buffer is sum over groups of
///   (inputs drawn in g) x (outputs drawn in g) x kernel area. With every output channel kept that is
///   c_in x (C_out / G) x kernel area, count-only; when output channels are drawn too it depends on which
///   ones. `CostModel.adaptation` counts the static selection, the first c_in inputs and c_out outputs, as the
///   trainer keeps them. The dynamic plan keeps every output channel.
extension CostModel {
    /// m(x_{l-1}) restricted to `channels`: the input elements layer `index` stores per sample when it keeps
    /// exactly those input channels.
    /// - Parameters:
    ///   - index: A conv or linear layer.
    ///   - channels: Distinct input channels in 0..<C_{l-1}.
    public func storedInputElements(ofLayerAt index: Int, keeping channels: [Int]) -> Int {
        let cost = layerCosts[index]
        precondition(graph.layers[index].operation.isWeightLayer, "only conv and linear layers select input channels")
        precondition(Set(channels).count == channels.count && channels.allSatisfy { (0..<cost.inputChannels).contains($0) },
                     "channels must be distinct and below \(cost.inputChannels)")
        let elementsPerChannel = cost.inputElements / cost.inputChannels
        return channels.reduce(0) { total, _ in total + elementsPerChannel }
    }

    /// The weight elements whose gradients an update of layer `index` computes for exactly these channels.
    /// - Parameters:
    ///   - index: A conv or linear layer.
    ///   - inputChannels: Distinct input channels in 0..<C_{l-1}.
    ///   - outputChannels: Distinct output channels in 0..<C_l, or nil for all of them.
    public func weightGradientElements(ofLayerAt index: Int, inputChannels: [Int], outputChannels: [Int]? = nil) -> Int {
        let cost = layerCosts[index]
        let outputs = outputChannels ?? Array(0..<cost.outputChannels)
        precondition(Set(inputChannels).count == inputChannels.count && inputChannels.allSatisfy { (0..<cost.inputChannels).contains($0) },
                     "input channels must be distinct and below \(cost.inputChannels)")
        precondition(Set(outputs).count == outputs.count && outputs.allSatisfy { (0..<cost.outputChannels).contains($0) },
                     "output channels must be distinct and below \(cost.outputChannels)")
        switch graph.layers[index].operation {
        case .conv2d(let convolution):
            let groups = convolution.groupCount
            let inputsPerGroup = cost.inputChannels / groups
            let outputsPerGroup = cost.outputChannels / groups
            var inputsInGroup = [Int](repeating: 0, count: groups)
            var outputsInGroup = [Int](repeating: 0, count: groups)
            for channel in inputChannels { inputsInGroup[channel / inputsPerGroup] += 1 }
            for channel in outputs { outputsInGroup[channel / outputsPerGroup] += 1 }
            let pairs = zip(inputsInGroup, outputsInGroup).reduce(0) { $0 + $1.0 * $1.1 }
            return pairs * convolution.kernelSize.area
        case .linear:
            return inputChannels.count * outputs.count
        default:
            preconditionFailure("only conv and linear layers select input channels")
        }
    }
}
