/// MIT tiny-training's `backward_config` for a plan (Lin et al., On-Device Training Under 256KB Memory, NeurIPS 2022;
/// github.com/mit-han-lab/tiny-training, `algorithm/core/utils/partial_backward.py`), as docs/pytorch-plans.md maps it.
///
/// tiny-training counts a network's 2-D convolutions in module order from 0 (the classifier is not counted and always
/// trains, weight and bias). `n_bias_update` = n makes the last n convolutions update their bias;
/// `manual_weight_idx` lists the convolutions (all within those n) whose weights also update, and
/// `weight_update_ratio` the fraction of input channels each keeps (int(ratio x channels) of them, chosen by weight
/// magnitude: `magnitude+`); its ratios are 0 (bias only), 1/8, 1/4, 1/2 and 1. Its networks fold batch norm into the
/// convolutions, so a convolution's bias is pmeta-plan's conv bias or the beta of the normalization right after it.
public struct TinyTrainingConfig: Hashable, Sendable {
    /// The ratios tiny-training's sparse update uses.
    public static let ratios = [ChannelRatio(0, 1), ChannelRatio(1, 8), ChannelRatio(1, 4), ChannelRatio(1, 2), .all]

    /// One convolution as tiny-training counts it.
    public struct Convolution: Hashable, Sendable {
        /// Its index in tiny-training's order (0 = the first conv2d).
        public var index: Int
        /// The graph layer.
        public var layer: String
        /// Whether its bias (or the beta of the normalization after it) updates.
        public var updatesBias: Bool
        /// The fraction of input channels whose weights update, nil when the weights stay frozen.
        public var weightRatio: ChannelRatio?
        /// Whether the plan updates anything of it (tiny-training also updates the biases of frozen convolutions
        /// after the first updated one).
        public var isPlanned: Bool
    }

    /// The network's conv2d layers in order, with what the plan updates.
    public var convolutions: [Convolution]
    /// `n_bias_update`: the last this many convolutions update their bias.
    public var biasUpdateCount: Int
    /// What differs between the plan and what tiny-training will do, one sentence each.
    public var notes: [String]

    /// `manual_weight_idx`, in increasing order.
    public var weightIndices: [Int] { convolutions.filter { $0.weightRatio != nil }.map(\.index) }
    /// `weight_update_ratio`, one per weight index.
    public var weightRatios: [ChannelRatio] { convolutions.compactMap(\.weightRatio) }

    /// The configuration for `plan` on `graph`.
    /// - Throws: `TinyTrainingExportError` when the plan updates what tiny-training cannot: a ratio outside its set,
    ///   an output ratio, inner steps that differ, a layer that is not a conv2d, its normalization or the classifier.
    public init(plan: UpdatePlan, graph: ShapedGraph) throws(TinyTrainingExportError) {
        guard let step = plan.steps.first else { throw TinyTrainingExportError("the plan has no inner step") }
        guard plan.steps.allSatisfy({ $0 == step }) else {
            throw TinyTrainingExportError("tiny-training applies one backward_config at every step, but the plan's \(plan.innerStepCount) inner steps "
                                          + "update different layers; plan with --inner-steps 1")
        }
        if let attended = step.layers.firstIndex(where: \.isAttended) {
            throw TinyTrainingExportError("'\(graph.layers[attended].name)' is attended by meta attention, which tiny-training has no counterpart for "
                                          + "(it keeps a fixed channel ratio); plan without --attention")
        }
        if step.updatesFreeParameters && !graph.graph.freeParameters.isEmpty {
            throw TinyTrainingExportError("the plan updates the graph's free parameters, which tiny-training has no counterpart for")
        }
        let layers = graph.layers
        let convolutionLayers = layers.indices.filter { layers[$0].operation.kind == .conv2d }
        let indexOfLayer = Dictionary(uniqueKeysWithValues: convolutionLayers.enumerated().map { ($1, $0) })
        let head = layers.indices.last { layers[$0].operation.kind == .linear }
        var bias = [Bool](repeating: false, count: convolutionLayers.count)
        var weights = [ChannelRatio?](repeating: nil, count: convolutionLayers.count)
        var notes: [String] = []
        var wholeNormalizations: [String] = []
        var headIsFull = false
        for (position, update) in step.layers.enumerated() where update.isUpdated && layers[position].operation.isTrainable {
            let layer = layers[position]
            switch layer.operation {
            case .conv2d(let convolution):
                let index = indexOfLayer[position]!
                bias[index] = true
                guard update.parameters == .all else { continue }
                weights[index] = try Self.weightRatio(update, of: layer, convolution: convolution, inputChannels: graph.inputShapes[position][0].channels,
                                                      notes: &notes)
            case .batchNorm, .groupNorm, .layerNorm:
                guard case .layer(let producer) = layer.inputs.first, let index = indexOfLayer[producer] else {
                    throw TinyTrainingExportError("'\(layer.name)' does not normalize a conv2d's output; tiny-training's networks fold "
                                                  + "each normalization into the convolution before it, whose bias is then its beta")
                }
                bias[index] = true
                if update.parameters == .all { wholeNormalizations.append(layer.name) }
            case .linear where position == head:
                headIsFull = update.parameters == .all && update.inputChannelRatio == .all && update.outputChannelRatio == .all
            default:
                throw TinyTrainingExportError("'\(layer.name)' is a \(layer.operation.kind.rawValue) layer; tiny-training updates only "
                                              + "conv2d layers (their bias and weights) and the classifier")
            }
        }
        if let example = wholeNormalizations.first {
            notes.append("tiny-training updates a normalization's beta only (the bias of the conv it is folded into), not its gamma: "
                         + "\(wholeNormalizations.count) normalization\(wholeNormalizations.count == 1 ? "" : "s") the plan updates whole (such as '\(example)') "
                         + "keep their gamma")
        }
        if let head, !headIsFull {
            notes.append("tiny-training trains the classifier '\(layers[head].name)' whole (weight and bias, every channel), which the plan does not")
        }
        let first = bias.firstIndex(of: true) ?? convolutionLayers.count
        var convolutions: [Convolution] = []
        for (index, position) in convolutionLayers.enumerated() {
            convolutions.append(Convolution(index: index, layer: layers[position].name, updatesBias: index >= first,
                                            weightRatio: weights[index], isPlanned: bias[index]))
        }
        let extra = convolutions.filter { $0.updatesBias && !$0.isPlanned }
        if let example = extra.first {
            notes.append("tiny-training also updates the bias of \(extra.count) convolution\(extra.count == 1 ? "" : "s") after the first updated one "
                         + "that the plan leaves frozen (such as \(example.index) '\(example.layer)'): a bias gradient each, no stored input")
        }
        self.convolutions = convolutions
        self.biasUpdateCount = convolutionLayers.count - first
        self.notes = notes
    }

    private static func weightRatio(_ update: LayerUpdate, of layer: Layer, convolution: PMetaPlan.Convolution, inputChannels: Int,
                                    notes: inout [String]) throws(TinyTrainingExportError) -> ChannelRatio {
        let ratio = update.inputChannelRatio
        guard update.outputChannelRatio == .all else {
            throw TinyTrainingExportError("'\(layer.name)' keeps output ratio \(update.outputChannelRatio); tiny-training selects input channels only")
        }
        guard Self.ratios.contains(ratio) else {
            throw TinyTrainingExportError("'\(layer.name)' keeps input ratio \(ratio), which tiny-training's sparse update does not use; "
                                          + "plan with --ratios 0,1/8,1/4,1/2,1")
        }
        let isDepthwise = convolution.groupCount == inputChannels && convolution.outputChannels == inputChannels
        if ratio != .all && convolution.groupCount > 1 && !isDepthwise {
            throw TinyTrainingExportError("'\(layer.name)' is a grouped convolution (groups \(convolution.groupCount)); tiny-training updates every "
                                          + "weight of one, so plan it at ratio 1 or bias only")
        }
        if ratio != .all {
            let planned = ratio.selectedCount(of: inputChannels)
            let kept = inputChannels * ratio.numerator / ratio.denominator
            if kept != planned {
                notes.append("'\(layer.name)': tiny-training keeps int(\(ratio) x \(inputChannels)) = \(kept) channels, the plan ceil(...) = \(planned)")
            }
            if update.channelSelection == .first {
                notes.append("'\(layer.name)': tiny-training keeps the channels of largest weight magnitude (magnitude+); the plan keeps the first ones "
                             + "(the same count and memory; plan with --channel-selection magnitude to say so)")
            }
        }
        return ratio
    }

    /// A ratio as tiny-training's lists spell it: `0.125`, `0.25`, `0.5`, `1`.
    public static func spelled(_ ratio: ChannelRatio) -> String {
        switch (ratio.numerator, ratio.denominator) {
        case (1, 1): "1"
        case (1, 2): "0.5"
        case (1, 4): "0.25"
        case (1, 8): "0.125"
        default: "\(Double(ratio.numerator) / Double(ratio.denominator))"
        }
    }

    /// The members of `backward_config` in tiny-training's configuration order, as YAML scalars.
    public var members: [(key: String, value: String)] {
        var members: [(key: String, value: String)] = [("enable_backward_config", "1"), ("n_bias_update", "\(biasUpdateCount)")]
        if weightIndices.isEmpty {
            // manual_weight_idx null: tiny-training derives the weight layers from n_weight_update, here none.
            members += [("n_weight_update", "0"), ("manual_weight_idx", "null"), ("weight_update_ratio", "null")]
        } else {
            members += [("manual_weight_idx", weightIndices.map(String.init).joined(separator: "-")),
                        ("weight_update_ratio", weightRatios.map(Self.spelled).joined(separator: "-"))]
        }
        members += [("weight_select_criteria", "magnitude+"), ("pw1_weight_only", "0")]
        return members
    }

    /// The `backward_config:` block of a tiny-training YAML configuration.
    public var yaml: String {
        (["backward_config:"] + members.map { "  \($0.key): \($0.value)" }).joined(separator: "\n") + "\n"
    }

    /// The same as flags of tiny-training's `train_cls.py`.
    public var commandLineFlags: String {
        members.filter { $0.value != "null" && !["weight_select_criteria", "pw1_weight_only"].contains($0.key) }
            .map { "--\($0.key) \($0.value)" }.joined(separator: " ")
    }
}

/// Why a plan cannot be written as a tiny-training `backward_config`.
public struct TinyTrainingExportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What tiny-training cannot run, and what to plan instead.
    public var message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
