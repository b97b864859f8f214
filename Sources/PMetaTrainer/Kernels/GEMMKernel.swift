/// The blocked loops, packing routines and SIMD micro-kernel behind `gemm`.
enum GEMMKernel {
    typealias Vector = SIMD8<Float>

    static let microRows = GEMMBlocking.microRows
    static let microColumns = GEMMBlocking.microColumns

    /// `C = beta * C` on an `rows x columns` block, writing zeros (not `0 * NaN`) when `beta` is 0.
    static func scale(_ c: UnsafeMutablePointer<Float>, rows: Int, columns: Int, ldc: Int, by beta: Float) {
        if beta == 1 { return }
        for row in 0..<rows {
            let line = c + row * ldc
            if beta == 0 {
                line.update(repeating: 0, count: columns)
            } else {
                for column in 0..<columns { line[column] *= beta }
            }
        }
    }

    /// The blocked product; sizes are positive and `alpha` is nonzero.
    static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let kc = min(GEMMBlocking.kc, k)
        let mc = min(GEMMBlocking.mc, roundUp(m, to: microRows))
        let nc = min(GEMMBlocking.nc, roundUp(n, to: microColumns))
        let alignment = 64
        let packedA = UnsafeMutableRawPointer.allocate(
            byteCount: roundUp(mc, to: microRows) * kc * MemoryLayout<Float>.stride, alignment: alignment
        ).bindMemory(to: Float.self, capacity: roundUp(mc, to: microRows) * kc)
        let packedB = UnsafeMutableRawPointer.allocate(
            byteCount: roundUp(nc, to: microColumns) * kc * MemoryLayout<Float>.stride, alignment: alignment
        ).bindMemory(to: Float.self, capacity: roundUp(nc, to: microColumns) * kc)
        defer {
            packedA.deallocate()
            packedB.deallocate()
        }

        var columnStart = 0
        while columnStart < n {
            let blockColumns = min(nc, n - columnStart)
            var depthStart = 0
            while depthStart < k {
                let blockDepth = min(kc, k - depthStart)
                // The first depth block applies beta; later ones add onto what it left.
                let blockBeta = depthStart == 0 ? beta : 1
                packB(
                    b, ldb: ldb, isTransposed: transposeB, depthStart: depthStart, depth: blockDepth,
                    columnStart: columnStart, columns: blockColumns, into: packedB)
                var rowStart = 0
                while rowStart < m {
                    let blockRows = min(mc, m - rowStart)
                    packA(
                        a, lda: lda, isTransposed: transposeA, rowStart: rowStart, rows: blockRows,
                        depthStart: depthStart, depth: blockDepth, into: packedA)
                    multiplyPackedBlock(
                        rows: blockRows, columns: blockColumns, depth: blockDepth,
                        packedA: packedA, packedB: packedB, alpha: alpha, beta: blockBeta,
                        c: c + rowStart * ldc + columnStart, ldc: ldc)
                    rowStart += blockRows
                }
                depthStart += blockDepth
            }
            columnStart += blockColumns
        }
    }

    @inline(__always)
    static func roundUp(_ value: Int, to multiple: Int) -> Int {
        (value + multiple - 1) / multiple * multiple
    }

    /// Packs `op(A)[rowStart..., depthStart...]` into panels of `microRows` rows, each stored depth-major
    /// (`microRows` consecutive floats per depth step) and zero-padded at the bottom edge.
    static func packA(
        _ a: UnsafePointer<Float>, lda: Int, isTransposed: Bool, rowStart: Int, rows: Int,
        depthStart: Int, depth: Int, into packed: UnsafeMutablePointer<Float>
    ) {
        var destination = packed
        var panelRow = 0
        while panelRow < rows {
            let panelRows = min(microRows, rows - panelRow)
            let firstRow = rowStart + panelRow
            if isTransposed {
                // op(A)(i, p) = a[p * lda + i]: each depth step is a contiguous run of rows.
                for step in 0..<depth {
                    let source = a + (depthStart + step) * lda + firstRow
                    for row in 0..<panelRows { destination[row] = source[row] }
                    for row in panelRows..<microRows { destination[row] = 0 }
                    destination += microRows
                }
            } else {
                for row in 0..<microRows {
                    if row < panelRows {
                        let source = a + (firstRow + row) * lda + depthStart
                        for step in 0..<depth { destination[step * microRows + row] = source[step] }
                    } else {
                        for step in 0..<depth { destination[step * microRows + row] = 0 }
                    }
                }
                destination += depth * microRows
            }
            panelRow += microRows
        }
    }

    /// Packs `op(B)[depthStart..., columnStart...]` into panels of `microColumns` columns, each stored
    /// depth-major (one `SIMD8` per depth step) and zero-padded at the right edge.
    static func packB(
        _ b: UnsafePointer<Float>, ldb: Int, isTransposed: Bool, depthStart: Int, depth: Int,
        columnStart: Int, columns: Int, into packed: UnsafeMutablePointer<Float>
    ) {
        var destination = packed
        var panelColumn = 0
        while panelColumn < columns {
            let panelColumns = min(microColumns, columns - panelColumn)
            let firstColumn = columnStart + panelColumn
            if isTransposed {
                // op(B)(p, j) = b[j * ldb + p]: each column of the panel is a contiguous run of depth.
                for column in 0..<microColumns {
                    if column < panelColumns {
                        let source = b + (firstColumn + column) * ldb + depthStart
                        for step in 0..<depth { destination[step * microColumns + column] = source[step] }
                    } else {
                        for step in 0..<depth { destination[step * microColumns + column] = 0 }
                    }
                }
            } else if panelColumns == microColumns {
                for step in 0..<depth {
                    let source = UnsafeRawPointer(b + (depthStart + step) * ldb + firstColumn)
                    UnsafeMutableRawPointer(destination + step * microColumns)
                        .storeBytes(of: source.loadUnaligned(as: Vector.self), as: Vector.self)
                }
            } else {
                for step in 0..<depth {
                    let source = b + (depthStart + step) * ldb + firstColumn
                    let line = destination + step * microColumns
                    for column in 0..<panelColumns { line[column] = source[column] }
                    for column in panelColumns..<microColumns { line[column] = 0 }
                }
            }
            destination += depth * microColumns
            panelColumn += microColumns
        }
    }

    /// Runs the micro-kernel over every tile of one packed `rows x columns` block.
    static func multiplyPackedBlock(
        rows: Int, columns: Int, depth: Int,
        packedA: UnsafePointer<Float>, packedB: UnsafePointer<Float>,
        alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        var edgeTile = (Vector(), Vector(), Vector(), Vector(), Vector(), Vector())
        var panelColumn = 0
        while panelColumn < columns {
            let tileColumns = min(microColumns, columns - panelColumn)
            let panelB = packedB + panelColumn * depth
            var panelRow = 0
            while panelRow < rows {
                let tileRows = min(microRows, rows - panelRow)
                let panelA = packedA + panelRow * depth
                let tile = c + panelRow * ldc + panelColumn
                if tileRows == microRows && tileColumns == microColumns {
                    microKernel(depth: depth, a: panelA, b: panelB, c: tile, ldc: ldc, alpha: alpha, beta: beta)
                } else {
                    withUnsafeMutableBytes(of: &edgeTile) { bytes in
                        let scratch = bytes.baseAddress!.assumingMemoryBound(to: Float.self)
                        microKernel(
                            depth: depth, a: panelA, b: panelB, c: scratch, ldc: microColumns, alpha: alpha, beta: 0)
                        for row in 0..<tileRows {
                            for column in 0..<tileColumns {
                                let product = scratch[row * microColumns + column]
                                let target = tile + row * ldc + column
                                target.pointee = beta == 0 ? product : product + beta * target.pointee
                            }
                        }
                    }
                }
                panelRow += microRows
            }
            panelColumn += microColumns
        }
    }

    /// `C[6 x 8] = alpha * Apanel * Bpanel + beta * C` with the tile held in six `SIMD8<Float>` registers.
    @inline(__always)
    static func microKernel(
        depth: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
    ) {
        var row0 = Vector(), row1 = Vector(), row2 = Vector()
        var row3 = Vector(), row4 = Vector(), row5 = Vector()
        var pointerA = a
        var pointerB = UnsafeRawPointer(b)
        for _ in 0..<depth {
            let lineB = pointerB.load(as: Vector.self)
            row0 += lineB * pointerA[0]
            row1 += lineB * pointerA[1]
            row2 += lineB * pointerA[2]
            row3 += lineB * pointerA[3]
            row4 += lineB * pointerA[4]
            row5 += lineB * pointerA[5]
            pointerA += 6
            pointerB += MemoryLayout<Vector>.stride
        }
        store(row0, at: c, alpha: alpha, beta: beta)
        store(row1, at: c + ldc, alpha: alpha, beta: beta)
        store(row2, at: c + 2 * ldc, alpha: alpha, beta: beta)
        store(row3, at: c + 3 * ldc, alpha: alpha, beta: beta)
        store(row4, at: c + 4 * ldc, alpha: alpha, beta: beta)
        store(row5, at: c + 5 * ldc, alpha: alpha, beta: beta)
    }

    @inline(__always)
    static func store(_ product: Vector, at target: UnsafeMutablePointer<Float>, alpha: Float, beta: Float) {
        let raw = UnsafeMutableRawPointer(target)
        var result = alpha == 1 ? product : product * alpha
        if beta != 0 {
            let old = UnsafeRawPointer(raw).loadUnaligned(as: Vector.self)
            result += beta == 1 ? old : old * beta
        }
        raw.storeBytes(of: result, as: Vector.self)
    }
}
