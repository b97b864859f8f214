/// Elementwise arithmetic and reductions on tensors of equal shape.
extension Tensor {
    /// The elementwise sum.
    /// - Complexity: O(element count).
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        lhs.combined(with: rhs, +)
    }

    /// The elementwise difference.
    /// - Complexity: O(element count).
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        lhs.combined(with: rhs, -)
    }

    /// The elementwise (Hadamard) product.
    /// - Complexity: O(element count).
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        lhs.combined(with: rhs, *)
    }

    /// Every element multiplied by a scalar.
    /// - Complexity: O(element count).
    public static func * (scalar: Float, tensor: Tensor) -> Tensor {
        tensor.map { scalar * $0 }
    }

    /// Adds `rhs` elementwise.
    /// - Complexity: O(element count).
    public static func += (lhs: inout Tensor, rhs: Tensor) {
        lhs.add(rhs, scaledBy: 1)
    }

    /// Subtracts `rhs` elementwise.
    /// - Complexity: O(element count).
    public static func -= (lhs: inout Tensor, rhs: Tensor) {
        lhs.add(rhs, scaledBy: -1)
    }

    /// `self += scale * other`, the update of SGD (`scale` = minus the learning rate).
    /// - Parameters:
    ///   - other: A tensor of the same shape.
    ///   - scale: The factor applied to `other`.
    /// - Complexity: O(element count).
    public mutating func add(_ other: Tensor, scaledBy scale: Float) {
        precondition(shape == other.shape, "Tensor: shapes \(shape) and \(other.shape) differ")
        other.values.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { target in
                for index in target.indices { target[index] += scale * source[index] }
            }
        }
    }

    /// The tensor with `transform` applied to every element.
    /// - Parameter transform: The function applied elementwise.
    /// - Returns: A tensor of the same shape.
    /// - Complexity: O(element count).
    public func map(_ transform: (Float) -> Float) -> Tensor {
        Tensor(shape: shape, values: values.map(transform))
    }

    /// The elementwise combination of two tensors of the same shape.
    /// - Parameters:
    ///   - other: A tensor of the same shape.
    ///   - combine: The function applied to each pair of elements.
    /// - Returns: A tensor of the same shape.
    /// - Complexity: O(element count).
    public func combined(with other: Tensor, _ combine: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "Tensor: shapes \(shape) and \(other.shape) differ")
        var result = [Float](repeating: 0, count: count)
        values.withUnsafeBufferPointer { left in
            other.values.withUnsafeBufferPointer { right in
                for index in left.indices { result[index] = combine(left[index], right[index]) }
            }
        }
        return Tensor(shape: shape, values: result)
    }

    /// The sum of all elements, accumulated in Double.
    /// - Complexity: O(element count).
    public func sum() -> Double {
        values.reduce(0) { $0 + Double($1) }
    }

    /// The inner product with a tensor of the same shape, accumulated in Double.
    /// - Complexity: O(element count).
    public func dot(_ other: Tensor) -> Double {
        precondition(shape == other.shape, "Tensor: shapes \(shape) and \(other.shape) differ")
        var total = 0.0
        for (left, right) in zip(values, other.values) { total += Double(left) * Double(right) }
        return total
    }

    /// The largest absolute elementwise difference from a tensor of the same shape.
    /// - Complexity: O(element count).
    public func maximumAbsoluteDifference(from other: Tensor) -> Float {
        precondition(shape == other.shape, "Tensor: shapes \(shape) and \(other.shape) differ")
        var largest: Float = 0
        for (left, right) in zip(values, other.values) { largest = max(largest, abs(left - right)) }
        return largest
    }

    /// The largest absolute element, the max norm.
    /// - Complexity: O(element count).
    public func maximumAbsoluteValue() -> Float {
        values.reduce(0) { max($0, abs($1)) }
    }
}
