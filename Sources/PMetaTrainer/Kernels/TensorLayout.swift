/// Layout operations on batched tensors (the batch is axis 0 and never moves): permuting axes, slicing one
/// axis, concatenating along one, and the mean over axes. Reshapes are views (`Tensor.reshaped(to:)`) and
/// need no kernel.
public enum TensorLayout {
    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var result = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) { result[axis] = result[axis + 1] * shape[axis + 1] }
        return result
    }

    /// The tensor with its axes permuted: axis i of the result is axis `permutation[i]` of `input`.
    /// - Complexity: O(element count).
    public static func permuted(_ input: Tensor, by permutation: [Int]) -> Tensor {
        precondition(permutation.sorted() == Array(0..<input.rank), "TensorLayout: \(permutation) is not a permutation of \(input.rank) axes")
        let shape = permutation.map { input.shape[$0] }
        let sourceStrides = strides(input.shape)
        let steps = permutation.map { sourceStrides[$0] }
        var result = [Float](repeating: 0, count: input.count)
        var index = [Int](repeating: 0, count: shape.count)
        var offset = 0
        input.values.withUnsafeBufferPointer { source in
            for position in result.indices {
                result[position] = source[offset]
                var axis = shape.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    offset += steps[axis]
                    if index[axis] < shape[axis] { break }
                    offset -= steps[axis] * index[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return Tensor(shape: shape, values: result)
    }

    /// The inverse of `permutation`.
    public static func inverse(_ permutation: [Int]) -> [Int] {
        var result = [Int](repeating: 0, count: permutation.count)
        for (position, axis) in permutation.enumerated() { result[axis] = position }
        return result
    }

    /// Elements `start, start + step, ...` (`count` of them) along `axis`, a copy.
    public static func slice(_ input: Tensor, axis: Int, start: Int, step: Int, count: Int) -> Tensor {
        let outer = Tensor.elementCount(of: Array(input.shape[..<axis]))
        let inner = Tensor.elementCount(of: Array(input.shape[(axis + 1)...]))
        let extent = input.shape[axis]
        var shape = input.shape
        shape[axis] = count
        var result = [Float]()
        result.reserveCapacity(outer * count * inner)
        for block in 0..<outer {
            for element in 0..<count {
                let from = (block * extent + start + element * step) * inner
                result.append(contentsOf: input.values[from..<(from + inner)])
            }
        }
        return Tensor(shape: shape, values: result)
    }

    /// The gradient of a slice: zeros of `inputShape` with `gradient` at the sliced positions.
    public static func unslice(_ gradient: Tensor, inputShape: [Int], axis: Int, start: Int, step: Int) -> Tensor {
        let outer = Tensor.elementCount(of: Array(inputShape[..<axis]))
        let inner = Tensor.elementCount(of: Array(inputShape[(axis + 1)...]))
        let extent = inputShape[axis]
        let count = gradient.shape[axis]
        var result = [Float](repeating: 0, count: Tensor.elementCount(of: inputShape))
        for block in 0..<outer {
            for element in 0..<count {
                let to = (block * extent + start + element * step) * inner
                let from = (block * count + element) * inner
                for offset in 0..<inner { result[to + offset] = gradient.values[from + offset] }
            }
        }
        return Tensor(shape: inputShape, values: result)
    }

    /// The parts joined along `axis`; a part with batch 1 (a learned tensor) is repeated for every sample.
    public static func concatenated(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(axis >= 1, "TensorLayout: concatenation along the batch axis")
        let batch = parts.map(\.batchSize).max()!
        let inner = Tensor.elementCount(of: Array(parts[0].shape[(axis + 1)...]))
        var shape = parts[0].shape
        shape[0] = batch
        shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        let perSampleOuter = Tensor.elementCount(of: Array(parts[0].shape[1..<axis]))
        var result = [Float]()
        result.reserveCapacity(Tensor.elementCount(of: shape))
        for sample in 0..<batch {
            for block in 0..<perSampleOuter {
                for part in parts {
                    precondition(part.batchSize == batch || part.batchSize == 1, "TensorLayout: batch \(part.batchSize) against \(batch)")
                    let run = part.shape[axis] * inner
                    let from = ((part.batchSize == 1 ? 0 : sample) * perSampleOuter + block) * run
                    result.append(contentsOf: part.values[from..<(from + run)])
                }
            }
        }
        return Tensor(shape: shape, values: result)
    }

    /// The gradient of a concatenation, one part per input of `shapes` (summed over the batch for a batch-1 part).
    public static func split(_ gradient: Tensor, axis: Int, shapes: [[Int]]) -> [Tensor] {
        var start = 0
        return shapes.map { shape in
            var part = slice(gradient, axis: axis, start: start, step: 1, count: shape[axis])
            start += shape[axis]
            if shape[0] != part.batchSize { part = Broadcast.reduced(part, to: shape) }
            return part
        }
    }

    /// The mean over `axes` (batched axes, never 0), with each reduced axis kept as 1.
    public static func mean(_ input: Tensor, axes: [Int]) -> Tensor {
        var shape = input.shape
        for axis in axes { shape[axis] = 1 }
        let count = Float(axes.reduce(1) { $0 * input.shape[$1] })
        var result = Broadcast.reduced(input, to: shape)
        result.values.withUnsafeMutableBufferPointer { values in
            for index in values.indices { values[index] /= count }
        }
        return result
    }

    /// The gradient of `mean(_:axes:)`: g(y) / count, broadcast back to `inputShape` (added to `existing`, a
    /// gradient from another reader, when given).
    public static func meanGradient(_ gradient: Tensor, inputShape: [Int], axes: [Int], adding existing: Tensor? = nil) -> Tensor {
        let count = Float(axes.reduce(1) { $0 * inputShape[$1] })
        var result = existing ?? Tensor(zeros: inputShape)
        Broadcast.add(gradient.map { $0 / count }, into: &result)
        return result
    }
}
