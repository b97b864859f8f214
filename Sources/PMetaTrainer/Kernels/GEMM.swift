/// Single-precision general matrix multiply, `C = alpha * op(A) * op(B) + beta * C`, on row-major storage.
///
/// Every trainer kernel that multiplies matrices (conv2d through im2col, linear, their weight and input
/// gradients) goes through this one function, so its tests cover them all.
///
/// The loops follow the usual three-level blocking: a `kc x nc` block of `op(B)` is packed once and reused
/// for every row block of `op(A)`; a `mc x kc` block of `op(A)` is packed into panels of
/// ``GEMMBlocking/microRows`` rows that stay in L2; the micro-kernel keeps a
/// ``GEMMBlocking/microRows`` x ``GEMMBlocking/microColumns`` tile of `C` in SIMD registers while it streams
/// one packed panel of each operand. Packing is also where the transposes are absorbed, so all four
/// transpose combinations run the same micro-kernel.
///
/// - Parameters:
///   - transposeA: Whether `op(A) = Aᵀ`; then `a` holds a `k x m` matrix.
///   - transposeB: Whether `op(B) = Bᵀ`; then `b` holds an `n x k` matrix.
///   - m: Rows of `op(A)` and of `C`.
///   - n: Columns of `op(B)` and of `C`.
///   - k: Columns of `op(A)`, rows of `op(B)`.
///   - alpha: The scale of the product.
///   - a: The first operand, row-major with row stride `lda`.
///   - lda: The distance in elements between consecutive rows of `a` as stored.
///   - b: The second operand, row-major with row stride `ldb`.
///   - ldb: The distance in elements between consecutive rows of `b` as stored.
///   - beta: The scale of the old `C`; when it is 0, `C` is overwritten and never read (NaNs in it vanish).
///   - c: The result, `m x n`, row-major with row stride `ldc`.
///   - ldc: The distance in elements between consecutive rows of `c`.
/// - Complexity: O(m·n·k) time; O(``GEMMBlocking/kc``·(``GEMMBlocking/mc`` + ``GEMMBlocking/nc``)) scratch.
public func gemm(
    transposeA: Bool,
    transposeB: Bool,
    m: Int,
    n: Int,
    k: Int,
    alpha: Float = 1,
    a: UnsafePointer<Float>,
    lda: Int,
    b: UnsafePointer<Float>,
    ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>,
    ldc: Int
) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size m=\(m) n=\(n) k=\(k)")
    precondition(lda >= max(1, transposeA ? m : k), "gemm: lda=\(lda) is shorter than a row of A")
    precondition(ldb >= max(1, transposeB ? k : n), "gemm: ldb=\(ldb) is shorter than a row of B")
    precondition(ldc >= max(1, n), "gemm: ldc=\(ldc) is shorter than a row of C")
    if m == 0 || n == 0 { return }
    if k == 0 || alpha == 0 {
        GEMMKernel.scale(c, rows: m, columns: n, ldc: ldc, by: beta)
        return
    }
    GEMMKernel.multiply(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
        a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
}

/// `C = alpha * op(A) * op(B) + beta * C` on whole arrays; a bounds-checked front end of the pointer version.
///
/// - Parameters:
///   - transposeA: Whether `op(A) = Aᵀ`; then `a` holds a `k x m` matrix.
///   - transposeB: Whether `op(B) = Bᵀ`; then `b` holds an `n x k` matrix.
///   - m: Rows of `op(A)` and of `C`.
///   - n: Columns of `op(B)` and of `C`.
///   - k: Columns of `op(A)`, rows of `op(B)`.
///   - alpha: The scale of the product.
///   - a: The first operand, densely packed row-major.
///   - b: The second operand, densely packed row-major.
///   - beta: The scale of the old `C`; 0 overwrites it.
///   - c: The `m x n` result, densely packed row-major.
/// - Complexity: O(m·n·k).
public func gemm(
    transposeA: Bool,
    transposeB: Bool,
    m: Int,
    n: Int,
    k: Int,
    alpha: Float = 1,
    a: [Float],
    b: [Float],
    beta: Float = 0,
    c: inout [Float]
) {
    precondition(a.count == m * k, "gemm: A has \(a.count) elements, expected \(m) x \(k)")
    precondition(b.count == k * n, "gemm: B has \(b.count) elements, expected \(k) x \(n)")
    precondition(c.count == m * n, "gemm: C has \(c.count) elements, expected \(m) x \(n)")
    if m == 0 || n == 0 { return }
    if k == 0 {
        // Empty operands have no base address to hand on; the product is empty, so only beta acts.
        c.withUnsafeMutableBufferPointer { GEMMKernel.scale($0.baseAddress!, rows: m, columns: n, ldc: n, by: beta) }
        return
    }
    a.withUnsafeBufferPointer { aBuffer in
        b.withUnsafeBufferPointer { bBuffer in
            c.withUnsafeMutableBufferPointer { cBuffer in
                gemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                    a: aBuffer.baseAddress!, lda: transposeA ? m : k,
                    b: bBuffer.baseAddress!, ldb: transposeB ? k : n,
                    beta: beta, c: cBuffer.baseAddress!, ldc: n)
            }
        }
    }
}
