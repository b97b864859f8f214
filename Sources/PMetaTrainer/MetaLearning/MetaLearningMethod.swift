import PMetaPlan

/// The meta-learning algorithms of p-Meta's comparison (Sec. 4.1).
public enum MetaLearningMethod: String, CaseIterable, Sendable, Hashable {
    /// MAML (Finn et al., 2017), first-order: every layer adapts with one fixed step size.
    case maml
    /// ANIL (Raghu et al., 2020): only the head adapts.
    case anil
    /// BOIL (Oh et al., 2021): every layer but the head adapts.
    case boil
    /// MAML++ (Antoniou et al., 2019): learned per-layer, per-step step sizes α_l^k ≥ 0.
    case mamlPlusPlus = "maml++"
    /// p-Meta Sec. 3.2: MAML++'s step sizes with the memory-weighted Lasso of Eq. (9), made exactly sparse by
    /// a proximal soft-threshold step; layer-steps whose α reaches 0 are not updated on the device.
    case pMeta = "pmeta"

    /// The name in reports.
    public var displayName: String {
        switch self {
        case .maml: "MAML"
        case .anil: "ANIL"
        case .boil: "BOIL"
        case .mamlPlusPlus: "MAML++"
        case .pMeta: "p-Meta"
        }
    }

    /// Whether the step sizes are learned in the outer loop (Eq. (8)).
    public var learnsStepSizes: Bool { self == .mamlPlusPlus || self == .pMeta }

    /// The initial step sizes `[k][l]`: `stepSize` for the layers the method adapts, 0 for the others and for
    /// layers without parameters.
    public func initialStepSizes(for network: Network, innerSteps: Int, stepSize: Float) -> [[Float]] {
        let plan = fixedPlan(for: network, innerSteps: innerSteps)
        return plan.steps.map { step in step.layers.map { $0.isUpdated ? stepSize : 0 } }
    }

    /// The layers the method adapts, every step: MAML (and the learned-step-size methods before any step size
    /// reaches 0) every trainable layer, ANIL the head, BOIL the rest.
    public func fixedPlan(for network: Network, innerSteps: Int) -> UpdatePlan {
        let method: AdaptationMethod
        switch self {
        case .maml, .mamlPlusPlus, .pMeta: method = .maml
        case .anil: method = .anil
        case .boil: method = .boil
        }
        return method.plan(for: network.graph, innerSteps: innerSteps)
    }
}

extension UpdatePlan {
    /// The plan that updates exactly the layer-steps with a nonzero step size α_l^k, every channel: what
    /// p-Meta deploys after learning sparse step sizes (Sec. 3.2.2).
    /// - Parameters:
    ///   - stepSizes: `[k][l]`.
    ///   - network: The network (layers without parameters are never updated).
    public init(nonzeroStepSizes stepSizes: [[Float]], of network: Network) {
        self.init(steps: stepSizes.map { row in
            StepUpdates(layers: row.enumerated().map { layer, size in
                size > 0 && !network.operations[layer].parameterShapes.isEmpty ? .full : .frozen
            })
        })
    }
}

extension ImportanceScores {
    /// Learned step sizes as the importance the planner reads (`ImportanceScores.json(for:)`).
    public init(stepSizes: [[Float]], source: String) {
        self.init(scores: stepSizes.map { $0.map { Double($0) } }, source: source)
    }

    /// The scores as step sizes `[k][l]`.
    public var stepSizes: [[Float]] { scores.map { $0.map { Float($0) } } }
}
