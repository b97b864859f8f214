/// Register-blocked forms of the scratch-free stride-1 passes: the same sums as `Conv2D+Direct.swift`, with
/// the partial sums held in registers across input channels and kernel offsets instead of being added to
/// memory one kernel offset at a time.
///
/// The row-by-row passes load and store the target row once per (input channel, kernel offset): two loads
/// and a store per multiply-add, so they run at the speed of the first-level cache. Here a block of four
/// output channels times two vectors of columns (eight ``Vector`` accumulators: 8 or 16 columns) takes every input channel and
/// offset before it is stored, and one input load feeds four output channels. Still no scratch: the only
/// allocation is the result, so the memory meter's figures are unchanged.
///
/// Both forward and input-gradient passes of a stride-1 convolution are one correlation,
/// `out[o][r][c] += Σ_i Σ_{u,v} W(o, i, u, v) · in[i][r + u − pad][c + v − pad]` with zeros outside the
/// input; the input gradient is the correlation of g(y) with the flipped, transposed kernel and padding
/// `S − 1 − pad`. ``StrideOneCorrelation`` is that one loop.
struct StrideOneCorrelation {
    /// Four lanes (SSE2, the baseline of x86-64, and NEON), or eight when built with `PMETA_WIDE_VECTORS` (Package.swift
    /// sets it with `PMETA_AVX2=1`).
#if PMETA_WIDE_VECTORS
    typealias Vector = SIMD8<Float>
    typealias Mask = SIMD8<Int32>
    /// The lanes' indices, for ``laneMask(start:width:)``.
    @inline(__always) static var laneIndices: Mask { Mask(0, 1, 2, 3, 4, 5, 6, 7) }
#else
    typealias Vector = SIMD4<Float>
    typealias Mask = SIMD4<Int32>
    /// The lanes' indices, for ``laneMask(start:width:)``.
    @inline(__always) static var laneIndices: Mask { Mask(0, 1, 2, 3) }
#endif
    /// The lanes of a ``Vector``: a chunk of the correlation is two vectors of columns.
    static var lanes: Int { Vector.scalarCount }

    /// `sum += x * y`, fused into one rounding when built with `PMETA_FUSED_MULTIPLY_ADD` (Package.swift sets it with
    /// `PMETA_AVX2=1`, for a target CPU with FMA: for one without, LLVM would call `fmaf` lane by lane).
    @inline(__always)
    static func multiplyAdd(_ sum: inout Vector, _ x: Vector, _ y: Float) {
#if PMETA_FUSED_MULTIPLY_ADD
        sum = sum.addingProduct(x, Vector(repeating: y))
#else
        sum += x * y
#endif
    }

    /// `sum += x * y` for two vectors, fused on the same targets.
    @inline(__always)
    static func multiplyAdd(_ sum: inout Vector, _ x: Vector, _ y: Vector) {
#if PMETA_FUSED_MULTIPLY_ADD
        sum = sum.addingProduct(x, y)
#else
        sum += x * y
#endif
    }

    /// S, the kernel's height and width.
    let kernelSize: Int
    /// The zero padding in front of the input, rows and columns.
    let padding: Int
    let inputHeight: Int
    let inputWidth: Int
    let outputHeight: Int
    let outputWidth: Int

    /// Where W(o, i, u, v) lies: `origin + o·outputStride + i·inputStride + u·rowStride + v·columnStride`
    /// (negative strides read a flipped kernel).
    struct WeightLayout {
        let origin: Int
        let outputStride: Int
        let inputStride: Int
        let rowStride: Int
        let columnStride: Int
    }

    /// Adds the correlation of `inputCount` input planes into `outputCount` output planes.
    /// - Parameters:
    ///   - input: The first input plane; planes follow each other (`inputHeight · inputWidth` apart).
    ///   - output: The first output plane, already holding what is added to (the bias, or a gradient).
    ///   - weights: The weight buffer, read through `layout`.
    ///   - inputBounds: The whole buffer `input` lies in: loads near a row's ends may read its neighbours there and
    ///     clear the lanes outside the row.
    /// - Complexity: O(outputCount · inputCount · outputHeight · outputWidth · S²) multiply-adds; scratch: the
    ///   masks of a row's chunks, 2·S per chunk, on the stack.
    func accumulate(
        input: UnsafePointer<Float>, inputCount: Int, output: UnsafeMutablePointer<Float>, outputCount: Int,
        weights: UnsafePointer<Float>, layout: WeightLayout, inputBounds: Range<UnsafePointer<Float>>
    ) {
        let inputPlane = inputHeight * inputWidth
        let outputPlane = outputHeight * outputWidth
        let chunkWidth = 2 * Self.lanes
        let chunkCount = (outputWidth + chunkWidth - 1) / chunkWidth
        // The masks of every chunk, made once for the pass: they depend on the column alone. Chunk c's mask for kernel
        // column v and half h clears the lanes outside the input row; it is read only where the chunk is not inside.
        withUnsafeTemporaryAllocation(of: Mask.self, capacity: max(1, chunkCount * 2 * kernelSize)) { masks in
            for chunk in 0..<chunkCount {
                for kernelColumn in 0..<kernelSize {
                    let start = chunk * chunkWidth - padding + kernelColumn
                    masks[(chunk * kernelSize + kernelColumn) * 2] = Self.laneMask(start: start, width: inputWidth)
                    masks[(chunk * kernelSize + kernelColumn) * 2 + 1] = Self.laneMask(start: start + Self.lanes, width: inputWidth)
                }
            }
            var first = 0
            while first < outputCount {
                let blockSize = min(4, outputCount - first)
                let planes = output + first * outputPlane
                let kernel = weights + layout.origin + first * layout.outputStride
                for row in 0..<outputHeight {
                    // Kernel rows u whose input row r + u − pad lies inside the image.
                    let rows = max(0, padding - row)..<min(kernelSize, inputHeight + padding - row)
                    for chunk in 0..<chunkCount {
                        let column = chunk * chunkWidth
                        guard blockSize == 4 else {
                            for offset in 0..<blockSize {
                                accumulateOne(input: input, inputPlane: inputPlane, inputCount: inputCount,
                                              output: planes + offset * outputPlane, kernel: kernel + offset * layout.outputStride,
                                              layout: layout, row: row, rows: rows, column: column, bounds: inputBounds)
                            }
                            continue
                        }
                        // Inside: every load of the chunk's two vectors, at every kernel column, lies in the rows (no bounds tests).
                        let inside = column - padding >= 0 && column - padding + kernelSize - 1 + chunkWidth <= inputWidth
                            && column + chunkWidth <= outputWidth
                        if inside {
                            accumulateFour(input: input, inputPlane: inputPlane, inputCount: inputCount, output: planes,
                                           outputPlane: outputPlane, kernel: kernel, layout: layout, row: row, rows: rows,
                                           column: column, loads: InsideLoads())
                        } else if readsInside(inputBounds, input: input, inputCount: inputCount, row: row, rows: rows, column: column) {
                            // Near a row's ends: read the neighbours and clear the lanes outside the row. A row's last
                            // vector of columns or less takes half the work of two.
                            let chunkMasks = UnsafePointer(masks.baseAddress! + chunk * 2 * kernelSize)
                            if outputWidth - column > Self.lanes {
                                accumulateFour(input: input, inputPlane: inputPlane, inputCount: inputCount, output: planes,
                                               outputPlane: outputPlane, kernel: kernel, layout: layout, row: row, rows: rows,
                                               column: column, loads: MaskedLoads<TwoVectors>(masks: chunkMasks))
                            } else {
                                accumulateFour(input: input, inputPlane: inputPlane, inputCount: inputCount, output: planes,
                                               outputPlane: outputPlane, kernel: kernel, layout: layout, row: row, rows: rows,
                                               column: column, loads: MaskedLoads<OneVector>(masks: chunkMasks))
                            }
                        } else {
                            accumulateFour(input: input, inputPlane: inputPlane, inputCount: inputCount, output: planes,
                                           outputPlane: outputPlane, kernel: kernel, layout: layout, row: row, rows: rows,
                                           column: column, loads: CheckedLoads(width: inputWidth, bounds: inputBounds))
                        }
                    }
                }
                first += blockSize
            }
        }
    }

    /// Whether every position the chunk's two vectors of columns from `column` read, in every input channel and kernel row and
    /// column, lies in `bounds` (it may lie outside the row: the masks clear those lanes).
    private func readsInside(_ bounds: Range<UnsafePointer<Float>>, input: UnsafePointer<Float>, inputCount: Int, row: Int,
                             rows: Range<Int>, column: Int) -> Bool {
        guard !rows.isEmpty else { return true }
        let base = bounds.lowerBound.distance(to: input)
        let lowest = base + (row + rows.lowerBound - padding) * inputWidth + column - padding
        let highest = base + (inputCount - 1) * inputHeight * inputWidth + (row + rows.upperBound - 1 - padding) * inputWidth
            + column - padding + kernelSize - 1 + 2 * Self.lanes
        return lowest >= 0 && highest <= bounds.lowerBound.distance(to: bounds.upperBound)
    }

    /// All ones in the lanes j of `start + j` inside `0 ..< width`, zeros elsewhere: lane j is inside when
    /// `start + j` and `width − 1 − (start + j)` are both non-negative, so their sign bits are clear.
    @inline(__always)
    static func laneMask(start: Int, width: Int) -> Mask {
        let positions = laneIndices &+ Int32(truncatingIfNeeded: start)
        return ~((positions | (Int32(truncatingIfNeeded: width &- 1) &- positions)) &>> 31)
    }

    /// One vector of elements from `pointer` with the lanes outside `mask` cleared.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>, keeping mask: Mask) -> Vector {
        unsafeBitCast(UnsafeRawPointer(pointer).loadUnaligned(as: Mask.self) & mask, to: Vector.self)
    }

    /// Four output channels, two vectors of columns from `column` of one output row (one when `Loads` reads one), the
    /// input read through `loads`: one specialization per kind of chunk, so the innermost loop tests nothing.
    private func accumulateFour<Loads: CorrelationLoads>(
        input: UnsafePointer<Float>, inputPlane: Int, inputCount: Int, output: UnsafeMutablePointer<Float>, outputPlane: Int,
        kernel: UnsafePointer<Float>, layout: WeightLayout, row: Int, rows: Range<Int>, column: Int, loads: Loads
    ) {
        let width = outputWidth
        let line = output + row * width
        var a0 = Self.load(line, column, width), a1 = Self.load(line, column + Self.lanes, width)
        var b0 = Self.load(line + outputPlane, column, width), b1 = Self.load(line + outputPlane, column + Self.lanes, width)
        var c0 = Self.load(line + 2 * outputPlane, column, width), c1 = Self.load(line + 2 * outputPlane, column + Self.lanes, width)
        var d0 = Self.load(line + 3 * outputPlane, column, width), d1 = Self.load(line + 3 * outputPlane, column + Self.lanes, width)
        let outputStride = layout.outputStride
        let start = column &- padding
        for channel in 0..<inputCount {
            let plane = input + channel &* inputPlane
            let weightsOfChannel = kernel + channel &* layout.inputStride
            for kernelRow in rows {
                let source = plane + (row &+ kernelRow &- padding) &* inputWidth
                let weightRow = weightsOfChannel + kernelRow &* layout.rowStride
                for kernelColumn in 0..<kernelSize {
                    let at = start &+ kernelColumn
                    let x0 = loads.load(source, at, kernelColumn: kernelColumn, half: 0)
                    let w = weightRow + kernelColumn &* layout.columnStride
                    let wa = w[0], wb = w[outputStride], wc = w[2 * outputStride], wd = w[3 * outputStride]
                    Self.multiplyAdd(&a0, x0, wa)
                    Self.multiplyAdd(&b0, x0, wb)
                    Self.multiplyAdd(&c0, x0, wc)
                    Self.multiplyAdd(&d0, x0, wd)
                    if Loads.Width.isWide {
                        let x1 = loads.load(source, at &+ Self.lanes, kernelColumn: kernelColumn, half: 1)
                        Self.multiplyAdd(&a1, x1, wa)
                        Self.multiplyAdd(&b1, x1, wb)
                        Self.multiplyAdd(&c1, x1, wc)
                        Self.multiplyAdd(&d1, x1, wd)
                    }
                }
            }
        }
        Self.store(a0, line, column, width)
        Self.store(a1, line, column + Self.lanes, width)
        Self.store(b0, line + outputPlane, column, width)
        Self.store(b1, line + outputPlane, column + Self.lanes, width)
        Self.store(c0, line + 2 * outputPlane, column, width)
        Self.store(c1, line + 2 * outputPlane, column + Self.lanes, width)
        Self.store(d0, line + 3 * outputPlane, column, width)
        Self.store(d1, line + 3 * outputPlane, column + Self.lanes, width)
    }

    /// One output channel, two vectors of columns from `column` of one output row.
    @inline(__always)
    private func accumulateOne(
        input: UnsafePointer<Float>, inputPlane: Int, inputCount: Int, output: UnsafeMutablePointer<Float>,
        kernel: UnsafePointer<Float>, layout: WeightLayout, row: Int, rows: Range<Int>, column: Int,
        bounds: Range<UnsafePointer<Float>>
    ) {
        let width = outputWidth
        let line = output + row * width
        var a0 = Self.load(line, column, width), a1 = Self.load(line, column + Self.lanes, width)
        let start = column - padding
        for channel in 0..<inputCount {
            let plane = input + channel * inputPlane
            let weightsOfChannel = kernel + channel * layout.inputStride
            for kernelRow in rows {
                let source = plane + (row + kernelRow - padding) * inputWidth
                let weightRow = weightsOfChannel + kernelRow * layout.rowStride
                for kernelColumn in 0..<kernelSize {
                    let w = weightRow[kernelColumn * layout.columnStride]
                    Self.multiplyAdd(&a0, Self.load(source, start &+ kernelColumn, inputWidth, in: bounds), w)
                    Self.multiplyAdd(&a1, Self.load(source, start &+ kernelColumn &+ Self.lanes, inputWidth, in: bounds), w)
                }
            }
        }
        Self.store(a0, line, column, width)
        Self.store(a1, line, column + Self.lanes, width)
    }

    /// One vector of elements from `pointer`, all inside the row.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector { UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self) }

    /// One vector of elements of a row of `width` from `start`, with zeros for the positions outside it.
    @inline(__always)
    static func load(_ row: UnsafePointer<Float>, _ start: Int, _ width: Int) -> Vector {
        if start >= 0 && start + Self.lanes <= width { return UnsafeRawPointer(row + start).loadUnaligned(as: Vector.self) }
        var vector = Vector()
        for lane in 0..<Self.lanes where start + lane >= 0 && start + lane < width { vector[lane] = row[start + lane] }
        return vector
    }

    /// One vector of elements of a row of `width` from `start`, with zeros outside it, where the positions lie in
    /// `bounds` (the row's neighbours or the rows around it): one load and a mask instead of a test per lane.
    @inline(__always)
    static func load(_ row: UnsafePointer<Float>, _ start: Int, _ width: Int, in bounds: Range<UnsafePointer<Float>>) -> Vector {
        if start >= 0 && start &+ Self.lanes <= width { return load(row + start) }
        let offset = bounds.lowerBound.distance(to: row) &+ start
        guard offset >= 0 && offset &+ Self.lanes <= bounds.lowerBound.distance(to: bounds.upperBound) else { return load(row, start, width) }
        return load(bounds.lowerBound + offset, keeping: laneMask(start: start, width: width))
    }

    /// Stores the lanes of `vector` that fall inside a row of `width`, from `start`.
    @inline(__always)
    static func store(_ vector: Vector, _ row: UnsafeMutablePointer<Float>, _ start: Int, _ width: Int) {
        if start + Self.lanes <= width {
            UnsafeMutableRawPointer(row + start).storeBytes(of: vector, as: Vector.self)
            return
        }
        for lane in 0..<Self.lanes where start + lane < width { row[start + lane] = vector[lane] }
    }
}

/// How many columns a chunk of ``StrideOneCorrelation`` computes: two vectors, or one at a row's end.
protocol ChunkWidth { static var isWide: Bool { get } }
enum TwoVectors: ChunkWidth { static var isWide: Bool { true } }
enum OneVector: ChunkWidth { static var isWide: Bool { false } }

/// How a chunk of ``StrideOneCorrelation`` reads one vector of input positions from `at` in a row (`half` 0 or 1 of
/// the chunk's two vectors at kernel column `kernelColumn`), zeros outside the row.
protocol CorrelationLoads {
    associatedtype Width: ChunkWidth
    func load(_ row: UnsafePointer<Float>, _ at: Int, kernelColumn: Int, half: Int) -> StrideOneCorrelation.Vector
}

/// Every position lies inside the row: plain loads.
struct InsideLoads: CorrelationLoads {
    typealias Width = TwoVectors
    @inline(__always)
    func load(_ row: UnsafePointer<Float>, _ at: Int, kernelColumn: Int, half: Int) -> StrideOneCorrelation.Vector {
        StrideOneCorrelation.load(row + at)
    }
}

/// Positions may lie outside the row but inside the buffer: one load, cleared by the chunk's mask of that kernel
/// column and half (two masks per kernel column).
struct MaskedLoads<Width: ChunkWidth>: CorrelationLoads {
    let masks: UnsafePointer<StrideOneCorrelation.Mask>
    @inline(__always)
    func load(_ row: UnsafePointer<Float>, _ at: Int, kernelColumn: Int, half: Int) -> StrideOneCorrelation.Vector {
        StrideOneCorrelation.load(row + at, keeping: masks[2 &* kernelColumn &+ half])
    }
}

/// Positions may lie outside the buffer (a chunk at its first or last row): each load tested.
struct CheckedLoads: CorrelationLoads {
    typealias Width = TwoVectors
    let width: Int
    let bounds: Range<UnsafePointer<Float>>
    @inline(__always)
    func load(_ row: UnsafePointer<Float>, _ at: Int, kernelColumn: Int, half: Int) -> StrideOneCorrelation.Vector {
        StrideOneCorrelation.load(row, at, width, in: bounds)
    }
}

extension Conv2D {
    /// The stride-1 forward pass through ``StrideOneCorrelation``: `output` holds the bias (or zeros) on entry.
    func strideOneForward(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                          sampleCount: Int, geometry: Im2Col) {
        let inputPerGroup = inputChannels / groupCount
        let outputPerGroup = outputChannels / groupCount
        let kernelArea = kernelSize * kernelSize
        let correlation = StrideOneCorrelation(
            kernelSize: kernelSize, padding: padding, inputHeight: geometry.height, inputWidth: geometry.width,
            outputHeight: geometry.outputHeight, outputWidth: geometry.outputWidth)
        let inputPlane = geometry.height * geometry.width
        let outputPlane = geometry.outputPlaneSize
        for sample in 0..<sampleCount {
            for group in 0..<groupCount {
                // W(o, i, u, v) = w[group·C_out/G + o][i][u][v].
                let layout = StrideOneCorrelation.WeightLayout(
                    origin: group * outputPerGroup * inputPerGroup * kernelArea, outputStride: inputPerGroup * kernelArea,
                    inputStride: kernelArea, rowStride: kernelSize, columnStride: 1)
                correlation.accumulate(
                    input: input + (sample * inputChannels + group * inputPerGroup) * inputPlane, inputCount: inputPerGroup,
                    output: output + (sample * outputChannels + group * outputPerGroup) * outputPlane, outputCount: outputPerGroup,
                    weights: weight, layout: layout, inputBounds: input..<(input + sampleCount * inputChannels * inputPlane))
            }
        }
    }

    /// The stride-1 input gradient through ``StrideOneCorrelation``: g(x)[i] += Σ_o flip(w[o][i]) ⋆ g(y)[o], with
    /// padding S − 1 − pad; `inputGradient` holds what is added to on entry.
    func strideOneInputGradient(outputGradient: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                inputGradient: UnsafeMutablePointer<Float>, sampleCount: Int, geometry: Im2Col) {
        let inputPerGroup = inputChannels / groupCount
        let outputPerGroup = outputChannels / groupCount
        let kernelArea = kernelSize * kernelSize
        let correlation = StrideOneCorrelation(
            kernelSize: kernelSize, padding: kernelSize - 1 - padding, inputHeight: geometry.outputHeight,
            inputWidth: geometry.outputWidth, outputHeight: geometry.height, outputWidth: geometry.width)
        let inputPlane = geometry.height * geometry.width
        let outputPlane = geometry.outputPlaneSize
        for sample in 0..<sampleCount {
            for group in 0..<groupCount {
                // W'(i, o, u, v) = w[group·C_out/G + o][i][S − 1 − u][S − 1 − v]: read from the kernel's last entry backwards.
                let layout = StrideOneCorrelation.WeightLayout(
                    origin: group * outputPerGroup * inputPerGroup * kernelArea + kernelArea - 1, outputStride: kernelArea,
                    inputStride: inputPerGroup * kernelArea, rowStride: -kernelSize, columnStride: -1)
                correlation.accumulate(
                    input: outputGradient + (sample * outputChannels + group * outputPerGroup) * outputPlane,
                    inputCount: outputPerGroup,
                    output: inputGradient + (sample * inputChannels + group * inputPerGroup) * inputPlane,
                    outputCount: inputPerGroup, weights: weight, layout: layout,
                    inputBounds: outputGradient..<(outputGradient + sampleCount * outputChannels * outputPlane))
            }
        }
    }

    /// g(w) of a 3 x 3 stride-1 kernel for the selected outputs and inputs, into the compact layout of
    /// ``WeightGradient``, three outputs at a time (``accumulateThreeByThreeRow(gradients:input:kernelRow:into:columns:gradientBounds:inputBounds:)``).
    /// - Parameters:
    ///   - positionOfChannel: Where each input channel lies among the saved ones.
    ///   - selectedOutputs: γ^bw, increasing; `inputsByGroup` the selected inputs of each group, increasing.
    ///   - target: The compact accumulator's first entry.
    func accumulateThreeByThreeWeightGradient(
        outputGradient: UnsafeBufferPointer<Float>, saved: UnsafeBufferPointer<Float>, savedChannelCount: Int,
        positionOfChannel: [Int], selectedOutputs: [Int], inputsByGroup: [[Int]], into target: UnsafeMutablePointer<Float>,
        sampleCount: Int, geometry: Im2Col
    ) {
        let outputPerGroup = outputChannels / groupCount
        let inputPlane = geometry.height * geometry.width
        let outputPlane = geometry.outputPlaneSize
        let gradientBounds = outputGradient.baseAddress!..<(outputGradient.baseAddress! + outputGradient.count)
        let inputBounds = saved.baseAddress!..<(saved.baseAddress! + saved.count)
        // Where each selected output's entries start in the compact layout: |F| integers of bookkeeping.
        var starts = [Int]()
        starts.reserveCapacity(selectedOutputs.count)
        var offset = 0
        for output in selectedOutputs {
            starts.append(offset)
            offset += inputsByGroup[output / outputPerGroup].count * 9
        }
        let layout = ThreeByThreeColumns(geometry: geometry, padding: padding)
        // Nine floats that absorb the missing outputs of a last block of one or two, and the edge chunks' masks.
        withUnsafeTemporaryAllocation(of: StrideOneCorrelation.Mask.self, capacity: max(1, 4 * layout.edgeChunkCount)) { masks in
            layout.writeMasks(into: masks.baseAddress!)
            let columns = ThreeByThreeColumns.Masked(layout: layout, masks: UnsafePointer(masks.baseAddress!))
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 9) { spare in
                spare.initialize(repeating: 0)
                var first = 0
                while first < selectedOutputs.count {
                    // A block: up to three selected outputs of one group, which share their selected inputs.
                    let group = selectedOutputs[first] / outputPerGroup
                    var end = first + 1
                    while end < min(first + 3, selectedOutputs.count) && selectedOutputs[end] / outputPerGroup == group { end += 1 }
                    let inputs = inputsByGroup[group]
                    for sample in 0..<sampleCount {
                        func plane(_ index: Int) -> UnsafePointer<Float> {
                            outputGradient.baseAddress! + (sample * outputChannels + selectedOutputs[min(index, end - 1)]) * outputPlane
                        }
                        for (inputIndex, inputChannel) in inputs.enumerated() {
                            func entries(_ index: Int) -> UnsafeMutablePointer<Float> {
                                index < end ? target + starts[index] + inputIndex * 9 : spare.baseAddress!
                            }
                            let image = saved.baseAddress! + (sample * savedChannelCount + positionOfChannel[inputChannel]) * inputPlane
                            for kernelRow in 0..<3 {
                                accumulateThreeByThreeRow(
                                    gradients: (plane(first), plane(first + 1), plane(first + 2)), input: image, kernelRow: kernelRow,
                                    into: (entries(first), entries(first + 1), entries(first + 2)), columns: columns,
                                    gradientBounds: gradientBounds, inputBounds: inputBounds)
                            }
                        }
                    }
                    first = end
                }
            }
        }
    }

    /// Row u of g(w)[o][i] for three outputs: Σ_{r,c} g(y)[o][r][c] · x[i][r + u − pad][c + v − pad] for v = 0, 1, 2,
    /// in nine ``StrideOneCorrelation/Vector`` accumulators: three gradient loads and three input loads feed nine multiply-adds.
    /// A row's chunks of one vector of columns are unchecked inside it and masked at its ends, with the masks made once per
    /// pass; a sweep whose masked loads would leave the buffers (the first or last rows of a buffer) tests each load.
    /// - Parameters:
    ///   - gradients: g(y)[n][o] of the three outputs, `outputHeight x outputWidth` each.
    ///   - input: x[n][i], `height x width`.
    ///   - targets: The nine entries of each output's g(w)[o][i]; row u's three are added to.
    ///   - columns: The chunks of a row and the edge chunks' masks.
    ///   - gradientBounds, inputBounds: The buffers the planes lie in (see ``StrideOneCorrelation/load(_:_:_:in:)``).
    @inline(__always)
    func accumulateThreeByThreeRow(
        gradients: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>), input: UnsafePointer<Float>, kernelRow: Int,
        into targets: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>),
        columns: ThreeByThreeColumns.Masked, gradientBounds: Range<UnsafePointer<Float>>, inputBounds: Range<UnsafePointer<Float>>
    ) {
        let lanes = StrideOneCorrelation.lanes
        let layout = columns.layout
        let (width, outputWidth) = (layout.width, layout.outputWidth)
        // Output rows whose input row r + u − pad lies inside the image.
        let rows = max(0, padding - kernelRow)..<min(layout.outputHeight, layout.height + padding - kernelRow)
        guard !rows.isEmpty else { return }
        var sums = NineSums()
        let firstLine = input + (rows.lowerBound &+ kernelRow &- padding) &* width
        let lastLine = input + (rows.upperBound &- 1 &+ kernelRow &- padding) &* width
        func readsInside(_ plane: UnsafePointer<Float>) -> Bool {
            let first: UnsafePointer<Float> = plane + rows.lowerBound * outputWidth
            let end: UnsafePointer<Float> = plane + ((rows.upperBound - 1) * outputWidth + layout.paddedOutputWidth)
            return first >= gradientBounds.lowerBound && end <= gradientBounds.upperBound
        }
        let inputFirst: UnsafePointer<Float> = firstLine - padding
        let inputEnd: UnsafePointer<Float> = lastLine + (layout.paddedWidth - padding)
        let masked = inputFirst >= inputBounds.lowerBound && inputEnd <= inputBounds.upperBound
            && readsInside(gradients.0) && readsInside(gradients.1) && readsInside(gradients.2)
        for row in rows {
            let line = input + (row &+ kernelRow &- padding) &* width
            let ga = gradients.0 + row &* outputWidth, gb = gradients.1 + row &* outputWidth, gc = gradients.2 + row &* outputWidth
            if masked {
                var mask = columns.masks
                var column = 0
                while column < layout.interior.lowerBound {
                    sums.addMasked(line: line, start: column &- padding, gradients: (ga, gb, gc), column: column, masks: mask)
                    mask += 4
                    column &+= lanes
                }
                while column < layout.interior.upperBound {
                    let start = column &- padding
                    sums.add(x: (StrideOneCorrelation.load(line + start), StrideOneCorrelation.load(line + (start &+ 1)),
                                 StrideOneCorrelation.load(line + (start &+ 2))),
                             g: (StrideOneCorrelation.load(ga + column), StrideOneCorrelation.load(gb + column),
                                 StrideOneCorrelation.load(gc + column)))
                    column &+= lanes
                }
                while column < outputWidth {
                    sums.addMasked(line: line, start: column &- padding, gradients: (ga, gb, gc), column: column, masks: mask)
                    mask += 4
                    column &+= lanes
                }
            } else {
                var column = 0
                while column < outputWidth {
                    let start = column &- padding
                    sums.add(x: (StrideOneCorrelation.load(line, start, width, in: inputBounds),
                                 StrideOneCorrelation.load(line, start &+ 1, width, in: inputBounds),
                                 StrideOneCorrelation.load(line, start &+ 2, width, in: inputBounds)),
                             g: (StrideOneCorrelation.load(ga, column, outputWidth, in: gradientBounds),
                                 StrideOneCorrelation.load(gb, column, outputWidth, in: gradientBounds),
                                 StrideOneCorrelation.load(gc, column, outputWidth, in: gradientBounds)))
                    column &+= lanes
                }
            }
        }
        let entry = kernelRow * 3
        targets.0[entry] += sums.a0.sum()
        targets.0[entry + 1] += sums.a1.sum()
        targets.0[entry + 2] += sums.a2.sum()
        targets.1[entry] += sums.b0.sum()
        targets.1[entry + 1] += sums.b1.sum()
        targets.1[entry + 2] += sums.b2.sum()
        targets.2[entry] += sums.c0.sum()
        targets.2[entry + 1] += sums.c1.sum()
        targets.2[entry + 2] += sums.c2.sum()
    }
}

/// Nine partial sums of a 3 x 3 weight-gradient row: outputs a, b, c times kernel columns 0, 1, 2, one column a lane.
struct NineSums {
    typealias Vector = StrideOneCorrelation.Vector
    var a0 = Vector(), a1 = Vector(), a2 = Vector()
    var b0 = Vector(), b1 = Vector(), b2 = Vector()
    var c0 = Vector(), c1 = Vector(), c2 = Vector()

    /// Adds g_o · x_v for the three outputs' gradients g and the input shifted by v = 0, 1, 2.
    @inline(__always)
    mutating func add(x: (Vector, Vector, Vector), g: (Vector, Vector, Vector)) {
        StrideOneCorrelation.multiplyAdd(&a0, g.0, x.0)
        StrideOneCorrelation.multiplyAdd(&a1, g.0, x.1)
        StrideOneCorrelation.multiplyAdd(&a2, g.0, x.2)
        StrideOneCorrelation.multiplyAdd(&b0, g.1, x.0)
        StrideOneCorrelation.multiplyAdd(&b1, g.1, x.1)
        StrideOneCorrelation.multiplyAdd(&b2, g.1, x.2)
        StrideOneCorrelation.multiplyAdd(&c0, g.2, x.0)
        StrideOneCorrelation.multiplyAdd(&c1, g.2, x.1)
        StrideOneCorrelation.multiplyAdd(&c2, g.2, x.2)
    }

    /// ``add(x:g:)`` for an edge chunk: the gradients' lanes cleared by `masks[0]`, the input's shift v by `masks[1 + v]`.
    @inline(__always)
    mutating func addMasked(line: UnsafePointer<Float>, start: Int,
                            gradients: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>), column: Int,
                            masks: UnsafePointer<StrideOneCorrelation.Mask>) {
        add(x: (StrideOneCorrelation.load(line + start, keeping: masks[1]),
                StrideOneCorrelation.load(line + (start &+ 1), keeping: masks[2]),
                StrideOneCorrelation.load(line + (start &+ 2), keeping: masks[3])),
            g: (StrideOneCorrelation.load(gradients.0 + column, keeping: masks[0]),
                StrideOneCorrelation.load(gradients.1 + column, keeping: masks[0]),
                StrideOneCorrelation.load(gradients.2 + column, keeping: masks[0])))
    }
}

/// How a 3 x 3 stride-1 weight-gradient sweep covers a row: chunks of one vector of output columns from 0, those in
/// ``interior`` read inside the row with no test (c − pad ≥ 0, c − pad + lanes + 2 ≤ W, c + lanes ≤ W_out), the others (the
/// edge chunks, left then right) with masks: lanes outside the output row or the input row read as 0.
struct ThreeByThreeColumns {
    let height: Int
    let width: Int
    let outputHeight: Int
    let outputWidth: Int
    let padding: Int
    /// The chunk columns read unchecked, a range of multiples of the lanes.
    let interior: Range<Int>
    /// The columns of a chunk: one vector's lanes.
    var lanes: Int { StrideOneCorrelation.lanes }

    init(geometry: Im2Col, padding: Int) {
        (height, width, outputHeight, outputWidth) = (geometry.height, geometry.width, geometry.outputHeight, geometry.outputWidth)
        self.padding = padding
        let lanes = StrideOneCorrelation.lanes
        let chunkEnd = (outputWidth + lanes - 1) / lanes * lanes
        let low = min((padding + lanes - 1) / lanes * lanes, chunkEnd)
        let lastInside = min(width + padding - 2 - lanes, outputWidth - lanes)
        let high = lastInside >= low ? lastInside / lanes * lanes + lanes : low
        interior = low..<max(low, high)
    }

    /// The chunks outside ``interior``, which take four masks each: the output columns', then the input's for v = 0, 1, 2.
    var edgeChunkCount: Int { (outputWidth + lanes - 1) / lanes - interior.count / lanes }

    /// The input row's positions a sweep reads, from `−padding` on: through the last chunk's third shift.
    var paddedWidth: Int { (outputWidth + lanes - 1) / lanes * lanes + 2 }

    /// The output row's positions a sweep reads: every chunk's four.
    var paddedOutputWidth: Int { (outputWidth + lanes - 1) / lanes * lanes }

    /// Writes the edge chunks' masks, four per chunk in the order of the sweep.
    func writeMasks(into masks: UnsafeMutablePointer<StrideOneCorrelation.Mask>) {
        var edge = 0
        for column in stride(from: 0, to: outputWidth, by: lanes) where !interior.contains(column) {
            masks[4 * edge] = StrideOneCorrelation.laneMask(start: column, width: outputWidth)
            for shift in 0..<3 {
                masks[4 * edge + 1 + shift] = StrideOneCorrelation.laneMask(start: column - padding + shift, width: width)
            }
            edge += 1
        }
    }

    /// The layout with its masks.
    struct Masked {
        let layout: ThreeByThreeColumns
        let masks: UnsafePointer<StrideOneCorrelation.Mask>
    }
}
