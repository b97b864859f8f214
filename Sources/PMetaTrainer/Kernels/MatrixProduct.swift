/// The product of two activations over equal leading (batch, head) axes, `[..., N, K] x [..., K, M] -> [..., N, M]`:
/// attention's Q Kᵀ and A V. Its backward pass needs both operands: g(A) = g(C) Bᵀ, g(B) = Aᵀ g(C).
public enum MatrixProduct {
    /// The leading-axis count and the matrix sizes of a product, checked.
    static func sizes(_ left: [Int], _ right: [Int]) -> (batch: Int, rows: Int, inner: Int, columns: Int) {
        precondition(left.count >= 3 && left.count == right.count && left.dropLast(2) == right.dropLast(2)
                     && left[left.count - 1] == right[right.count - 2],
                     "MatrixProduct: \(left) and \(right) do not multiply")
        return (Tensor.elementCount(of: Array(left.dropLast(2))), left[left.count - 2], left[left.count - 1], right[right.count - 1])
    }

    /// C = A B, per leading index.
    /// - Complexity: O(batch · N · K · M).
    public static func forward(_ left: Tensor, _ right: Tensor) -> Tensor {
        let (batch, rows, inner, columns) = sizes(left.shape, right.shape)
        var output = [Float](repeating: 0, count: batch * rows * columns)
        left.values.withUnsafeBufferPointer { a in
            right.values.withUnsafeBufferPointer { b in
                output.withUnsafeMutableBufferPointer { c in
                    for matrix in 0..<batch {
                        for row in 0..<rows {
                            let target = c.baseAddress! + (matrix * rows + row) * columns
                            for position in 0..<inner {
                                let scale = a[(matrix * rows + row) * inner + position]
                                if scale == 0 { continue }
                                RowKernels.addScaled(b.baseAddress! + (matrix * inner + position) * columns, scale: scale,
                                                     into: target, count: columns)
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: Array(left.shape.dropLast()) + [columns], values: output)
    }

    /// g(A) = g(C) Bᵀ.
    public static func leftGradient(outputGradient: Tensor, right: Tensor) -> Tensor {
        let (batch, inner, columns) = (Tensor.elementCount(of: Array(right.shape.dropLast(2))), right.shape[right.rank - 2], right.shape[right.rank - 1])
        let rows = outputGradient.shape[outputGradient.rank - 2]
        var result = [Float](repeating: 0, count: batch * rows * inner)
        outputGradient.values.withUnsafeBufferPointer { g in
            right.values.withUnsafeBufferPointer { b in
                for matrix in 0..<batch {
                    for row in 0..<rows {
                        let gradientRow = g.baseAddress! + (matrix * rows + row) * columns
                        for position in 0..<inner {
                            result[(matrix * rows + row) * inner + position] =
                                RowKernels.dot(gradientRow, b.baseAddress! + (matrix * inner + position) * columns, count: columns)
                        }
                    }
                }
            }
        }
        return Tensor(shape: Array(outputGradient.shape.dropLast()) + [inner], values: result)
    }

    /// g(B) = Aᵀ g(C).
    public static func rightGradient(outputGradient: Tensor, left: Tensor) -> Tensor {
        let (batch, rows, inner) = (Tensor.elementCount(of: Array(left.shape.dropLast(2))), left.shape[left.rank - 2], left.shape[left.rank - 1])
        let columns = outputGradient.shape[outputGradient.rank - 1]
        var result = [Float](repeating: 0, count: batch * inner * columns)
        outputGradient.values.withUnsafeBufferPointer { g in
            left.values.withUnsafeBufferPointer { a in
                result.withUnsafeMutableBufferPointer { target in
                    for matrix in 0..<batch {
                        for row in 0..<rows {
                            let gradientRow = g.baseAddress! + (matrix * rows + row) * columns
                            for position in 0..<inner {
                                let scale = a[(matrix * rows + row) * inner + position]
                                if scale == 0 { continue }
                                RowKernels.addScaled(gradientRow, scale: scale, into: target.baseAddress! + (matrix * inner + position) * columns,
                                                     count: columns)
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: Array(left.shape.dropLast()).dropLast() + [inner, columns], values: result)
    }
}
