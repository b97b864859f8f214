/// The ReLU family as the network runs it: in place on the activation, with a 1-bit mask for the backward pass.
///
/// `ReLU` and `LeakyReLU` return new tensors and a 64-bit-word ``BitMask``; an adaptation step instead
/// overwrites y_l with z_l = σ(y_l) (the input is dead once its only consumer ran) and keeps σ'(y_l) as
/// ``PackedIntegers`` of one bit, ⌈m(y)/8⌉ bytes: m(y)/T words with T = 32 (Appendix A.1).
public enum ActivationFunction: Sendable, Hashable {
    /// max(y, 0).
    case relu
    /// min(max(y, 0), 6), as in MobileNetV2.
    case relu6
    /// y for y > 0, `negativeSlope`·y otherwise.
    case leakyReLU(negativeSlope: Float)

    /// Applies the function in place.
    /// - Parameters:
    ///   - tensor: y on entry, z = σ(y) on return.
    ///   - keepsMask: Whether to record σ'(y) for a backward pass.
    /// - Returns: The mask (bit set where the derivative is 1), or `nil` when not kept.
    /// - Complexity: O(element count).
    public func forwardInPlace(_ tensor: inout Tensor, keepsMask: Bool) -> PackedIntegers? {
        let count = tensor.count
        var bytes = [UInt8](repeating: 0, count: keepsMask ? PackedIntegers.byteCount(count: count, bitWidth: 1) : 0)
        tensor.values.withUnsafeMutableBufferPointer { values in
            bytes.withUnsafeMutableBufferPointer { maskBytes in
                for index in 0..<count {
                    let value = values[index]
                    let passes: Bool
                    switch self {
                    case .relu:
                        passes = value > 0
                        if !passes { values[index] = 0 }
                    case .relu6:
                        passes = value > 0 && value < 6
                        if !passes { values[index] = value > 0 ? 6 : 0 }
                    case .leakyReLU(let slope):
                        passes = value > 0
                        if !passes { values[index] = slope * value }
                    }
                    if keepsMask && passes { maskBytes[index >> 3] |= 1 << UInt8(index & 7) }
                }
            }
        }
        return keepsMask ? PackedIntegers(count: count, bitWidth: 1, bytes: bytes) : nil
    }

    /// g(y) = σ'(y)·g(z), in place.
    /// - Parameters:
    ///   - gradient: g(z) on entry, g(y) on return.
    ///   - mask: The mask ``forwardInPlace(_:keepsMask:)`` returned.
    /// - Complexity: O(element count).
    public func backwardInPlace(_ gradient: inout Tensor, mask: PackedIntegers) {
        precondition(mask.count == gradient.count && mask.bitWidth == 1, "ActivationFunction: the mask does not match the gradient")
        let unsetFactor: Float
        switch self {
        case .relu, .relu6: unsetFactor = 0
        case .leakyReLU(let slope): unsetFactor = slope
        }
        mask.bytes.withUnsafeBufferPointer { maskBytes in
            gradient.values.withUnsafeMutableBufferPointer { values in
                for index in values.indices where maskBytes[index >> 3] & (1 << UInt8(index & 7)) == 0 {
                    values[index] = unsetFactor == 0 ? 0 : unsetFactor * values[index]
                }
            }
        }
    }
}
