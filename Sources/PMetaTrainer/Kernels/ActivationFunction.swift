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
    /// relu6(x + 3) / 6: slope 1/6 inside (−3, 3), flat outside, so one bit per element suffices.
    case hardSigmoid

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
                // One loop per function, so the comparison is not re-dispatched per element.
                switch self {
                case .relu: Self.applyReLU(values, keepsMask ? maskBytes : nil)
                case .relu6: Self.apply(values, keepsMask ? maskBytes : nil) { $0 > 0 && $0 < 6 } transform: { $0 > 0 ? 6 : 0 }
                case .leakyReLU(let slope): Self.apply(values, keepsMask ? maskBytes : nil) { $0 > 0 } transform: { slope * $0 }
                case .hardSigmoid:
                    Self.apply(values, keepsMask ? maskBytes : nil, inside: { $0 / 6 + 0.5 }) { $0 > -3 && $0 < 3 } transform: { $0 > 0 ? 1 : 0 }
                }
            }
        }
        return keepsMask ? PackedIntegers(count: count, bitWidth: 1, bytes: bytes) : nil
    }

    /// Shifts that move bit j of a mask byte into the sign bit of lane j.
    private static let maskShifts = SIMD8<Int32>(31, 30, 29, 28, 27, 26, 25, 24)

    /// ReLU eight lanes at a time: the same values and mask bits as `apply` with `passes: { $0 > 0 }` (a NaN fails and
    /// becomes 0), each mask byte made from the comparison's lanes.
    private static func applyReLU(_ values: UnsafeMutableBufferPointer<Float>, _ mask: UnsafeMutableBufferPointer<UInt8>?) {
        typealias Vector = SIMD8<Float>
        let count = values.count
        let laneBits = SIMD8<Int32>(1, 2, 4, 8, 16, 32, 64, 128)
        var index = 0
        if let base = values.baseAddress {
            while index + 8 <= count {
                let value = UnsafeRawPointer(base + index).loadUnaligned(as: Vector.self)
                let passed = value .> 0
                UnsafeMutableRawPointer(base + index).storeBytes(of: value.replacing(with: 0, where: .!passed), as: Vector.self)
                if let mask {
                    mask[index >> 3] = UInt8(truncatingIfNeeded: SIMD8<Int32>().replacing(with: laneBits, where: passed).wrappedSum())
                }
                index += 8
            }
        }
        if index < count {
            let rest = UnsafeMutableBufferPointer(rebasing: values[index...])
            let restMask = mask.map { UnsafeMutableBufferPointer(rebasing: $0[(index >> 3)...]) }
            apply(rest, restMask) { $0 > 0 } transform: { _ in 0 }
        }
    }

    /// Replaces the values that do not `pass` by `transform(value)` and sets bit i of `mask` where value i passes.
    @inline(__always)
    private static func apply(_ values: UnsafeMutableBufferPointer<Float>, _ mask: UnsafeMutableBufferPointer<UInt8>?,
                              inside: (Float) -> Float = { $0 }, passes: (Float) -> Bool, transform: (Float) -> Float) {
        var index = 0
        let count = values.count
        while index < count {
            let end = min(count, index + 8)
            var byte: UInt8 = 0
            var bit: UInt8 = 1
            while index < end {
                // Branch-free: the signs of activations are as good as random.
                let value = values[index]
                let passed = passes(value)
                byte |= passed ? bit : 0
                values[index] = passed ? inside(value) : transform(value)
                bit <<= 1
                index += 1
            }
            if let mask { mask[(index - 1) >> 3] = byte }
        }
    }

    /// g(y) = σ'(y)·g(z), in place.
    /// - Parameters:
    ///   - gradient: g(z) on entry, g(y) on return.
    ///   - mask: The mask ``forwardInPlace(_:keepsMask:)`` returned.
    /// - Complexity: O(element count).
    public func backwardInPlace(_ gradient: inout Tensor, mask: PackedIntegers) {
        precondition(mask.count == gradient.count && mask.bitWidth == 1, "ActivationFunction: the mask does not match the gradient")
        let unsetFactor: Float
        var setFactor: Float = 1
        switch self {
        case .relu, .relu6: unsetFactor = 0
        case .leakyReLU(let slope): unsetFactor = slope
        case .hardSigmoid:
            setFactor = 1.0 / 6
            unsetFactor = 0
        }
        mask.bytes.withUnsafeBufferPointer { maskBytes in
            gradient.values.withUnsafeMutableBufferPointer { values in
                let count = values.count
                var index = 0
                for byte in maskBytes {
                    if byte == 0xFF && setFactor == 1 { index += 8; continue }
                    if setFactor == 1 && unsetFactor == 0 && index + 8 <= count, let base = values.baseAddress {
                        // ReLU eight lanes at once: bit j of the byte, shifted into lane j's sign and spread by an
                        // arithmetic shift, keeps or clears the lane's bits (0, not 0 · value, as below).
                        let keep = (SIMD8<Int32>(repeating: Int32(byte)) &<< Self.maskShifts) &>> 31
                        let bits = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD8<Int32>.self)
                        UnsafeMutableRawPointer(base + index).storeBytes(of: bits & keep, as: SIMD8<Int32>.self)
                        index += 8
                        continue
                    }
                    let end = min(count, index + 8)
                    var bits = byte
                    while index < end {
                        // Assigning 0 rather than multiplying keeps an infinite gradient from turning into NaN.
                        let value = values[index]
                        values[index] = bits & 1 != 0 ? setFactor * value : (unsetFactor == 0 ? 0 : unsetFactor * value)
                        bits >>= 1
                        index += 1
                    }
                }
            }
        }
    }
}
