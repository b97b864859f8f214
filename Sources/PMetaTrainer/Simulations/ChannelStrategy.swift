/// How the planned layers pick their c input channels out of C in each epoch of adaptation (MeDyate's comparison).
public enum ChannelStrategy: String, Sendable, Hashable, CaseIterable {
    /// Redrawn before every epoch with probabilities from channel importance (`DynamicChannelPlan.resample`).
    case dynamic
    /// The c most important channels before adaptation, kept for every epoch.
    case staticTopK = "static-top-k"
    /// Redrawn before every epoch, every channel equally likely.
    case uniform

    /// The name printed in tables.
    public var label: String {
        switch self {
        case .dynamic: "dynamic (importance)"
        case .staticTopK: "static top-k"
        case .uniform: "uniform random"
        }
    }
}
