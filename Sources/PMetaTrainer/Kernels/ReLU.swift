/// The rectified linear unit, z = max(y, 0), whose backward pass needs only one bit per element.
public enum ReLU {
    /// Applies ReLU and records where it passed the input through.
    /// - Parameter input: y, any shape.
    /// - Returns: z, shaped like the input, and σ'(y) as a ``BitMask``: bit i is set when y_i > 0
    ///   (m(y)/T words for T-bit words, Appendix A.1).
    /// - Complexity: O(element count).
    public static func forward(_ input: Tensor) -> (output: Tensor, mask: BitMask) {
        (input.map { $0 > 0 ? $0 : 0 }, BitMask(input.values, where: { $0 > 0 }))
    }

    /// Passes the gradient through where the mask is set: g(y_i) = σ'(y_i)·g(z_i).
    /// - Parameters:
    ///   - outputGradient: g(z).
    ///   - mask: The mask ``forward(_:)`` returned.
    /// - Returns: g(y), shaped like `outputGradient`.
    /// - Complexity: O(element count).
    public static func backward(outputGradient: Tensor, mask: BitMask) -> Tensor {
        mask.select(outputGradient, whereUnset: 0)
    }
}
