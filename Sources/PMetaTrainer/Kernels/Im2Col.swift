/// The lowering of a convolution to a matrix product: im2col unfolds image patches into columns,
/// col2im folds column gradients back onto the image.
///
/// For `channelCount` planes of `height x width`, the column matrix has one row per
/// (channel, kernel row, kernel column) and one column per output position: row-major
/// `[channelCount * S * S, outputHeight * outputWidth]`. Positions that fall into the zero padding read 0
/// (im2col) or are dropped (col2im).
struct Im2Col {
    let height: Int
    let width: Int
    let kernelSize: Int
    let stride: Int
    let padding: Int
    let outputHeight: Int
    let outputWidth: Int

    /// Columns of the matrix: output positions per channel.
    var outputPlaneSize: Int { outputHeight * outputWidth }

    /// The output columns `ox` whose input column `ox * stride + offset` lies inside the image.
    @inline(__always)
    func validOutputColumns(inputOffset offset: Int) -> Range<Int> {
        let first = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let last = width - 1 - offset >= 0 ? min(outputWidth, (width - 1 - offset) / stride + 1) : 0
        return first..<max(first, last)
    }

    /// Unfolds `channelCount` consecutive planes starting at `image` into `columns`.
    func unfold(_ image: UnsafePointer<Float>, channelCount: Int, into columns: UnsafeMutablePointer<Float>) {
        let planeSize = height * width
        var row = columns
        for channel in 0..<channelCount {
            let plane = image + channel * planeSize
            for kernelRow in 0..<kernelSize {
                for kernelColumn in 0..<kernelSize {
                    let columnOffset = kernelColumn - padding
                    let valid = validOutputColumns(inputOffset: columnOffset)
                    for outputRow in 0..<outputHeight {
                        let target = row + outputRow * outputWidth
                        let inputRow = outputRow * stride + kernelRow - padding
                        guard inputRow >= 0 && inputRow < height, !valid.isEmpty else {
                            target.update(repeating: 0, count: outputWidth)
                            continue
                        }
                        target.update(repeating: 0, count: valid.lowerBound)
                        let line = plane + inputRow * width
                        if stride == 1 {
                            (target + valid.lowerBound).update(
                                from: line + (valid.lowerBound + columnOffset), count: valid.count)
                        } else {
                            for outputColumn in valid {
                                target[outputColumn] = line[outputColumn * stride + columnOffset]
                            }
                        }
                        (target + valid.upperBound).update(repeating: 0, count: outputWidth - valid.upperBound)
                    }
                    row += outputPlaneSize
                }
            }
        }
    }

    /// Adds the column gradients in `columns` onto `channelCount` consecutive planes starting at `image`.
    func foldAdding(_ columns: UnsafePointer<Float>, channelCount: Int, into image: UnsafeMutablePointer<Float>) {
        let planeSize = height * width
        var row = columns
        for channel in 0..<channelCount {
            let plane = image + channel * planeSize
            for kernelRow in 0..<kernelSize {
                for kernelColumn in 0..<kernelSize {
                    let columnOffset = kernelColumn - padding
                    let valid = validOutputColumns(inputOffset: columnOffset)
                    for outputRow in 0..<outputHeight {
                        let inputRow = outputRow * stride + kernelRow - padding
                        guard inputRow >= 0 && inputRow < height else { continue }
                        let source = row + outputRow * outputWidth
                        let line = plane + inputRow * width
                        if stride == 1 {
                            for outputColumn in valid { line[outputColumn + columnOffset] += source[outputColumn] }
                        } else {
                            for outputColumn in valid {
                                line[outputColumn * stride + columnOffset] += source[outputColumn]
                            }
                        }
                    }
                    row += outputPlaneSize
                }
            }
        }
    }
}
