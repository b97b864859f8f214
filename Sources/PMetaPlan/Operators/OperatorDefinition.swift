/// Everything pmeta-plan knows about one operator, described once: how many inputs it reads, its output shape,
/// its parameters and MACs, what it keeps for its backward pass under each counting profile, whether it can
/// write its output over its input, and how architecture files spell its attributes.
///
/// `Operation.definition` is the one place that maps a graph operation to its description; shape inference
/// (`ShapedGraph`), the per-layer costs (`LayerCost`), the adaptation cost model, the exact planner's per-option
/// costs and the JSON writer all read it, so adding an operator is one file in `Operators/` and one case.
protocol OperatorDefinition: Sendable {
    /// How many inputs the operator reads.
    var arity: InputArity { get }
    /// What its trainable tensors are.
    var role: ParameterRole { get }
    /// Whether the output can be written over the input (element-wise operations, normalizations, views).
    var computesInPlace: Bool { get }
    /// How PyTorch lays out the output: a view of the input (flatten, reshape, transpose, when the input's
    /// strides allow), the input's strides kept in a new tensor (element-wise operations), or a new contiguous one.
    var stridedLayout: StridedLayout { get }
    /// Whether the output is an activation (false for a learned tensor, whose output is the parameter itself).
    var producesActivation: Bool { get }
    /// Whether the backward pass hands g(y) itself, one buffer, to every input of the output's shape (a sum).
    var sharesOutputGradientWithInputs: Bool { get }
    /// Where the backward pass writes g(x) of an input it keeps whole and that dies with it.
    var keptInputGradient: KeptInputGradient { get }
    /// The output shape for inputs of `inputs`.
    /// - Throws: `ShapeMismatch` saying what was expected, or `ArithmeticOverflow`.
    func outputShape(for inputs: [TensorShape]) throws -> TensorShape
    /// Parameters, buffers and MACs for one sample.
    /// - Throws: `ArithmeticOverflow`.
    func counts(inputs: [TensorShape], output: TensorShape) throws -> OperatorCounts
    /// The tensors the layer keeps from the forward pass for its backward pass, for one sample.
    func savedTensors(_ context: BackwardContext) -> [SavedTensor]
    /// The attributes as architecture files spell them, defaults included.
    var jsonAttributes: [(key: String, value: JSONValue)] { get }
    /// The weights whose gradients an update computes when it keeps `selectedInputs` of the input channels and
    /// `selectedOutputs` of the output channels (mu_fw m(w_l) mu_bw).
    /// - Throws: `ArithmeticOverflow`.
    func selectedWeightElements(selectedInputs: Int, selectedOutputs: Int, cost: LayerCost) throws -> Int
}

extension OperatorDefinition {
    var producesActivation: Bool { true }
    var sharesOutputGradientWithInputs: Bool { false }
    var keptInputGradient: KeptInputGradient { .overKeptInput }
    var stridedLayout: StridedLayout { .contiguous }
    var role: ParameterRole { .none }
    var jsonAttributes: [(key: String, value: JSONValue)] { [] }
    /// Layers that select no channels update every weight.
    func selectedWeightElements(selectedInputs: Int, selectedOutputs: Int, cost: LayerCost) throws -> Int { cost.weightElements }
}

/// Where a backward pass writes g(x) of an input it keeps whole and that dies with it, so that the input's
/// buffer and g(x) are one buffer, not two.
enum KeptInputGradient: Sendable {
    /// Over the kept input: g(x) does not read x once it is written (conv/linear: W^T g(y); an activation's
    /// sigma'(x) g(y) element by element).
    case overKeptInput
    /// For an operand of the output's shape, over g(y) (element by element g(y) x other), or over the operand
    /// when g(y) is shared with another tensor's gradient and the operand is this layer's alone (a product).
    case overOutputGradientOrOperand
    /// Into a new buffer: each gradient reads the other kept operand (a matrix product).
    case newBuffer
}

/// How a framework with strided tensors (PyTorch) lays out an operator's output.
enum StridedLayout: Sendable {
    /// A new contiguous tensor.
    case contiguous
    /// A new tensor with the strides of its first input (an element-wise operation keeps a permuted layout).
    case keepsInputStrides
    /// A view of the input: the same storage, strides rearranged (transpose), or reinterpreted when the input's
    /// strides allow (flatten, reshape), else a contiguous copy.
    case view
}

/// How many inputs an operator reads.
enum InputArity: Sendable {
    /// None: a learned tensor.
    case none
    case one
    case two
    case oneOrMore
    case twoOrMore

    /// Whether `count` inputs are allowed, and what is expected otherwise.
    func check(_ count: Int) throws {
        let (isAllowed, expectation): (Bool, String) = switch self {
        case .none: (count == 0, "no inputs")
        case .one: (count == 1, "exactly one input")
        case .two: (count == 2, "exactly two inputs")
        case .oneOrMore: (count >= 1, "one or more inputs")
        case .twoOrMore: (count >= 2, "two or more inputs")
        }
        guard isAllowed else { throw ShapeMismatch(message: "expected \(expectation), found \(count)") }
    }
}

/// What an operator's trainable tensors are, and how an update can select among them.
public enum ParameterRole: Hashable, Sendable {
    /// No trainable tensor.
    case none
    /// A convolution or linear layer: a weight whose gradient needs the saved input x_{l-1} (Eq. (17)), whose
    /// input channels an update may select (mu_fw), and an optional bias.
    case weightLayer
    /// A normalization's gamma and beta, per channel.
    case normalization
    /// A learned tensor used as an activation (a ViT's class token or position embedding): every element.
    case learnedTensor
}

/// The plan-independent counts an operator contributes for one sample.
struct OperatorCounts: Sendable {
    /// m(w_l): conv/linear weights, a normalization's gamma, a learned tensor's elements.
    var weightElements = 0
    /// Conv/linear bias, or a normalization's beta.
    var biasElements = 0
    /// Non-trainable state kept with the model (batch norm's running mean and variance).
    var bufferElements = 0
    /// Forward MACs.
    var forwardMACs = 0
    /// MACs of g(x_{l-1}) when the input gradient is computed.
    var inputGradientMACs = 0
    /// MACs of g(w_l) with every channel selected.
    var weightGradientMACs = 0
    /// How many times each weight is used per sample: H_l W_l for a convolution, the rows for a linear layer;
    /// g(w_l) of the selected weights costs this many MACs per weight.
    var weightPositions = 0
    /// The channels an update can select among (C_{l-1}: conv's first axis, linear's last).
    var selectableChannels = 0
    /// The output channels an update selects among (mu_bw): a convolution's first axis, a linear layer's last.
    var selectableOutputChannels = 0
    /// Per-sample statistics a normalization keeps (1/std per group).
    var statisticElements = 0
    /// Positions in a max-pool window (what an index must cover).
    var poolWindowPositions = 0
}

extension OperatorCounts {
    /// A conv/linear layer's counts: each of `weights` weights is used at `positions` positions per sample, in the
    /// forward pass, in g(x) and in g(w) alike.
    /// - Throws: `ArithmeticOverflow`.
    init(weightLayerWith weights: Int, biasElements: Int, positions: Int, inputChannels: Int, outputChannels: Int) throws {
        weightElements = weights
        self.biasElements = biasElements
        weightPositions = positions
        forwardMACs = try Checked.product(positions, weights, context: "MACs")
        inputGradientMACs = forwardMACs
        weightGradientMACs = forwardMACs
        selectableChannels = inputChannels
        selectableOutputChannels = outputChannels
    }
}

/// What decides the tensors a layer keeps for its backward pass in one inner step.
struct BackwardContext {
    /// The layer's update in this step (`.frozen` for layers without parameters).
    var update: LayerUpdate
    /// Whether the layer is on the backward path (it receives a gradient), as the profile defines it.
    var isOnBackwardPath: Bool
    /// Which inputs are the network input x_0 (the support samples, in static memory).
    var inputIsNetworkInput: [Bool]
    /// Which inputs are learned tensors (model memory: never stored again).
    var inputIsLearnedTensor: [Bool]
    /// The elements of each input, for one sample.
    var inputElements: [Int]
    /// The layer's costs.
    var cost: LayerCost
    /// The counting profile.
    var profile: CountingProfile
    /// Bits of one stored activation element.
    var activationBits: Int
    /// Which inputs a batched matrix product copies to a contiguous tensor before multiplying
    /// (`CountingProfile.matrixProductsCopyStridedOperands`); all false otherwise.
    var copiesInput: [Bool] = []

    /// Whether the layer's first input is the network input x_0.
    var readsNetworkInput: Bool { inputIsNetworkInput.first ?? false }

    /// Whether an autograd framework makes a backward node for the layer: a gradient flows into it or it updates
    /// a parameter of its own.
    var hasBackwardNode: Bool { isOnBackwardPath || update.isUpdated }

    /// The alias of input `position` kept whole: nil for x_0, which is no buffer of the pass.
    func inputAlias(_ position: Int) -> SavedTensor.Alias? {
        inputIsNetworkInput[position] ? nil : .input(position)
    }
}

extension SavedTensor {
    /// A tensor of `elements` activations at the context's precision.
    init(_ kind: Kind, elements: Int, in context: BackwardContext, alias: Alias? = nil) {
        self.init(kind: kind, elements: elements, bitsPerElement: context.activationBits, alias: alias)
    }
}
