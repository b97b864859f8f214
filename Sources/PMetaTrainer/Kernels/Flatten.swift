/// Flattening every dimension after the batch: `[N, C, H, W]` to `[N, C·H·W]`; no data moves.
public enum Flatten {
    /// Reshapes to `[N, everything else]`.
    /// - Parameter input: A tensor of rank at least 1.
    /// - Returns: `[N, count / N]`, sharing storage with `input`.
    public static func forward(_ input: Tensor) -> Tensor {
        input.reshaped(to: [input.batchSize, Tensor.elementCount(of: Array(input.shape.dropFirst()))])
    }

    /// Reshapes the gradient back to the input shape.
    /// - Parameters:
    ///   - outputGradient: `[N, F]`.
    ///   - inputShape: The shape of the forward input.
    /// - Returns: The input gradient, sharing storage with `outputGradient`.
    public static func backward(outputGradient: Tensor, inputShape: [Int]) -> Tensor {
        outputGradient.reshaped(to: inputShape)
    }
}
