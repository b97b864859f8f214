/// Which parameters of a layer an inner step updates: alpha-hat_l^k and its channel ratios.
public struct LayerUpdate: Hashable, Sendable {
    /// Which of the layer's trainable tensors change.
    public enum Parameters: String, Hashable, Sendable, CaseIterable {
        /// alpha-hat = 0: the layer is frozen.
        case none
        /// Only the bias (conv/linear bias, normalization beta), as in TinyTL: no input needs to be stored.
        case biasOnly = "bias"
        /// Every trainable tensor of the layer.
        case all
    }

    /// Which parameters change.
    public var parameters: Parameters
    /// mu_fw, the fraction of input channels whose x_{l-1} is stored and whose weight gradients are computed.
    public var inputChannelRatio: ChannelRatio
    /// mu_bw, the fraction of output channels whose weight gradients are computed.
    public var outputChannelRatio: ChannelRatio
    /// Which channels a ratio below 1 keeps; it changes no cost.
    public var channelSelection: ChannelSelection
    /// Meta attention (p-Meta Sec. 3.3) on a conv/linear update of every parameter, or nil: its scores choose the
    /// kept input and output channels per pass instead of the static ratios (which are then 1), and its gradient
    /// buffer covers every weight, since each pass may keep other channels.
    public var attention: MetaAttentionRatios?

    /// Creates a layer update.
    public init(parameters: Parameters, inputChannelRatio: ChannelRatio = .all, outputChannelRatio: ChannelRatio = .all,
                channelSelection: ChannelSelection = .first) {
        self.parameters = parameters
        self.inputChannelRatio = inputChannelRatio
        self.outputChannelRatio = outputChannelRatio
        self.channelSelection = channelSelection
        self.attention = nil
    }

    /// Every parameter of a conv/linear layer, with meta attention choosing its channels.
    public static func attended(_ ratios: MetaAttentionRatios) -> LayerUpdate {
        var update = LayerUpdate.full
        update.attention = ratios
        return update
    }

    /// A frozen layer.
    public static let frozen = LayerUpdate(parameters: .none)
    /// Every parameter, every channel.
    public static let full = LayerUpdate(parameters: .all)

    /// Whether anything in the layer changes (alpha-hat_l^k = 1).
    public var isUpdated: Bool { parameters != .none }

    /// Whether the update keeps fewer than all input or output channels by a static ratio (so its channel selection
    /// matters); meta attention's selection is its own.
    public var selectsChannels: Bool { parameters == .all && (inputChannelRatio != .all || outputChannelRatio != .all) }

    /// Whether meta attention chooses the update's channels.
    public var isAttended: Bool { attention != nil }
}

/// The updates of one inner step k.
public struct StepUpdates: Hashable, Sendable {
    /// One entry per layer of the graph, in graph order.
    public var layers: [LayerUpdate]
    /// Whether the graph's free parameters (e.g. a policy's log-std) change.
    public var updatesFreeParameters: Bool

    /// Creates the updates of one step.
    public init(layers: [LayerUpdate], updatesFreeParameters: Bool = false) {
        self.layers = layers
        self.updatesFreeParameters = updatesFreeParameters
    }

    /// Whether the step updates anything at all.
    public var updatesAnything: Bool { updatesFreeParameters || layers.contains(where: \.isUpdated) }
}

/// An adaptation plan: for each of the K inner steps, which layers update which fraction of their channels.
public struct UpdatePlan: Hashable, Sendable {
    /// The inner steps in order; `steps.count` is K.
    public var steps: [StepUpdates]

    /// Creates a plan.
    public init(steps: [StepUpdates]) {
        self.steps = steps
    }

    /// K, the number of inner steps.
    public var innerStepCount: Int { steps.count }

    /// The plan with every update that keeps fewer than all channels keeping them by `selection`.
    public func selectingChannels(by selection: ChannelSelection) -> UpdatePlan {
        UpdatePlan(steps: steps.map { step in
            var step = step
            step.layers = step.layers.map { update in
                var update = update
                if update.selectsChannels { update.channelSelection = selection }
                return update
            }
            return step
        })
    }
}
