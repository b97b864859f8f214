extension Operation {
    /// The largest rank a tensor may have: `[heads, N, d]` and one more axis for a reshape on the way.
    static let maximumRank = 4

    /// The shape of the output for inputs of `inputShapes`, as the operation's definition infers it.
    /// - Throws: `ShapeMismatch` with what was expected, or `ArithmeticOverflow`.
    func outputShape(for inputShapes: [TensorShape]) throws -> TensorShape {
        let definition = self.definition
        try definition.arity.check(inputShapes.count)
        let output = try definition.outputShape(for: inputShapes)
        guard output.dimensions.count <= Self.maximumRank else {
            throw ShapeMismatch(message: "the output \(output) has rank \(output.dimensions.count); tensors have at most \(Self.maximumRank) axes")
        }
        return output
    }
}
