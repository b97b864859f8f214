/// Train-mode dropout: each element is kept with probability 1 − p and scaled by 1 / (1 − p); the backward
/// pass needs only which elements were kept, one bit each.
public struct Dropout: Sendable, Hashable {
    /// p, the drop probability, in [0, 1).
    public let probability: Float

    /// Creates the kernel.
    public init(probability: Float) {
        precondition(probability >= 0 && probability < 1, "Dropout: p must be in [0, 1), got \(probability)")
        self.probability = probability
    }

    /// A mask drawn from `generator`: bit i set when element i is kept.
    public func drawMask(count: Int, using generator: inout some RandomNumberGenerator) -> PackedIntegers {
        var bytes = [UInt8](repeating: 0, count: PackedIntegers.byteCount(count: count, bitWidth: 1))
        for index in 0..<count where Float.random(in: 0..<1, using: &generator) >= probability {
            bytes[index >> 3] |= 1 << UInt8(index & 7)
        }
        return PackedIntegers(count: count, bitWidth: 1, bytes: bytes)
    }

    /// y = mask ⊙ x / (1 − p), written over `tensor`.
    public func forwardInPlace(_ tensor: inout Tensor, mask: PackedIntegers) {
        applyInPlace(&tensor, mask: mask)
    }

    /// g(x) = mask ⊙ g(y) / (1 − p), written over g(y).
    public func backwardInPlace(_ gradient: inout Tensor, mask: PackedIntegers) {
        applyInPlace(&gradient, mask: mask)
    }

    private func applyInPlace(_ tensor: inout Tensor, mask: PackedIntegers) {
        precondition(mask.count == tensor.count && mask.bitWidth == 1, "Dropout: the mask does not match the tensor")
        let scale = 1 / (1 - probability)
        mask.bytes.withUnsafeBufferPointer { bytes in
            tensor.values.withUnsafeMutableBufferPointer { values in
                for index in values.indices {
                    values[index] = bytes[index >> 3] & (1 << UInt8(index & 7)) != 0 ? scale * values[index] : 0
                }
            }
        }
    }
}
