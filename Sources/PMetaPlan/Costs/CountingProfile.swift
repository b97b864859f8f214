/// The counting conventions of the cost model, gathered in one named place.
///
/// `physical` follows Eq. (16)'s masks and what a trainer really has to hold; `appendixA` is the same masks under
/// the appendix's memory sharing. `paper` and `paperEq18` are the switches that reproduce the baselines printed
/// in the p-Meta paper's Tables 1-3 (shared/paper-figures.md). The planner searches every profile exactly.
public struct CountingProfile: Hashable, Sendable {
    /// Which layers count as "on the backward path" (store masks, normalized inputs; compute input gradients).
    public enum BackwardScope: String, Hashable, Sendable {
        /// Layers that receive a gradient: an updated layer or anything downstream of one (Eq. (16) masks).
        case downstreamOfUpdates
        /// Every layer at or after l_min, the first updated layer in graph order (the printed baselines).
        case fromFirstUpdatedPosition
    }

    /// Where input-gradient MACs start.
    public enum InputGradientScope: String, Hashable, Sendable {
        /// Layers whose input carries a gradient (the first updated layer on the image computes none).
        case whereInputNeedsGradient
        /// Layers after l_min in graph order (Appendix A.2 text, "l_min + 1"; Tables 1 and 2).
        case afterFirstUpdatedPosition
        /// Layers from l_min on in graph order (Eq. (18) as printed; Table 3).
        case fromFirstUpdatedPosition
    }

    /// When weight-gradient buffers are counted.
    public enum GradientBuffers: String, Hashable, Sendable {
        /// All updated layers' buffers with accumulation; otherwise the largest single layer's (it is applied
        /// as soon as it is computed, after the layer's input gradient).
        case accumulatedOrLargestLayer
        /// All updated layers' buffers with accumulation, none without (Table 1 prints none).
        case onlyWhenAccumulating
        /// All updated layers' buffers with accumulation; without, each layer's own buffer only while its
        /// backward pass runs (allocated when it starts, applied and freed when it ends), none in the forward pass.
        case accumulatedOrEachLayerDuringItsBackward
    }

    /// Which layers' inputs and outputs share memory in the working set.
    public enum WorkingSet: String, Hashable, Sendable {
        /// Every layer: max{m(x), m(y)} (Appendix A.1.2, "memory sharing between input and output tensors").
        case inputAndOutputShare
        /// Only layers that can write their output over their input: ReLU-style activations, normalizations
        /// (x̂ overwrites x), residual add and flatten. conv2d, linear, pooling and concat read their whole
        /// input while writing a separate output, so both count, m(x) + m(y); an updated conv/linear whose
        /// whole input is stored for g(w_l) counts that input once, as stored.
        case inPlaceLayersOnly
    }

    /// The profile's name as given on the command line.
    public var name: String
    /// Which layers are on the backward path.
    public var backwardScope: BackwardScope
    /// Which layers' input gradients are computed.
    public var inputGradientScope: InputGradientScope
    /// Whether a frozen conv/linear layer on the backward path still stores its input (printed baselines: yes).
    public var frozenWeightLayersStoreInput: Bool
    /// When weight-gradient buffers count.
    public var gradientBuffers: GradientBuffers
    /// Whether conv/linear bias gradients count in the buffers (the printed figures count weights only).
    public var countsBiasGradientBuffers: Bool
    /// Whether normalizations store their per-group 1/std besides the normalized input (x̂ makes the mean unnecessary).
    public var countsNormalizationStatistics: Bool
    /// Bits per max-pool index: nil for ceil(log2(window positions)), or a fixed count (the paper's T = 16: 2 bits).
    public var fixedPoolIndexBits: Int?
    /// Bits per ReLU-family mask element (the paper's T = 32: 1 bit).
    public var activationMaskBits: Int
    /// Which layers' inputs and outputs share memory.
    public var workingSet: WorkingSet
    /// Whether an updated conv/linear that reads the network input x_0 stores it (Eq. (17) with l = 1); when
    /// not, the weight gradient reads x_0 where it already is, the support samples in static memory.
    public var storesNetworkInput: Bool
    /// Whether a forward buffer that several layers keep whole (a block input read by a conv and its shortcut,
    /// a sigmoid's output that the gate's product keeps too) is stored once, by the first layer that keeps it,
    /// and not counted again in the working sets while it stays alive. The printed figures count each layer's
    /// stored tensors on their own (Eq. (17) sums m(x_{l-1}) over layers).
    public var storesKeptBuffersOnce: Bool = false
    /// Whether batch norm keeps one 1/std per channel for the micro-batch (its statistics are the batch's) rather
    /// than one per sample and channel.
    public var keepsBatchNormStatisticsOncePerMicroBatch = false

    /// What an adaptation step really holds, and what the reference trainer (`PMetaTrainer`'s memory meter)
    /// measures: Eq. (16)'s masks; conv/linear/pooling/concat hold their input and output at once (only
    /// element-wise layers, normalizations, add and flatten work in place); the network input x_0 is the support
    /// sample, already in static memory, so updating the first layer stores no copy of it; and without
    /// accumulation a layer's weight-gradient buffer lives only while its own backward pass runs; a forward buffer
    /// that several layers keep whole is one buffer, stored once. The default,
    /// and the model the planner optimizes exactly. Validation finds its prediction never below the measured
    /// peak and at most 5% above it for the shipped small networks (docs/trainer-validation.md).
    public static let physical = CountingProfile(
        name: "physical", backwardScope: .downstreamOfUpdates, inputGradientScope: .whereInputNeedsGradient,
        frozenWeightLayersStoreInput: false, gradientBuffers: .accumulatedOrEachLayerDuringItsBackward,
        countsBiasGradientBuffers: true, countsNormalizationStatistics: true, fixedPoolIndexBits: nil, activationMaskBits: 1,
        workingSet: .inPlaceLayersOnly, storesNetworkInput: false, storesKeptBuffersOnce: true)

    /// Eq. (16)'s masks under Appendix A.1.2's own conventions: every layer's input and output share memory
    /// (max{m(x), m(y)}), x_0 is stored like any input, and the largest layer's gradient buffer is held through the
    /// step. No trainer reaches it for conv layers (they read their whole input while writing the output), so it
    /// can be below what adaptation holds; it is the paper's model with exact masks, for comparison.
    public static let appendixA = CountingProfile(
        name: "appendix-a", backwardScope: .downstreamOfUpdates, inputGradientScope: .whereInputNeedsGradient,
        frozenWeightLayersStoreInput: false, gradientBuffers: .accumulatedOrLargestLayer,
        countsBiasGradientBuffers: true, countsNormalizationStatistics: true, fixedPoolIndexBits: nil, activationMaskBits: 1,
        workingSet: .inputAndOutputShare, storesNetworkInput: true)

    /// The printed baselines of Tables 1 and 2 (image classification).
    public static let paper = CountingProfile(
        name: "paper", backwardScope: .fromFirstUpdatedPosition, inputGradientScope: .afterFirstUpdatedPosition,
        frozenWeightLayersStoreInput: true, gradientBuffers: .onlyWhenAccumulating,
        countsBiasGradientBuffers: false, countsNormalizationStatistics: false, fixedPoolIndexBits: 2, activationMaskBits: 1,
        workingSet: .inputAndOutputShare, storesNetworkInput: true)

    /// The printed baselines of Table 3 (reinforcement learning): `paper` with Eq. (18)'s input gradient from l_min.
    public static let paperEq18: CountingProfile = {
        var profile = CountingProfile.paper
        profile.name = "paper-eq18"
        profile.inputGradientScope = .fromFirstUpdatedPosition
        return profile
    }()

    /// What `python/pmeta_torch.py` holds when it runs a plan in PyTorch (docs/pytorch-plans.md): `physical`'s
    /// memory over time, with the tensors PyTorch can keep: a ReLU-family or dropout mask is a bool tensor (8 bits
    /// per element), a max pool keeps `max_pool2d`'s int64 arg-max indices (64 bits per output element), and batch
    /// norm keeps 1/std once per channel for the micro-batch.
    public static let torchHelper: CountingProfile = {
        var profile = CountingProfile.physical
        profile.name = "torch-helper"
        profile.activationMaskBits = 8
        profile.fixedPoolIndexBits = 64
        profile.keepsBatchNormStatisticsOncePerMicroBatch = true
        return profile
    }()

    /// Every named profile.
    public static let all: [CountingProfile] = [.physical, .appendixA, .paper, .paperEq18, .torchHelper]

    /// The profile called `name`, if any.
    public static func named(_ name: String) -> CountingProfile? {
        all.first { $0.name == name }
    }
}
