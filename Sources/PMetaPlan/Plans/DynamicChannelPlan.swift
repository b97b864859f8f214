/// MeDyate's dynamic subnetwork: a fixed set of conv/linear layers, each updating a fixed number c of its C
/// input channels, with the channels themselves redrawn between epochs by importance.
///
/// The cost model counts a layer's stored input and weight-gradient buffer from c alone (see
/// `CostModel.storedInputElements(ofLayerAt:keeping:)`), so the adaptation peak, `cost`, is the same for
/// every draw: a trainer can resample freely without ever exceeding the budget the plan was made for.
///
/// ```swift
/// var plan = try DynamicChannelPlanner.solve(problem).plan!
/// var generator = SplitMix64(seed: 7)
/// for epoch in 0..<epochs {
///     let channels = plan.resample(using: &generator)   // [layer index: sorted input channels]
///     train(epoch, updating: channels)
///     plan.setChannelWeights(gradientNorms, forLayerAt: layer)   // importance for the next draw
/// }
/// ```
public struct DynamicChannelPlan: Hashable, Sendable {
    /// One updated layer: how many of its input channels, and how much each channel is worth.
    public struct LayerChannels: Hashable, Sendable {
        /// The layer's index in the graph.
        public var layer: Int
        /// The layer's name.
        public var name: String
        /// C_{l-1}, the layer's input channels (features for a linear layer).
        public var channelCount: Int
        /// c, the channels updated in every epoch.
        public var selectedCount: Int
        /// w_i, each channel's importance; uniform until a trainer sets it.
        public private(set) var weights: [Double]

        /// Creates a layer entry with uniform weights.
        public init(layer: Int, name: String, channelCount: Int, selectedCount: Int) {
            precondition(channelCount >= 1 && (1...channelCount).contains(selectedCount), "a dynamic layer needs 1 <= c <= C")
            self.layer = layer
            self.name = name
            self.channelCount = channelCount
            self.selectedCount = selectedCount
            self.weights = Array(repeating: 1, count: channelCount)
        }

        /// mu_fw = c / C.
        public var ratio: ChannelRatio { ChannelRatio(selectedCount, channelCount) }

        /// pi_i, each channel's probability of being drawn (see `ChannelSampling`).
        public var inclusionProbabilities: [Double] {
            ChannelSampling.inclusionProbabilities(weights: weights, selecting: selectedCount)
        }

        mutating func setWeights(_ weights: [Double]) {
            precondition(weights.count == channelCount, "layer '\(name)' needs \(channelCount) channel weights, got \(weights.count)")
            precondition(weights.allSatisfy { $0.isFinite && $0 >= 0 } && weights.contains { $0 > 0 },
                         "channel weights must be finite, non-negative and not all zero")
            self.weights = weights
        }
    }

    /// The updated layers in graph order.
    public var layers: [LayerChannels]
    /// The number of layers in the graph.
    public var graphLayerCount: Int
    /// K: every inner step updates the same layers and channel counts.
    public var innerSteps: Int
    /// The adaptation cost, the same for every draw.
    public var cost: AdaptationCost
    /// The plan's value under the planning objective (sum over layer-steps of |alpha_l^k| sqrt(c / C)).
    public var value: Double
    /// The channels of the current epoch by layer index; empty until the first `resample`.
    public private(set) var channels: [Int: [Int]] = [:]

    /// Creates a plan.
    public init(layers: [LayerChannels], graphLayerCount: Int, innerSteps: Int, cost: AdaptationCost, value: Double) {
        precondition(innerSteps >= 1 && layers.allSatisfy { (0..<graphLayerCount).contains($0.layer) }, "a dynamic plan needs K >= 1 and layers of the graph")
        self.layers = layers.sorted { $0.layer < $1.layer }
        self.graphLayerCount = graphLayerCount
        self.innerSteps = innerSteps
        self.cost = cost
        self.value = value
    }

    /// The plan the cost model checks: each layer at mu_fw = c / C (all output channels), every inner step.
    public var updatePlan: UpdatePlan {
        Self.updatePlan(counts: Dictionary(uniqueKeysWithValues: layers.map { ($0.layer, $0) }), graphLayerCount: graphLayerCount,
                        innerSteps: innerSteps)
    }

    /// The plan of one concrete draw: each layer at (channels drawn) / C; equal to `updatePlan` for every draw.
    public func updatePlan(for draw: [Int: [Int]]) -> UpdatePlan {
        var layersByIndex = Dictionary(uniqueKeysWithValues: layers.map { ($0.layer, $0) })
        for (index, drawn) in draw {
            precondition(layersByIndex[index] != nil, "layer \(index) is not in the dynamic plan")
            layersByIndex[index]?.selectedCount = drawn.count
        }
        return Self.updatePlan(counts: layersByIndex, graphLayerCount: graphLayerCount, innerSteps: innerSteps)
    }

    private static func updatePlan(counts: [Int: LayerChannels], graphLayerCount: Int, innerSteps: Int) -> UpdatePlan {
        var updates = [LayerUpdate](repeating: .frozen, count: graphLayerCount)
        for (index, entry) in counts {
            updates[index] = LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(entry.selectedCount, entry.channelCount))
        }
        return UpdatePlan(steps: Array(repeating: StepUpdates(layers: updates), count: innerSteps))
    }

    /// Sets the importance of each input channel of layer `index`, for the next draws.
    /// - Parameters:
    ///   - weights: One finite, non-negative weight per input channel, not all zero (e.g. gradient norms).
    ///   - index: A layer of the plan, by graph index.
    public mutating func setChannelWeights(_ weights: [Double], forLayerAt index: Int) {
        guard let position = layers.firstIndex(where: { $0.layer == index }) else {
            preconditionFailure("layer \(index) is not in the dynamic plan")
        }
        layers[position].setWeights(weights)
    }

    /// Draws the next epoch's channels: for each layer, c of its C input channels with probabilities pi_i.
    /// - Parameter generator: The source of randomness, seeded by the caller for reproducible runs.
    /// - Returns: The sorted channel indices of each layer, by graph index; also kept in `channels`.
    /// - Complexity: O(sum of C) per call (plus the probabilities' capping).
    public mutating func resample(using generator: inout some RandomNumberGenerator) -> [Int: [Int]] {
        var drawn: [Int: [Int]] = [:]
        for entry in layers {
            drawn[entry.layer] = ChannelSampling.draw(weights: entry.weights, selecting: entry.selectedCount, using: &generator)
        }
        channels = drawn
        return drawn
    }
}
