/// The adaptation methods the paper compares, and two common baselines, as update plans.
public enum AdaptationMethod: String, CaseIterable, Hashable, Sendable {
    /// MAML: every layer, every step.
    case maml
    /// MAML++: learned per-layer per-step step sizes, all nonzero, so MAML's footprint.
    case mamlPlusPlus = "maml++"
    /// ANIL: only the head (the last linear layer).
    case anil
    /// BOIL: the body, every trainable layer but the head.
    case boil
    /// TinyTL-style: only biases (conv/linear bias, normalization beta), no stored inputs for weight gradients.
    case tinyTL = "tinytl"
    /// Full fine-tuning: every trainable tensor, including free parameters. Per step it costs what MAML does.
    case full

    /// The name as printed in tables.
    public var displayName: String {
        switch self {
        case .maml: "MAML"
        case .mamlPlusPlus: "MAML++"
        case .anil: "ANIL"
        case .boil: "BOIL"
        case .tinyTL: "TinyTL (bias only)"
        case .full: "Full fine-tuning"
        }
    }

    /// The method's plan for `graph` over `innerSteps` steps (the same updates every step).
    /// - Parameters:
    ///   - graph: The shaped graph.
    ///   - innerSteps: K, at least 1.
    public func plan(for graph: ShapedGraph, innerSteps: Int = 1) -> UpdatePlan {
        precondition(innerSteps >= 1, "a plan needs at least one inner step")
        let layers = graph.layers
        let head = layers.lastIndex { $0.operation.isWeightLayer } ?? layers.lastIndex { $0.operation.isTrainable }
        var updates = [LayerUpdate](repeating: .frozen, count: layers.count)
        var updatesFree = false
        for (index, layer) in layers.enumerated() where layer.operation.isTrainable {
            switch self {
            case .maml, .mamlPlusPlus, .full:
                updates[index] = .full
                updatesFree = true
            case .anil:
                if index == head { updates[index] = .full }
            case .boil:
                if index != head { updates[index] = .full }
                updatesFree = true
            case .tinyTL:
                if graph.layers[index].operation.hasBias { updates[index] = LayerUpdate(parameters: .biasOnly) }
            }
        }
        if graph.graph.freeParameters.isEmpty { updatesFree = false }
        return UpdatePlan(steps: Array(repeating: StepUpdates(layers: updates, updatesFreeParameters: updatesFree), count: innerSteps))
    }
}
