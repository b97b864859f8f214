/// Concatenation along the channel dimension, as in DenseNet-style blocks.
public enum ChannelConcat {
    /// Joins the inputs along dimension 1.
    /// - Parameter inputs: Tensors equal in shape except dimension 1.
    /// - Returns: `[N, ΣC_i, ...]`.
    /// - Complexity: O(total element count).
    public static func forward(_ inputs: [Tensor]) -> Tensor {
        Tensor.concatenatingChannels(inputs)
    }

    /// Splits the gradient back into one gradient per input.
    /// - Parameters:
    ///   - outputGradient: The gradient of the concatenation.
    ///   - channelCounts: The channel count of each forward input, in order.
    /// - Returns: One gradient per input.
    /// - Complexity: O(element count).
    public static func backward(outputGradient: Tensor, channelCounts: [Int]) -> [Tensor] {
        outputGradient.splittingChannels(channelCounts)
    }
}
