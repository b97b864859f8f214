/// Element-wise sums and products of two or more tensors with numpy broadcasting, and products by a constant.
struct Elementwise: OperatorDefinition {
    enum Function: Hashable, Sendable {
        /// The sum: its gradient is g(y) for every input (summed over broadcast axes), so it keeps nothing.
        case add
        /// The product: each operand's gradient needs the other operands.
        case mul
        /// The product with a constant: its gradient is the constant times g(y).
        case scale(factor: Double)
    }

    var function: Function

    var arity: InputArity {
        switch function {
        case .add: .twoOrMore
        case .mul: .two
        case .scale: .one
        }
    }

    /// A product on the backward path keeps its operands, so it cannot overwrite one of them.
    var computesInPlace: Bool { function != .mul }
    var stridedLayout: StridedLayout { .keepsInputStrides }

    /// g(x) = g(y) for every input of the sum's shape: one buffer, not a copy per input.
    var sharesOutputGradientWithInputs: Bool { function == .add }

    var keptInputGradient: KeptInputGradient { .overOutputGradientOrOperand }

    func outputShape(for inputs: [TensorShape]) throws -> TensorShape {
        try ShapeRules.broadcast(inputs)
    }

    func counts(inputs: [TensorShape], output: TensorShape) throws -> OperatorCounts {
        var counts = OperatorCounts()
        switch function {
        case .add: counts.forwardMACs = try Checked.product(ElementwiseMACs.addForward, output.elementCount, inputs.count - 1, context: "MACs")
        case .mul: counts.forwardMACs = try Checked.product(ElementwiseMACs.mulForward, output.elementCount, inputs.count - 1, context: "MACs")
        case .scale: counts.forwardMACs = try Checked.product(ElementwiseMACs.scaleForward, output.elementCount, context: "MACs")
        }
        return counts
    }

    /// A product on the backward path keeps each operand that is an activation (a learned tensor is model memory).
    /// It keeps both even when only one carries a gradient, as in squeeze-excite gates and attention, where
    /// both always do.
    func savedTensors(_ context: BackwardContext) -> [SavedTensor] {
        guard function == .mul && context.isOnBackwardPath else { return [] }
        var saved: [SavedTensor] = []
        for (position, elements) in context.inputElements.enumerated() where !context.inputIsLearnedTensor[position] {
            saved.append(SavedTensor(.operand, elements: elements, in: context, alias: context.inputAlias(position)))
        }
        return saved
    }

    var jsonAttributes: [(key: String, value: JSONValue)] {
        if case .scale(let factor) = function { return [(key: "factor", value: .double(factor))] }
        return []
    }
}

/// The product of two activations, `[..., N, K] x [..., K, M] -> [..., N, M]` over equal leading (head) axes:
/// attention's Q K^T and A V. Both operands are kept for each other's gradients.
struct MatrixProduct: OperatorDefinition {
    var arity: InputArity { .two }
    var computesInPlace: Bool { false }
    var keptInputGradient: KeptInputGradient { .newBuffer }

    func outputShape(for inputs: [TensorShape]) throws -> TensorShape {
        let left = inputs[0].dimensions
        let right = inputs[1].dimensions
        guard left.count >= 2, left.count == right.count else {
            throw ShapeMismatch(message: "expected two inputs of one rank, at least 2, found \(inputs[0]) and \(inputs[1])")
        }
        guard left.dropLast(2) == right.dropLast(2) else {
            throw ShapeMismatch(message: "the leading axes must be equal, but input 0 is \(inputs[0]) and input 1 is \(inputs[1])")
        }
        guard left[left.count - 1] == right[right.count - 2] else {
            throw ShapeMismatch(message: "input 0 \(inputs[0]) has \(left[left.count - 1]) columns but input 1 \(inputs[1]) has \(right[right.count - 2]) rows")
        }
        return try TensorShape(left.dropLast() + [right[right.count - 1]])
    }

    /// batch x N x K x M forward; g(A) = g(C) B^T and g(B) = A^T g(C) cost as much each.
    func counts(inputs: [TensorShape], output: TensorShape) throws -> OperatorCounts {
        let inner = inputs[0].dimensions.last!
        var counts = OperatorCounts()
        counts.forwardMACs = try Checked.product(output.elementCount, inner, context: "MACs")
        counts.inputGradientMACs = try Checked.product(2, counts.forwardMACs, context: "MACs")
        return counts
    }

    func savedTensors(_ context: BackwardContext) -> [SavedTensor] {
        guard context.isOnBackwardPath else { return [] }
        return context.inputElements.enumerated().compactMap { position, elements in
            guard !context.inputIsLearnedTensor[position] else { return nil }
            // A strided operand is copied before the product; the copy is what the product keeps.
            if context.copiesInput.indices.contains(position) && context.copiesInput[position] {
                return SavedTensor(.operandCopy, elements: elements, in: context)
            }
            return SavedTensor(.operand, elements: elements, in: context, alias: context.inputAlias(position))
        }
    }
}

/// A learned tensor that is an activation of the graph (a ViT's class token or position embedding): no inputs,
/// every element trainable, its output the parameter itself (model memory, never an activation).
struct LearnedTensor: OperatorDefinition {
    /// Its shape.
    var shape: [Int]

    var arity: InputArity { .none }
    var role: ParameterRole { .learnedTensor }
    var computesInPlace: Bool { true }
    var producesActivation: Bool { false }

    func outputShape(for inputs: [TensorShape]) throws -> TensorShape { try TensorShape(shape) }

    func counts(inputs: [TensorShape], output: TensorShape) throws -> OperatorCounts {
        var counts = OperatorCounts()
        counts.weightElements = output.elementCount
        return counts
    }

    func savedTensors(_ context: BackwardContext) -> [SavedTensor] { [] }

    var jsonAttributes: [(key: String, value: JSONValue)] { [(key: "shape", value: .array(shape.map(JSONValue.integer)))] }
}
