/// Applying a saved activation mask to a gradient.
extension BitMask {
    /// Each element of `gradient` where the bit is set, and `unsetFactor` times it where it is not.
    /// - Parameters:
    ///   - gradient: A tensor with one element per bit.
    ///   - unsetFactor: The derivative where the bit is unset: 0 for ReLU, the slope for leaky ReLU.
    /// - Returns: A tensor shaped like `gradient`.
    /// - Complexity: O(count).
    func select(_ gradient: Tensor, whereUnset unsetFactor: Float) -> Tensor {
        precondition(gradient.count == count, "BitMask: \(count) bits for a gradient of \(gradient.count) elements")
        var result = gradient.values
        result.withUnsafeMutableBufferPointer { target in
            words.withUnsafeBufferPointer { bits in
                for index in target.indices where bits[index >> 6] & (1 << UInt64(index & 63)) == 0 {
                    // Assigning 0 rather than multiplying keeps an infinite gradient from turning into NaN.
                    target[index] = unsetFactor == 0 ? 0 : unsetFactor * target[index]
                }
            }
        }
        return Tensor(shape: gradient.shape, values: result)
    }
}
