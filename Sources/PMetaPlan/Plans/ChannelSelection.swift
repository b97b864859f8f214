/// Which input channels an update with a channel ratio below 1 keeps (docs/plan-format.md).
///
/// The cost is the same either way (ceil(mu C) channels); the choice changes which weights adapt. A plan file
/// records it so that a runtime applying the plan (`python/pmeta_torch.py`, MIT tiny-training) keeps the channels
/// the plan means.
public enum ChannelSelection: String, Hashable, Sendable, CaseIterable {
    /// Channels 0 ..< n, what the reference trainer (`PMetaTrainer`) keeps.
    case first
    /// The n input channels whose weight slices have the largest L2 norm, fixed when the plan is applied
    /// (tiny-training's `magnitude+` criterion).
    case magnitude
}
