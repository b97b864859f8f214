/// The counting conventions of the cost model, gathered in one named place.
///
/// `physical` follows Eq. (16)'s masks and what a trainer really has to hold; `appendixA` is the same masks under
/// the appendix's memory sharing. `paper` and `paperEq18` are the switches that reproduce the baselines printed
/// in the p-Meta paper's Tables 1-3 (shared/paper-figures.md). `torchHelper` is what python/pmeta_torch.py holds,
/// `pytorch` what stock PyTorch autograd holds (docs/pytorch-memory.md). The planner searches every profile exactly.
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
        /// All updated layers' buffers with accumulation; without, each layer's buffer from its own backward pass
        /// (a learned tensor's from its last reader's) to the end of the step: `.grad` lives until the optimizer
        /// step and `zero_grad`, so the backward pass of layer i holds the buffers of every updated layer >= i.
        case accumulatedOrFromEachLayersBackwardOn
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
        /// Only views share their input's memory: flatten, a reshape its input's strides allow, and transpose
        /// (stock PyTorch modules write every other output to a new tensor: batch norm, ReLU and add too).
        /// Tensors a layer or an earlier layer keeps whole count once, as stored, as under `inPlaceLayersOnly`.
        /// The backward pass mirrors it, except that a reshape copies g(y) where it arrives permuted (from a
        /// transpose after it) and views it where its forward pass copied (`StridedLayouts.backwardReshape`).
        case viewsOnly
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
    /// Bits per ReLU-family mask element (the paper's T = 32: 1 bit) and per dropout mask element.
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

    // MARK: What an autograd framework records (stock PyTorch); every other profile keeps Eq. (16)'s records.

    /// Whether a convolution whose backward node exists (its input carries a gradient or any of its parameters
    /// is updated, the bias alone included) keeps its whole input, whatever it computes: autograd's convolution
    /// saves x even when the weight is frozen. A linear layer keeps its input only when its weight is updated.
    public var convolutionsAlwaysStoreInput: Bool = false
    /// Whether an update with input-channel ratio below 1 holds what the whole layer's update holds (its whole
    /// input, its whole weight gradient): `requires_grad` freezes whole tensors only, so a channel subset cannot
    /// be expressed and runs as the whole layer.
    public var updatesWholeTensors: Bool = false
    /// Whether a normalization keeps its input itself (the forward buffer, not x̂) and its mean and 1/std (per
    /// channel over the batch for batch norm, per sample and group otherwise) whenever its backward node exists,
    /// whatever is frozen: batch norm in train mode saves them even with gamma and beta frozen.
    public var normalizationsKeepInput: Bool = false
    /// Whether an activation keeps a float tensor instead of a bit mask: ReLU, sigmoid, tanh and softmax their
    /// output; ReLU6, leaky ReLU, hard-sigmoid, hard-swish, SiLU and GELU their input.
    public var activationsKeepFloatTensors: Bool = false
    /// Whether max and average pools on the backward path keep their input (a max pool its indices besides).
    public var poolsKeepInput: Bool = false
    /// Whether normalizations write their statistics, max pools their indices, dropout its mask and a batched
    /// matrix product its operand copies in the forward pass even when nothing keeps them (train mode, no
    /// backward node): while the layer runs, its working set holds them.
    public var forwardWritesRecords: Bool = false
    /// Whether a batched matrix product copies an operand whose batch and head axes are not one strided axis (a
    /// head-split transpose at batch above 1): the copy is what it keeps, beside the operand while it runs.
    public var matrixProductsCopyStridedOperands: Bool = false
    /// Whether a convolution that updates its bias alone computes its weight gradient too in its backward pass (a
    /// weight-sized tensor beside g(y), then dropped): autograd's convolution backward does.
    public var biasOnlyConvolutionsComputeWeightGradients: Bool = false
    /// Whether a product's gradient for a broadcast operand (a squeeze-excite gate) is formed at the output's size
    /// before it is summed over the broadcast axes: a tensor of the output's size beside g(y) while it runs.
    public var broadcastProductsFormFullSizeGradients: Bool = false
    /// Whether a backward pass may write g(x) over a kept input that dies with the layer (a trainer's trick);
    /// autograd writes every gradient to a new tensor.
    public var inputGradientsOverwriteKeptInputs: Bool = true
    /// Whether the gradient of a tensor read by several layers is summed into a new buffer: at each reader but the
    /// last in graph order, the backward pass holds the gradient pending from the later readers, this reader's
    /// g(x) and then their sum (autograd's engine adds out of place).
    public var sumsForkGradientsInNewBuffers: Bool = false
    /// Whether the loss keeps a copy of the network output besides the output itself (cross-entropy keeps
    /// log_softmax's result and nll_loss's total weight, one element, alive until the loss's backward pass).
    public var lossKeepsLogSoftmax: Bool = false
    /// Whether the caller holds the network output, the loss and the loss's seed gradient (one element each)
    /// through the backward pass (`output = model(x); loss = ...; loss.backward()`).
    public var callerHoldsOutputThroughBackward: Bool = false

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

    /// What stock PyTorch autograd holds in one standard step (`model.train()`, `loss.backward()`,
    /// `optimizer.step()`, `zero_grad`, parameters frozen with `requires_grad`), measured in docs/pytorch-memory.md:
    /// `physical`'s memory over time and store-once rule (a storage saved by several nodes is held once) with
    /// autograd's records: a convolution keeps its input whenever its node exists, normalizations their input and
    /// statistics, activations a float tensor, pools their input and int64 indices, dropout a float32 mask (its CPU
    /// kernel), nothing in place but views, every gradient a new tensor, fork gradients summed out of place,
    /// `.grad` alive from its backward to the step, and the loss's log_softmax and the caller's output. Tensors
    /// only: kernel workspaces (im2col, oneDNN) come on top. Channel ratios below 1 run as the whole layer.
    public static let pytorch: CountingProfile = {
        var profile = CountingProfile.physical
        profile.name = "pytorch"
        profile.gradientBuffers = .accumulatedOrFromEachLayersBackwardOn
        profile.workingSet = .viewsOnly
        profile.activationMaskBits = 32
        profile.fixedPoolIndexBits = 64
        profile.convolutionsAlwaysStoreInput = true
        profile.updatesWholeTensors = true
        profile.normalizationsKeepInput = true
        profile.activationsKeepFloatTensors = true
        profile.poolsKeepInput = true
        profile.forwardWritesRecords = true
        profile.matrixProductsCopyStridedOperands = true
        profile.biasOnlyConvolutionsComputeWeightGradients = true
        profile.broadcastProductsFormFullSizeGradients = true
        profile.inputGradientsOverwriteKeptInputs = false
        profile.sumsForkGradientsInNewBuffers = true
        profile.lossKeepsLogSoftmax = true
        profile.callerHoldsOutputThroughBackward = true
        return profile
    }()

    /// Every named profile.
    public static let all: [CountingProfile] = [.physical, .appendixA, .paper, .paperEq18, .torchHelper, .pytorch]

    /// The profile called `name`, if any.
    public static func named(_ name: String) -> CountingProfile? {
        all.first { $0.name == name }
    }

    /// The update a run under this profile performs for `update`: itself, or with every channel when the profile
    /// updates whole tensors only.
    func realized(_ update: LayerUpdate) -> LayerUpdate {
        guard updatesWholeTensors, update.isUpdated, update.inputChannelRatio != .all || update.outputChannelRatio != .all else { return update }
        var whole = update
        whole.inputChannelRatio = .all
        whole.outputChannelRatio = .all
        return whole
    }

    /// Whether the backward pass of layer i holds the gradient buffers of every updated layer after it.
    var keepsGradientsUntilTheStep: Bool { gradientBuffers == .accumulatedOrFromEachLayersBackwardOn }
}
