import Foundation

/// Softmax over one axis of a tensor: its backward pass needs only its output, g(x) = y ⊙ (g − Σ g ⊙ y).
public struct Softmax: Sendable, Hashable {
    /// The axis of the batched tensor (the batch is axis 0).
    public let axis: Int

    /// Creates the kernel for `axis` of the batched tensor.
    public init(axis: Int) {
        precondition(axis >= 1, "Softmax: axis \(axis) of a batched tensor must be 1 or more")
        self.axis = axis
    }

    /// Calls `body(start, stride)` for every line along the axis.
    private func forEachLine(shape: [Int], _ body: (Int, Int, Int) -> Void) {
        let extent = shape[axis]
        let inner = Tensor.elementCount(of: Array(shape[(axis + 1)...]))
        let outer = Tensor.elementCount(of: Array(shape[..<axis]))
        for outerIndex in 0..<outer {
            for innerIndex in 0..<inner { body(outerIndex * extent * inner + innerIndex, inner, extent) }
        }
    }

    /// y = softmax(x) over the axis, written over `tensor` (max-shifted, so large inputs do not overflow).
    /// - Complexity: O(element count).
    public func forwardInPlace(_ tensor: inout Tensor) {
        let shape = tensor.shape
        tensor.values.withUnsafeMutableBufferPointer { values in
            forEachLine(shape: shape) { start, stride, extent in
                var largest = -Float.infinity
                for step in 0..<extent { largest = max(largest, values[start + step * stride]) }
                var total: Float = 0
                for step in 0..<extent {
                    let value = Foundation.exp(values[start + step * stride] - largest)
                    values[start + step * stride] = value
                    total += value
                }
                for step in 0..<extent { values[start + step * stride] /= total }
            }
        }
    }

    /// g(x) = y ⊙ (g(y) − Σ g(y) ⊙ y), written over g(y).
    /// - Parameters:
    ///   - gradient: g(y) on entry, g(x) on return.
    ///   - output: y, kept from the forward pass.
    public func backwardInPlace(_ gradient: inout Tensor, output: Tensor) {
        precondition(gradient.shape == output.shape, "Softmax: gradient \(gradient.shape) and output \(output.shape) differ")
        let shape = gradient.shape
        output.values.withUnsafeBufferPointer { y in
            gradient.values.withUnsafeMutableBufferPointer { values in
                forEachLine(shape: shape) { start, stride, extent in
                    var total: Float = 0
                    for step in 0..<extent { total += values[start + step * stride] * y[start + step * stride] }
                    for step in 0..<extent {
                        let position = start + step * stride
                        values[position] = y[position] * (values[position] - total)
                    }
                }
            }
        }
    }
}
