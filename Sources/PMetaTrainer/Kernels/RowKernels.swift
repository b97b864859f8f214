/// The row operations the scratch-free kernels are built from: `y += a·x`, `Σ x·y` and `Σ x`.
///
/// Both work on contiguous runs of floats, eight at a time in a `SIMD8<Float>` (a multiply and an add,
/// not a fused multiply-add, which the baseline x86-64 target would turn into library calls).
enum RowKernels {
    typealias Vector = SIMD8<Float>

    /// `target[j] += scale * source[j]` for `j` in `0..<count`.
    @inline(__always)
    static func addScaled(
        _ source: UnsafePointer<Float>, scale: Float, into target: UnsafeMutablePointer<Float>, count: Int
    ) {
        let factor = Vector(repeating: scale)
        var index = 0
        while index + 8 <= count {
            let sourceLine = UnsafeRawPointer(source + index).loadUnaligned(as: Vector.self)
            let targetLine = UnsafeRawPointer(target + index).loadUnaligned(as: Vector.self)
            UnsafeMutableRawPointer(target + index).storeBytes(of: targetLine + sourceLine * factor, as: Vector.self)
            index += 8
        }
        while index < count {
            target[index] += scale * source[index]
            index += 1
        }
    }

    /// `Σ_j left[j] * right[j]` for `j` in `0..<count`, accumulated in eight Float lanes.
    @inline(__always)
    static func dot(_ left: UnsafePointer<Float>, _ right: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = Vector()
        var index = 0
        while index + 8 <= count {
            let leftLine = UnsafeRawPointer(left + index).loadUnaligned(as: Vector.self)
            let rightLine = UnsafeRawPointer(right + index).loadUnaligned(as: Vector.self)
            lanes += leftLine * rightLine
            index += 8
        }
        var total = lanes.sum()
        while index < count {
            total += left[index] * right[index]
            index += 1
        }
        return total
    }

    /// `Σ_j values[j]` for `j` in `0..<count`, accumulated in eight Float lanes.
    @inline(__always)
    static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = Vector()
        var index = 0
        while index + 8 <= count {
            lanes += UnsafeRawPointer(values + index).loadUnaligned(as: Vector.self)
            index += 8
        }
        var total = lanes.sum()
        while index < count {
            total += values[index]
            index += 1
        }
        return total
    }

    /// `Σ_j left[j] * right[j * stride]`, the strided form of ``dot(_:_:count:)``.
    @inline(__always)
    static func dot(_ left: UnsafePointer<Float>, _ right: UnsafePointer<Float>, rightStride: Int, count: Int) -> Float {
        if rightStride == 1 { return dot(left, right, count: count) }
        var total: Float = 0
        for index in 0..<count { total += left[index] * right[index * rightStride] }
        return total
    }
}
