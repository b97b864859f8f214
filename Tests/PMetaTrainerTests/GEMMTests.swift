import PMetaTrainer
import Testing

/// `gemm` against a naive triple loop in Double, on odd sizes that leave partial micro-tiles and blocks.
@Suite struct GEMMTests {
    struct Size: CustomTestStringConvertible, Sendable {
        let m: Int
        let n: Int
        let k: Int
        var testDescription: String { "\(m)x\(n)x\(k)" }
    }

    /// 1x1x1; a single partial tile; sizes straddling the 6 x 8 tile; more rows than one 96-row block and
    /// more depth than one 256-deep block, so block edges and the beta of later depth blocks are exercised.
    static let sizes = [
        Size(m: 1, n: 1, k: 1), Size(m: 7, n: 13, k: 5), Size(m: 65, n: 33, k: 17),
        Size(m: 6, n: 8, k: 3), Size(m: 101, n: 9, k: 300),
    ]

    static let transposes = [(false, false), (false, true), (true, false), (true, true)].map {
        Transpose(a: $0.0, b: $0.1)
    }

    struct Transpose: CustomTestStringConvertible, Sendable {
        let a: Bool
        let b: Bool
        var testDescription: String { "\(a ? "T" : "N")\(b ? "T" : "N")" }
    }

    /// C = alpha · op(A) · op(B) + beta · C computed with three loops in Double.
    static func naive(
        _ transpose: Transpose, _ size: Size, alpha: Double, a: [Float], b: [Float], beta: Double, c: [Float]
    ) -> [Double] {
        var result = [Double](repeating: 0, count: size.m * size.n)
        for row in 0..<size.m {
            for column in 0..<size.n {
                var total = 0.0
                for step in 0..<size.k {
                    let left = transpose.a ? a[step * size.m + row] : a[row * size.k + step]
                    let right = transpose.b ? b[column * size.k + step] : b[step * size.n + column]
                    total += Double(left) * Double(right)
                }
                result[row * size.n + column] = alpha * total + beta * Double(c[row * size.n + column])
            }
        }
        return result
    }

    @Test(arguments: sizes, transposes)
    func productMatchesNaiveTripleLoop(size: Size, transpose: Transpose) {
        var generator = SplitMix64(seed: UInt64(size.m * 10_007 + size.n * 101 + size.k))
        let a = Tensor(randomUniform: [size.m * size.k], using: &generator).values
        let b = Tensor(randomUniform: [size.k * size.n], using: &generator).values
        let start = Tensor(randomUniform: [size.m * size.n], using: &generator).values
        for (alpha, beta) in [(Float(1), Float(0)), (1, 1), (-0.5, 2)] {
            var c = start
            gemm(
                transposeA: transpose.a, transposeB: transpose.b, m: size.m, n: size.n, k: size.k,
                alpha: alpha, a: a, b: b, beta: beta, c: &c)
            let expected = GEMMTests.naive(
                transpose, size, alpha: Double(alpha), a: a, b: b, beta: Double(beta), c: start)
            #expect(GradientCheck.relativeError(c, expected) < 1e-5, "alpha \(alpha) beta \(beta)")
        }
    }

    @Test func zeroBetaOverwritesNaNInTheResult() {
        let a: [Float] = [1, 2, 3, 4]  // 2 x 2
        let b: [Float] = [5, 6, 7, 8]  // 2 x 2
        var c = [Float](repeating: .nan, count: 4)
        gemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 2, a: a, b: b, c: &c)
        // Hand count: [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50].
        #expect(c == [19, 22, 43, 50])
    }

    @Test func zeroDepthScalesTheResultByBeta() {
        var c: [Float] = [1, 2, 3]
        gemm(transposeA: false, transposeB: false, m: 1, n: 3, k: 0, a: [], b: [], beta: 2, c: &c)
        #expect(c == [2, 4, 6])
    }

    @Test func leadingDimensionsSelectSubmatrices() {
        // A is the left 2 x 3 block of a 2 x 5 buffer, B the top 3 x 2 block of a 3 x 4 buffer,
        // C the middle of a 2 x 4 buffer whose other entries must stay untouched.
        let a: [Float] = [1, 2, 3, 99, 99, 4, 5, 6, 99, 99]
        let b: [Float] = [1, 0, 99, 99, 0, 1, 99, 99, 1, 1, 99, 99]
        var c: [Float] = [-1, 0, 0, -1, -1, 0, 0, -1]
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                c.withUnsafeMutableBufferPointer { cBuffer in
                    gemm(
                        transposeA: false, transposeB: false, m: 2, n: 2, k: 3,
                        a: aBuffer.baseAddress!, lda: 5, b: bBuffer.baseAddress!, ldb: 4,
                        c: cBuffer.baseAddress! + 1, ldc: 4)
                }
            }
        }
        // Hand count: [1 2 3; 4 5 6] · [1 0; 0 1; 1 1] = [4 5; 10 11].
        #expect(c == [-1, 4, 5, -1, -1, 10, 11, -1])
    }
}
