import PMetaPlan

/// What one inner step computes, derived from a plan's `StepUpdates` (Eq. (16)'s masks, p-Meta Sec. 3.2.2).
///
/// Layers with alpha-hat = 0 get no weight gradient, and nothing upstream of every updated layer is
/// back-propagated: a layer receives a gradient only if it is updated or downstream of an updated layer.
/// An updated conv2d/linear keeps only its selected input channels (mu_fw) and computes g(w_l) only for
/// them and its selected output channels (mu_bw). Without meta attention the selection is static: the
/// first ⌈mu·C⌉ channels.
public struct StepScope: Sendable, Hashable {
    /// Each layer's update (`.frozen` for layers without parameters).
    public let updates: [LayerUpdate]
    /// Whether the layer's output receives a gradient: it is updated or downstream of an updated layer.
    public let needsGradient: [Bool]
    /// Whether any of the layer's inputs receives a gradient from it.
    public let inputNeedsGradient: [Bool]
    /// For an updated conv2d/linear, the input channels kept (γ^fw); `nil` for other layers.
    public let savedInputChannels: [[Int]?]
    /// For an updated conv2d/linear, the output channels whose weight gradients are computed (γ^bw).
    public let weightOutputChannels: [[Int]?]
    /// l_min, the first updated layer in graph order, or `nil` when the step updates nothing.
    public let firstUpdatedLayer: Int?

    /// The scope of `step` on `network`.
    /// - Parameters:
    ///   - network: The network.
    ///   - step: One entry per layer.
    public init(network: Network, step: StepUpdates) {
        precondition(step.layers.count == network.layerCount, "StepScope: the step needs one entry per layer")
        let graph = network.graph
        var updates: [LayerUpdate] = []
        var needsGradient: [Bool] = []
        var inputNeedsGradient: [Bool] = []
        var savedInputChannels: [[Int]?] = []
        var weightOutputChannels: [[Int]?] = []
        let flow = GradientFlow(graph: graph.graph) { !network.operations[$0].parameterShapes.isEmpty && step.layers[$0].isUpdated }
        for (index, operation) in network.operations.enumerated() {
            let update = operation.parameterShapes.isEmpty ? LayerUpdate.frozen : step.layers[index]
            updates.append(update)
            inputNeedsGradient.append(flow.inputCarriesGradient[index])
            needsGradient.append(flow.outputCarriesGradient[index])
            if operation.isWeightLayer && update.parameters == .all {
                // A linear layer selects among its features, the last axis (tokens [T, D] included).
                let isLinear = if case .linear = operation { true } else { false }
                let inputs = isLinear ? graph.inputShapes[index][0].dimensions.last! : graph.inputShapes[index][0].channels
                let outputs = isLinear ? graph.outputShapes[index].dimensions.last! : graph.outputShapes[index].channels
                savedInputChannels.append(Array(0..<update.inputChannelRatio.selectedCount(of: inputs)))
                weightOutputChannels.append(Array(0..<update.outputChannelRatio.selectedCount(of: outputs)))
            } else {
                savedInputChannels.append(nil)
                weightOutputChannels.append(nil)
            }
        }
        self.updates = updates
        self.needsGradient = needsGradient
        self.inputNeedsGradient = inputNeedsGradient
        self.savedInputChannels = savedInputChannels
        self.weightOutputChannels = weightOutputChannels
        self.firstUpdatedLayer = updates.firstIndex { $0.isUpdated }
    }

    /// Every trainable layer, every channel: plain backpropagation (MAML, the outer gradient).
    public static func everything(of network: Network) -> StepScope {
        StepScope(network: network, step: StepUpdates(layers: Array(repeating: .full, count: network.layerCount)))
    }

    /// No layer: a forward pass that keeps nothing.
    public static func nothing(of network: Network) -> StepScope {
        StepScope(network: network, step: StepUpdates(layers: Array(repeating: .frozen, count: network.layerCount)))
    }

    /// Whether the step computes anything at all.
    public var updatesAnything: Bool { firstUpdatedLayer != nil }

    /// Whether a normalization keeps x̂: for γ's gradient or for g(x).
    func keepsNormalizedInput(_ layer: Int) -> Bool {
        updates[layer].parameters == .all || inputNeedsGradient[layer]
    }
}
