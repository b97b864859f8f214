import PMetaPlan

extension StepScope {
    /// The scope of `step` with the saved input channels (γ^fw) of some layers chosen by the caller rather than
    /// the first ⌈mu·C⌉: how a trainer runs one draw of a dynamic channel plan.
    /// - Parameters:
    ///   - network: The network.
    ///   - step: One entry per layer; each chosen layer must be an updated conv2d/linear.
    ///   - inputChannels: Sorted input channel indices by layer index.
    init(network: Network, step: StepUpdates, inputChannels: [Int: [Int]]) {
        let base = StepScope(network: network, step: step)
        var saved = base.savedInputChannels
        for (layer, channels) in inputChannels {
            precondition(saved[layer] != nil, "StepScope: layer \(layer) is not an updated conv2d/linear")
            saved[layer] = channels
        }
        self.updates = base.updates
        self.needsGradient = base.needsGradient
        self.inputNeedsGradient = base.inputNeedsGradient
        self.savedInputChannels = saved
        self.weightOutputChannels = base.weightOutputChannels
        self.firstUpdatedLayer = base.firstUpdatedLayer
    }
}
