/// What would make adaptation fit when no plan does: the smallest peak this network and workload can reach,
/// and which knobs bring it under the budget, each with the peak it would give.
public struct FitAdvice: Sendable {
    /// The smallest adaptation peak of any plan with at least one update, and the layer that plan updates.
    public var smallestPeak: ByteCount
    /// The layer whose update alone reaches `smallestPeak`.
    public var smallestPeakLayer: String
    /// When the network is too large to try every trainable layer alone: how many of the first and last trainable
    /// layers were tried, and how many there are (`smallestPeak` is then the smallest among those tried).
    public var triedLayers: (tried: Int, of: Int)?
    /// The inference peak of one sample, a floor no adaptation plan can go under.
    public var inferencePeak: ByteCount
    /// Knobs and the smallest peak each would give.
    public var knobs: [Knob]

    /// A change to the workload or network.
    public struct Knob: Sendable {
        /// What to change, e.g. `micro-batch 1 (--micro-batch 1)`.
        public var change: String
        /// The smallest adaptation peak with the change, or nil when it does not apply.
        public var smallestPeak: ByteCount?
        /// Whether some plan fits the budget with the change.
        public var fits: Bool
        /// A remark, e.g. why the knob does not change the peak.
        public var note: String?
    }

    /// Advice for `problem`, whose budget nothing fits.
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    public init(for problem: PlanningProblem) throws {
        let (peak, layer) = try Self.smallestPeak(model: problem.model, workload: problem.workload, problem: problem)
        let trainable = problem.model.graph.layers.filter(\.operation.isTrainable).count
        let tried = Self.candidates(in: problem.model).count
        triedLayers = tried < trainable ? (tried, trainable) : nil
        smallestPeak = peak
        smallestPeakLayer = layer.map { problem.model.graph.layers[$0].name } ?? "-"
        inferencePeak = try problem.model.inference(batch: 1, precision: problem.workload.precision, profile: problem.profile).peak
        var knobs: [Knob] = []
        let workload = problem.workload
        if workload.microBatch > 1 {
            var changed = workload
            changed.microBatch = 1
            knobs.append(try Self.knob("micro-batch 1 with gradient accumulation (--micro-batch 1)", model: problem.model, workload: changed, problem: problem))
        }
        if workload.precision.activationBytes > 1 {
            var changed = workload
            changed.precision.activationBytes = 1
            changed.precision.gradientBytes = min(changed.precision.gradientBytes, 2)
            knobs.append(try Self.knob("int8 activations and fp16 gradients (--activation-bytes 1 --gradient-bytes 2)",
                                       model: problem.model, workload: changed, problem: problem))
        }
        let shape = problem.model.graph.graph.inputShape
        // A smaller input: halve the resolution until the smallest plan fits (or the network no longer takes it).
        var divisor = 2
        var resolutionKnob: Knob?
        while shape.count == 3 && shape[1] / divisor >= 4 && shape[2] / divisor >= 4 && divisor <= 16 {
            var graph = problem.model.graph.graph
            graph.inputShape = [shape[0], shape[1] / divisor, shape[2] / divisor]
            guard let shaped = try? ShapedGraph(graph), let model = try? CostModel(shaped) else { break }
            let knob = try Self.knob("input resolution \(shape[1] / divisor)x\(shape[2] / divisor) instead of \(shape[1])x\(shape[2])",
                                     model: model, workload: workload, problem: problem)
            resolutionKnob = knob
            if knob.fits { break }
            divisor *= 2
        }
        if let resolutionKnob { knobs.append(resolutionKnob) }
        if knobs.count >= 2 {
            var graph = problem.model.graph.graph
            var changed = workload
            changed.microBatch = 1
            changed.precision.activationBytes = 1
            changed.precision.gradientBytes = min(changed.precision.gradientBytes, 2)
            var label = "micro-batch 1, int8 activations and fp16 gradients together"
            if shape.count == 3 && shape[1] >= 8 && shape[2] >= 8 {
                graph.inputShape = [shape[0], shape[1] / 2, shape[2] / 2]
                label = "micro-batch 1, int8 activations, fp16 gradients and half the resolution (\(shape[1] / 2)x\(shape[2] / 2)) together"
            }
            if let shaped = try? ShapedGraph(graph), let model = try? CostModel(shaped) {
                knobs.append(try Self.knob(label, model: model, workload: changed, problem: problem))
            }
        }
        knobs.append(Knob(change: "fewer inner steps (--inner-steps)", smallestPeak: nil, fits: false,
                          note: "does not lower the peak: every step is one forward and backward pass, and the peak is the largest step's; it lowers MACs"))
        self.knobs = knobs
    }

    private static func knob(_ change: String, model: CostModel, workload: Workload, problem: PlanningProblem) throws -> Knob {
        let (peak, _) = try smallestPeak(model: model, workload: workload, problem: problem)
        return Knob(change: change, smallestPeak: peak, fits: peak <= problem.budget, note: nil)
    }

    /// Layer-evaluations one smallest-peak search may spend: each plan is costed over every layer.
    static let evaluationBudget = 2_000_000

    /// The trainable layers the smallest-peak search tries: all of them, or on a network too large for that, the
    /// first and the last ones, where the smallest plans are (a first layer's input is the network's, stored by
    /// nobody; a late layer's update keeps little for a short backward pass).
    static func candidates(in model: CostModel) -> [Int] {
        let trainable = model.graph.layers.indices.filter { model.graph.layers[$0].operation.isTrainable }
        let affordable = max(2, evaluationBudget / max(model.graph.layerCount, 1))
        guard trainable.count > affordable else { return trainable }
        return Array(trainable.prefix(affordable / 2) + trainable.suffix(affordable - affordable / 2))
    }

    /// The smallest peak over plans that update one trainable layer at the smallest ratio (adding updates
    /// never lowers the peak, so a smallest plan updates a single layer).
    static func smallestPeak(model: CostModel, workload: Workload, problem: PlanningProblem) throws -> (ByteCount, Int?) {
        var best: (ByteCount, Int?) = (ByteCount(Int.max), nil)
        let smallestRatio = problem.ratios.first ?? .all
        for index in candidates(in: model) {
            var layers = [LayerUpdate](repeating: .frozen, count: model.graph.layerCount)
            layers[index] = problem.update(ofLayerAt: index, ratio: smallestRatio)
            let peak = try model.adaptation(of: UpdatePlan(steps: [StepUpdates(layers: layers)]), workload: workload, profile: problem.profile).peak
            if peak < best.0 { best = (peak, index) }
        }
        return best
    }
}
