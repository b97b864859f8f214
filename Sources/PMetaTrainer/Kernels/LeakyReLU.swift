/// The leaky rectified linear unit, z = y for y > 0 and `negativeSlope`·y otherwise.
public struct LeakyReLU: Sendable, Hashable {
    /// The slope for non-positive inputs.
    public let negativeSlope: Float

    /// Creates a leaky ReLU.
    /// - Parameter negativeSlope: The slope for non-positive inputs, such as 0.01.
    public init(negativeSlope: Float = 0.01) {
        self.negativeSlope = negativeSlope
    }

    /// Applies the leaky ReLU and records the sign of each input.
    /// - Parameter input: y, any shape.
    /// - Returns: z, shaped like the input, and a ``BitMask`` with bit i set when y_i > 0.
    /// - Complexity: O(element count).
    public func forward(_ input: Tensor) -> (output: Tensor, mask: BitMask) {
        let slope = negativeSlope
        return (input.map { $0 > 0 ? $0 : slope * $0 }, BitMask(input.values, where: { $0 > 0 }))
    }

    /// g(y_i) = g(z_i) where the mask is set, `negativeSlope`·g(z_i) elsewhere.
    /// - Parameters:
    ///   - outputGradient: g(z).
    ///   - mask: The mask ``forward(_:)`` returned.
    /// - Returns: g(y), shaped like `outputGradient`.
    /// - Complexity: O(element count).
    public func backward(outputGradient: Tensor, mask: BitMask) -> Tensor {
        mask.select(outputGradient, whereUnset: negativeSlope)
    }
}
