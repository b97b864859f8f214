/// Element-wise activations and dropout, each with what its derivative needs from the forward pass.
///
/// ReLU, ReLU6, leaky ReLU and hard-sigmoid are piecewise linear: their derivative is one of two values, so a
/// 1-bit mask of which piece each element fell on is all they keep. Sigmoid and tanh write their derivative in
/// terms of their output (s(1 - s), 1 - t^2); hard-swish, SiLU and GELU need their input. Dropout keeps which
/// elements it kept (train mode).
struct Activation: OperatorDefinition {
    /// The activation.
    enum Function: Hashable, Sendable {
        case relu, relu6
        case leakyReLU(negativeSlope: Double)
        case sigmoid, tanh
        /// relu6(x + 3) / 6.
        case hardSigmoid
        /// x relu6(x + 3) / 6.
        case hardSwish
        /// x sigmoid(x).
        case silu
        /// x Phi(x), exactly or with the tanh approximation.
        case gelu(approximatesWithTanh: Bool)
        /// Train-mode dropout with drop probability p, scaling kept elements by 1 / (1 - p).
        case dropout(probability: Double)
    }

    /// What the backward pass keeps of one element.
    enum Kept {
        case mask, input, output, dropoutMask
    }

    var function: Function

    var kept: Kept {
        switch function {
        case .relu, .relu6, .leakyReLU, .hardSigmoid: .mask
        case .sigmoid, .tanh: .output
        case .hardSwish, .silu, .gelu: .input
        case .dropout: .dropoutMask
        }
    }

    /// What autograd keeps of one element: ReLU, sigmoid and tanh their float output, the others their float
    /// input (ReLU6 and leaky ReLU are hardtanh and leaky_relu, whose backward reads x); dropout its mask.
    var keptByAutograd: Kept {
        switch function {
        case .relu, .sigmoid, .tanh: .output
        case .relu6, .leakyReLU, .hardSigmoid, .hardSwish, .silu, .gelu: .input
        case .dropout: .dropoutMask
        }
    }

    var arity: InputArity { .one }
    /// An activation that keeps its input cannot overwrite it.
    var computesInPlace: Bool { kept != .input }
    var stridedLayout: StridedLayout { .keepsInputStrides }

    func outputShape(for inputs: [TensorShape]) throws -> TensorShape { inputs[0] }

    func counts(inputs: [TensorShape], output: TensorShape) throws -> OperatorCounts {
        var counts = OperatorCounts()
        counts.forwardMACs = try Checked.product(ElementwiseMACs.activationForward(function), output.elementCount, context: "MACs")
        return counts
    }

    func savedTensors(_ context: BackwardContext) -> [SavedTensor] {
        guard context.isOnBackwardPath else { return [] }
        let elements = context.cost.outputElements
        switch context.profile.activationsKeepFloatTensors ? keptByAutograd : kept {
        case .mask: return [SavedTensor(kind: .activationMask, elements: elements, bitsPerElement: context.profile.activationMaskBits)]
        case .dropoutMask: return [SavedTensor(kind: .dropoutMask, elements: elements, bitsPerElement: context.profile.activationMaskBits)]
        case .output: return [SavedTensor(.activationOutput, elements: elements, in: context, alias: .output)]
        case .input:
            return [SavedTensor(.activationInput, elements: elements, in: context, alias: context.inputAlias(0))]
        }
    }

    var jsonAttributes: [(key: String, value: JSONValue)] {
        switch function {
        case .leakyReLU(let slope): [(key: "negative_slope", value: .double(slope))]
        case .gelu(let approximatesWithTanh): [(key: "approximate", value: .string(approximatesWithTanh ? "tanh" : "none"))]
        case .dropout(let probability): [(key: "p", value: .double(probability))]
        default: []
        }
    }
}

/// Softmax over one axis: its Jacobian-vector product needs only its output, y (g - sum(g y)).
struct Softmax: OperatorDefinition {
    /// The axis (negative counts from the end).
    var axis: Int

    var arity: InputArity { .one }
    var computesInPlace: Bool { true }

    func outputShape(for inputs: [TensorShape]) throws -> TensorShape {
        _ = try ShapeRules.axis(axis, rank: inputs[0].dimensions.count)
        return inputs[0]
    }

    func counts(inputs: [TensorShape], output: TensorShape) throws -> OperatorCounts {
        var counts = OperatorCounts()
        counts.forwardMACs = try Checked.product(ElementwiseMACs.softmaxForward, output.elementCount, context: "MACs")
        return counts
    }

    func savedTensors(_ context: BackwardContext) -> [SavedTensor] {
        guard context.isOnBackwardPath else { return [] }
        return [SavedTensor(.activationOutput, elements: context.cost.outputElements, in: context, alias: .output)]
    }

    var jsonAttributes: [(key: String, value: JSONValue)] { [(key: "axis", value: .integer(axis))] }
}
