/// Element-wise sums and products with numpy broadcasting, over batched tensors of one rank: each axis of an
/// operand equals the output's or is 1 (a squeeze-excite gate `[N, C, 1, 1]`, a learned tensor `[1, T, D]`
/// shared by the batch).
public enum Broadcast {
    /// The output shape of operands of one rank, or `nil` when an axis is neither equal nor 1.
    public static func shape(_ shapes: [[Int]]) -> [Int]? {
        guard let rank = shapes.first?.count, shapes.allSatisfy({ $0.count == rank }) else { return nil }
        var result = [Int](repeating: 1, count: rank)
        for shape in shapes {
            for axis in 0..<rank where shape[axis] != 1 {
                guard result[axis] == 1 || result[axis] == shape[axis] else { return nil }
                result[axis] = shape[axis]
            }
        }
        return result
    }

    /// `shape` with 1s inserted after the batch axis up to `rank` (numpy aligns per-sample shapes on the right).
    public static func aligned(_ shape: [Int], rank: Int) -> [Int] {
        guard shape.count < rank else { return shape }
        return [shape[0]] + Array(repeating: 1, count: rank - shape.count) + shape.dropFirst()
    }

    /// The offset in an operand of `shape` of each element of `output`, in order.
    static func offsets(of shape: [Int], in output: [Int]) -> [Int] {
        precondition(shape.count == output.count, "Broadcast: rank \(shape.count) against \(output.count)")
        var strides = [Int](repeating: 0, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            precondition(shape[axis] == output[axis] || shape[axis] == 1, "Broadcast: \(shape) does not broadcast to \(output)")
            strides[axis] = shape[axis] == 1 ? 0 : step
            step *= shape[axis]
        }
        let count = Tensor.elementCount(of: output)
        var result = [Int](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: output.count)
        var offset = 0
        for position in 0..<count {
            result[position] = offset
            var axis = output.count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < output[axis] { break }
                offset -= strides[axis] * index[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// `target += source`, `source` broadcast to `target`'s shape (written in place).
    public static func add(_ source: Tensor, into target: inout Tensor) {
        if source.shape == target.shape { return target += source }
        let map = offsets(of: source.shape, in: target.shape)
        source.values.withUnsafeBufferPointer { values in
            target.values.withUnsafeMutableBufferPointer { result in
                for position in result.indices { result[position] += values[map[position]] }
            }
        }
    }

    /// `target *= source`, `source` broadcast to `target`'s shape (written in place).
    public static func multiply(_ source: Tensor, into target: inout Tensor) {
        let map = source.shape == target.shape ? nil : offsets(of: source.shape, in: target.shape)
        source.values.withUnsafeBufferPointer { values in
            target.values.withUnsafeMutableBufferPointer { result in
                for position in result.indices { result[position] *= values[map?[position] ?? position] }
            }
        }
    }

    /// The product of two operands broadcast to `shape`.
    public static func product(_ left: Tensor, _ right: Tensor, shape: [Int]) -> Tensor {
        if left.shape == shape {
            var result = left
            multiply(right, into: &result)
            return result
        }
        var result = Tensor(zeros: shape)
        add(left, into: &result)
        multiply(right, into: &result)
        return result
    }

    /// Σ of `gradient` over the axes `shape` broadcasts: the gradient of an operand of `shape`.
    public static func reduced(_ gradient: Tensor, to shape: [Int]) -> Tensor {
        if gradient.shape == shape { return gradient }
        let map = offsets(of: shape, in: gradient.shape)
        var result = [Double](repeating: 0, count: Tensor.elementCount(of: shape))
        gradient.values.withUnsafeBufferPointer { values in
            for position in values.indices { result[map[position]] += Double(values[position]) }
        }
        return Tensor(shape: shape, values: result.map { Float($0) })
    }

    /// Σ of `gradient ⊙ other` (broadcast) over the axes `shape` broadcasts: the gradient of one operand of a
    /// product whose other operand is `other`, without a gradient-sized temporary.
    public static func reducedProduct(_ gradient: Tensor, _ other: Tensor, to shape: [Int]) -> Tensor {
        let gradientMap = offsets(of: shape, in: gradient.shape)
        let otherMap = other.shape == gradient.shape ? nil : offsets(of: other.shape, in: gradient.shape)
        var result = [Double](repeating: 0, count: Tensor.elementCount(of: shape))
        gradient.values.withUnsafeBufferPointer { values in
            other.values.withUnsafeBufferPointer { factors in
                for position in values.indices {
                    result[gradientMap[position]] += Double(values[position] * factors[otherMap?[position] ?? position])
                }
            }
        }
        return Tensor(shape: shape, values: result.map { Float($0) })
    }
}
