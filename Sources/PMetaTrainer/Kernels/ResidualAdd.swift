/// The residual connection of a ResNet block: the elementwise sum of two equally shaped tensors.
public enum ResidualAdd {
    /// Adds the shortcut to the residual branch.
    /// - Parameters:
    ///   - residual: The output of the block's layers.
    ///   - shortcut: The identity (or projected) input, same shape.
    /// - Returns: Their sum.
    /// - Complexity: O(element count).
    public static func forward(_ residual: Tensor, _ shortcut: Tensor) -> Tensor {
        residual + shortcut
    }

    /// Passes the gradient unchanged to both branches.
    /// - Parameter outputGradient: The gradient of the sum.
    /// - Returns: The gradient of each operand; both share `outputGradient`'s storage.
    public static func backward(outputGradient: Tensor) -> (residual: Tensor, shortcut: Tensor) {
        (outputGradient, outputGradient)
    }
}
