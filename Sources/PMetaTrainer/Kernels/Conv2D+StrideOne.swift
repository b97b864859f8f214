/// Register-blocked forms of the scratch-free stride-1 passes: the same sums as `Conv2D+Direct.swift`, with
/// the partial sums held in registers across input channels and kernel offsets instead of being added to
/// memory one kernel offset at a time.
///
/// The row-by-row passes load and store the target row once per (input channel, kernel offset): two loads
/// and a store per multiply-add, so they run at the speed of the first-level cache. Here a block of four
/// output channels times eight columns (eight `SIMD4<Float>` accumulators) takes every input channel and
/// offset before it is stored, and one input load feeds four output channels. Still no scratch: the only
/// allocation is the result, so the memory meter's figures are unchanged.
///
/// Both forward and input-gradient passes of a stride-1 convolution are one correlation,
/// `out[o][r][c] += Σ_i Σ_{u,v} W(o, i, u, v) · in[i][r + u − pad][c + v − pad]` with zeros outside the
/// input; the input gradient is the correlation of g(y) with the flipped, transposed kernel and padding
/// `S − 1 − pad`. ``StrideOneCorrelation`` is that one loop.
struct StrideOneCorrelation {
    typealias Vector = SIMD4<Float>

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
    /// - Complexity: O(outputCount · inputCount · outputHeight · outputWidth · S²) multiply-adds, O(1) scratch.
    func accumulate(
        input: UnsafePointer<Float>, inputCount: Int, output: UnsafeMutablePointer<Float>, outputCount: Int,
        weights: UnsafePointer<Float>, layout: WeightLayout, inputBounds: Range<UnsafePointer<Float>>
    ) {
        let inputPlane = inputHeight * inputWidth
        let outputPlane = outputHeight * outputWidth
        var first = 0
        while first < outputCount {
            let blockSize = min(4, outputCount - first)
            let planes = output + first * outputPlane
            let kernel = weights + layout.origin + first * layout.outputStride
            for row in 0..<outputHeight {
                // Kernel rows u whose input row r + u − pad lies inside the image.
                let rows = max(0, padding - row)..<min(kernelSize, inputHeight + padding - row)
                var column = 0
                while column < outputWidth {
                    // Inside: every load of the eight columns, at every kernel column, lies in the rows (no bounds tests).
                    let inside = column - padding >= 0 && column - padding + kernelSize - 1 + 8 <= inputWidth
                        && column + 8 <= outputWidth
                    if blockSize == 4 {
                        if inside {
                            accumulateFour(input: input, inputPlane: inputPlane, inputCount: inputCount, output: planes,
                                           outputPlane: outputPlane, kernel: kernel, layout: layout, row: row, rows: rows,
                                           column: column, inside: true, masks: nil, bounds: inputBounds)
                        } else if readsInside(inputBounds, input: input, inputCount: inputCount, row: row, rows: rows, column: column) {
                            // Near a row's ends: read the neighbours and clear the lanes outside the row with a mask per
                            // kernel column and half, made once for the chunk.
                            withUnsafeTemporaryAllocation(of: SIMD4<Int32>.self, capacity: 2 * kernelSize) { masks in
                                for kernelColumn in 0..<kernelSize {
                                    let first = column - padding + kernelColumn
                                    masks[2 * kernelColumn] = Self.laneMask(start: first, width: inputWidth)
                                    masks[2 * kernelColumn + 1] = Self.laneMask(start: first + 4, width: inputWidth)
                                }
                                // A row's last four columns or fewer take half the work of eight.
                                if outputWidth - column > 4 {
                                    accumulateFour(input: input, inputPlane: inputPlane, inputCount: inputCount, output: planes,
                                                   outputPlane: outputPlane, kernel: kernel, layout: layout, row: row, rows: rows,
                                                   column: column, inside: false, masks: UnsafePointer(masks.baseAddress!),
                                                   bounds: inputBounds)
                                } else {
                                    accumulateFour(input: input, inputPlane: inputPlane, inputCount: inputCount, output: planes,
                                                   outputPlane: outputPlane, kernel: kernel, layout: layout, row: row, rows: rows,
                                                   column: column, inside: false, masks: UnsafePointer(masks.baseAddress!),
                                                   bounds: inputBounds, wide: false)
                                }
                            }
                        } else {
                            accumulateFour(input: input, inputPlane: inputPlane, inputCount: inputCount, output: planes,
                                           outputPlane: outputPlane, kernel: kernel, layout: layout, row: row, rows: rows,
                                           column: column, inside: false, masks: nil, bounds: inputBounds)
                        }
                    } else {
                        for offset in 0..<blockSize {
                            accumulateOne(input: input, inputPlane: inputPlane, inputCount: inputCount,
                                          output: planes + offset * outputPlane, kernel: kernel + offset * layout.outputStride,
                                          layout: layout, row: row, rows: rows, column: column, bounds: inputBounds)
                        }
                    }
                    column += 8
                }
            }
            first += blockSize
        }
    }

    /// Whether every position the eight columns from `column` read, in every input channel and kernel row and
    /// column, lies in `bounds` (it may lie outside the row: the masks clear those lanes).
    private func readsInside(_ bounds: Range<UnsafePointer<Float>>, input: UnsafePointer<Float>, inputCount: Int, row: Int,
                             rows: Range<Int>, column: Int) -> Bool {
        guard !rows.isEmpty else { return true }
        let base = bounds.lowerBound.distance(to: input)
        let lowest = base + (row + rows.lowerBound - padding) * inputWidth + column - padding
        let highest = base + (inputCount - 1) * inputHeight * inputWidth + (row + rows.upperBound - 1 - padding) * inputWidth
            + column - padding + kernelSize - 1 + 8
        return lowest >= 0 && highest <= bounds.lowerBound.distance(to: bounds.upperBound)
    }

    /// All ones in the lanes j of `start + j` inside `0 ..< width`, zeros elsewhere: lane j is inside when
    /// `start + j` and `width − 1 − (start + j)` are both non-negative, so their sign bits are clear.
    @inline(__always)
    static func laneMask(start: Int, width: Int) -> SIMD4<Int32> {
        let lanes = SIMD4<Int32>(0, 1, 2, 3) &+ Int32(truncatingIfNeeded: start)
        return ~((lanes | (Int32(truncatingIfNeeded: width &- 1) &- lanes)) &>> 31)
    }

    /// Four elements from `pointer` with the lanes outside `mask` cleared.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>, keeping mask: SIMD4<Int32>) -> Vector {
        unsafeBitCast(UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Int32>.self) & mask, to: Vector.self)
    }

    /// Four output channels, columns `column ..< column + 8` of one output row (`column + 4` when not `wide`). Loads are
    /// unchecked when `inside`, masked with `masks` (two per kernel column) when given, else tested lane by lane.
    @inline(__always)
    private func accumulateFour(
        input: UnsafePointer<Float>, inputPlane: Int, inputCount: Int, output: UnsafeMutablePointer<Float>, outputPlane: Int,
        kernel: UnsafePointer<Float>, layout: WeightLayout, row: Int, rows: Range<Int>, column: Int, inside: Bool,
        masks: UnsafePointer<SIMD4<Int32>>?, bounds: Range<UnsafePointer<Float>>, wide: Bool = true
    ) {
        let width = outputWidth
        let line = output + row * width
        var a0 = Self.load(line, column, width), a1 = Self.load(line, column + 4, width)
        var b0 = Self.load(line + outputPlane, column, width), b1 = Self.load(line + outputPlane, column + 4, width)
        var c0 = Self.load(line + 2 * outputPlane, column, width), c1 = Self.load(line + 2 * outputPlane, column + 4, width)
        var d0 = Self.load(line + 3 * outputPlane, column, width), d1 = Self.load(line + 3 * outputPlane, column + 4, width)
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
                    let x0: Vector, x1: Vector
                    if inside {
                        x0 = Self.load(source + at)
                        x1 = Self.load(source + (at &+ 4))
                    } else if let masks {
                        // `readsInside` checked that these positions lie in the buffer.
                        x0 = Self.load(source + at, keeping: masks[2 &* kernelColumn])
                        x1 = wide ? Self.load(source + (at &+ 4), keeping: masks[2 &* kernelColumn &+ 1]) : Vector()
                    } else {
                        x0 = Self.load(source, at, inputWidth, in: bounds)
                        x1 = Self.load(source, at &+ 4, inputWidth, in: bounds)
                    }
                    let w = weightRow + kernelColumn &* layout.columnStride
                    let wa = w[0], wb = w[outputStride], wc = w[2 * outputStride], wd = w[3 * outputStride]
                    a0 += x0 * wa
                    b0 += x0 * wb
                    c0 += x0 * wc
                    d0 += x0 * wd
                    if wide {
                        a1 += x1 * wa
                        b1 += x1 * wb
                        c1 += x1 * wc
                        d1 += x1 * wd
                    }
                }
            }
        }
        Self.store(a0, line, column, width)
        Self.store(a1, line, column + 4, width)
        Self.store(b0, line + outputPlane, column, width)
        Self.store(b1, line + outputPlane, column + 4, width)
        Self.store(c0, line + 2 * outputPlane, column, width)
        Self.store(c1, line + 2 * outputPlane, column + 4, width)
        Self.store(d0, line + 3 * outputPlane, column, width)
        Self.store(d1, line + 3 * outputPlane, column + 4, width)
    }

    /// One output channel, columns `column ..< column + 8` of one output row.
    @inline(__always)
    private func accumulateOne(
        input: UnsafePointer<Float>, inputPlane: Int, inputCount: Int, output: UnsafeMutablePointer<Float>,
        kernel: UnsafePointer<Float>, layout: WeightLayout, row: Int, rows: Range<Int>, column: Int,
        bounds: Range<UnsafePointer<Float>>
    ) {
        let width = outputWidth
        let line = output + row * width
        var a0 = Self.load(line, column, width), a1 = Self.load(line, column + 4, width)
        let start = column - padding
        for channel in 0..<inputCount {
            let plane = input + channel * inputPlane
            let weightsOfChannel = kernel + channel * layout.inputStride
            for kernelRow in rows {
                let source = plane + (row + kernelRow - padding) * inputWidth
                let weightRow = weightsOfChannel + kernelRow * layout.rowStride
                for kernelColumn in 0..<kernelSize {
                    let w = weightRow[kernelColumn * layout.columnStride]
                    a0 += Self.load(source, start &+ kernelColumn, inputWidth, in: bounds) * w
                    a1 += Self.load(source, start &+ kernelColumn &+ 4, inputWidth, in: bounds) * w
                }
            }
        }
        Self.store(a0, line, column, width)
        Self.store(a1, line, column + 4, width)
    }

    /// Four elements from `pointer`, all inside the row.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector { UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self) }

    /// Elements `start ..< start + 4` of a row of `width`, with zeros for the positions outside it.
    @inline(__always)
    static func load(_ row: UnsafePointer<Float>, _ start: Int, _ width: Int) -> Vector {
        if start >= 0 && start + 4 <= width { return UnsafeRawPointer(row + start).loadUnaligned(as: Vector.self) }
        var vector = Vector()
        for lane in 0..<4 where start + lane >= 0 && start + lane < width { vector[lane] = row[start + lane] }
        return vector
    }

    /// Elements `start ..< start + 4` of a row of `width`, with zeros outside it, where the four positions lie in
    /// `bounds` (the row's neighbours or the rows around it): one load and a mask instead of four tests.
    @inline(__always)
    static func load(_ row: UnsafePointer<Float>, _ start: Int, _ width: Int, in bounds: Range<UnsafePointer<Float>>) -> Vector {
        if start >= 0 && start &+ 4 <= width { return load(row + start) }
        let offset = bounds.lowerBound.distance(to: row) &+ start
        guard offset >= 0 && offset &+ 4 <= bounds.lowerBound.distance(to: bounds.upperBound) else { return load(row, start, width) }
        return load(bounds.lowerBound + offset, keeping: laneMask(start: start, width: width))
    }

    /// Stores the lanes of `vector` that fall inside a row of `width`, from `start`.
    @inline(__always)
    static func store(_ vector: Vector, _ row: UnsafeMutablePointer<Float>, _ start: Int, _ width: Int) {
        if start + 4 <= width {
            UnsafeMutableRawPointer(row + start).storeBytes(of: vector, as: Vector.self)
            return
        }
        for lane in 0..<4 where start + lane < width { row[start + lane] = vector[lane] }
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
    /// ``WeightGradient``, three outputs at a time (``accumulateThreeByThreeRow(gradients:input:kernelRow:into:geometry:gradientBounds:inputBounds:)``).
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
        // Nine floats that absorb the missing outputs of a last block of one or two.
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
                                into: (entries(first), entries(first + 1), entries(first + 2)), geometry: geometry,
                                gradientBounds: gradientBounds, inputBounds: inputBounds)
                        }
                    }
                }
                first = end
            }
        }
    }

    /// Row u of g(w)[o][i] for three outputs: Σ_{r,c} g(y)[o][r][c] · x[i][r + u − pad][c + v − pad] for v = 0, 1, 2,
    /// in nine `SIMD4<Float>` accumulators: three gradient loads and three input loads feed nine multiply-adds.
    /// - Parameters:
    ///   - gradients: g(y)[n][o] of the three outputs, `outputHeight x outputWidth` each.
    ///   - input: x[n][i], `height x width`.
    ///   - targets: The nine entries of each output's g(w)[o][i]; row u's three are added to.
    ///   - gradientBounds, inputBounds: The buffers the planes lie in (see ``StrideOneCorrelation/load(_:_:_:in:)``).
    @inline(__always)
    func accumulateThreeByThreeRow(
        gradients: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>), input: UnsafePointer<Float>, kernelRow: Int,
        into targets: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>), geometry: Im2Col,
        gradientBounds: Range<UnsafePointer<Float>>, inputBounds: Range<UnsafePointer<Float>>
    ) {
        typealias Vector = StrideOneCorrelation.Vector
        let (height, width) = (geometry.height, geometry.width)
        let (outputHeight, outputWidth) = (geometry.outputHeight, geometry.outputWidth)
        var a0 = Vector(), a1 = Vector(), a2 = Vector()
        var b0 = Vector(), b1 = Vector(), b2 = Vector()
        var c0 = Vector(), c1 = Vector(), c2 = Vector()
        // Output rows whose input row r + u − pad lies inside the image.
        for row in max(0, padding - kernelRow)..<min(outputHeight, height + padding - kernelRow) {
            let line = input + (row &+ kernelRow &- padding) &* width
            let ga = gradients.0 + row &* outputWidth, gb = gradients.1 + row &* outputWidth, gc = gradients.2 + row &* outputWidth
            var column = 0
            while column < outputWidth {
                let start = column &- padding
                let x0: Vector, x1: Vector, x2: Vector, g0: Vector, g1: Vector, g2: Vector
                if start >= 0 && start &+ 6 <= width && column &+ 4 <= outputWidth {
                    x0 = StrideOneCorrelation.load(line + start)
                    x1 = StrideOneCorrelation.load(line + (start &+ 1))
                    x2 = StrideOneCorrelation.load(line + (start &+ 2))
                    g0 = StrideOneCorrelation.load(ga + column)
                    g1 = StrideOneCorrelation.load(gb + column)
                    g2 = StrideOneCorrelation.load(gc + column)
                } else {
                    x0 = StrideOneCorrelation.load(line, start, width, in: inputBounds)
                    x1 = StrideOneCorrelation.load(line, start &+ 1, width, in: inputBounds)
                    x2 = StrideOneCorrelation.load(line, start &+ 2, width, in: inputBounds)
                    g0 = StrideOneCorrelation.load(ga, column, outputWidth, in: gradientBounds)
                    g1 = StrideOneCorrelation.load(gb, column, outputWidth, in: gradientBounds)
                    g2 = StrideOneCorrelation.load(gc, column, outputWidth, in: gradientBounds)
                }
                a0 += g0 * x0
                a1 += g0 * x1
                a2 += g0 * x2
                b0 += g1 * x0
                b1 += g1 * x1
                b2 += g1 * x2
                c0 += g2 * x0
                c1 += g2 * x1
                c2 += g2 * x2
                column &+= 4
            }
        }
        let entry = kernelRow * 3
        targets.0[entry] += a0.sum()
        targets.0[entry + 1] += a1.sum()
        targets.0[entry + 2] += a2.sum()
        targets.1[entry] += b0.sum()
        targets.1[entry + 1] += b1.sum()
        targets.1[entry + 2] += b2.sum()
        targets.2[entry] += c0.sum()
        targets.2[entry + 1] += c1.sum()
        targets.2[entry + 2] += c2.sum()
    }
}
