/// The tile and block sizes of ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
///
/// The micro-tile is 6 x 8 floats: six `SIMD8<Float>` accumulators, which on the baseline x86-64 target
/// (SSE, 16 vector registers) take 12 registers and leave room for one row of `B` and the broadcast
/// element of `A`. On an AVX or NEON build the same code maps onto wider registers without change.
public enum GEMMBlocking {
    /// Rows of the register tile of `C` (the height of a packed panel of `op(A)`).
    public static let microRows = 6

    /// Columns of the register tile of `C` (the width of a packed panel of `op(B)`): one `SIMD8<Float>`.
    public static let microColumns = 8

    /// Depth of a packed block: a `kc x microColumns` panel of `op(B)` (8 KiB) stays in L1.
    public static let kc = 256

    /// Rows of a packed block of `op(A)`: `mc x kc` floats (96 KiB) stay in L2.
    public static let mc = 96

    /// Columns of a packed block of `op(B)`: `kc x nc` floats (4 MiB) are reused from the outer cache.
    public static let nc = 4096
}
