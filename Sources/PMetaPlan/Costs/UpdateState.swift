/// The optimizer an inner step applies its gradients with, and the state it keeps per updated element.
public enum Optimizer: String, Hashable, Sendable, CaseIterable {
    /// Plain SGD, MAML's inner loop: no state.
    case sgd
    /// SGD with momentum: one velocity per updated element.
    case momentum
    /// Adam: first and second moments per updated element.
    case adam

    /// State tensors per updated element.
    public var stateSlots: Int {
        switch self {
        case .sgd: 0
        case .momentum: 1
        case .adam: 2
        }
    }
}

/// What adaptation holds per updated parameter element besides its gradient, through every step that follows
/// the element's first update: the optimizer's state and, on a device whose frozen weights stay in read-only
/// flash, a working copy of the updated weights. Both are held at the gradient's precision (the precision the
/// update is applied in).
///
/// The default holds neither, which is what the counting profiles assume: the weights live in the same memory as
/// the rest of the model (static memory), and the inner loop is SGD.
public struct UpdateState: Hashable, Sendable {
    /// The optimizer.
    public var optimizer: Optimizer
    /// Whether updated weights are copied into working memory (a microcontroller's SRAM) from where the model lives.
    public var copiesUpdatedWeights: Bool

    /// Creates an update state.
    public init(optimizer: Optimizer = .sgd, copiesUpdatedWeights: Bool = false) {
        self.optimizer = optimizer
        self.copiesUpdatedWeights = copiesUpdatedWeights
    }

    /// Plain SGD on weights that are updated where they live: nothing held.
    public static let none = UpdateState()

    /// Elements held per updated element, each at the gradient's precision.
    public var elementsPerUpdatedElement: Int { optimizer.stateSlots + (copiesUpdatedWeights ? 1 : 0) }
}
