/// A 2-D convolution over `[N, C, H, W]` tensors with square kernels, stride, zero padding and groups.
///
/// The weight is `[C_out, C_in / G, S, S]`; input channel block g of `C_in / G` channels feeds output
/// channel block g of `C_out / G` channels. Depthwise convolution is `groupCount == inputChannels`.
/// Forward and backward lower each (sample, group) to one ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``
/// over an im2col matrix (1 x 1 convolutions with stride 1 and no padding skip the unfolding).
public struct Conv2D: Sendable, Hashable {
    /// C_{l-1}, the channels of the input.
    public let inputChannels: Int

    /// C_l, the channels of the output.
    public let outputChannels: Int

    /// S_l, the height and width of the kernel.
    public let kernelSize: Int

    /// The step between kernel positions, in both directions.
    public let stride: Int

    /// The zero padding added on every side.
    public let padding: Int

    /// G, the number of groups; divides both channel counts.
    public let groupCount: Int

    /// Creates a convolution.
    /// - Parameters:
    ///   - inputChannels: C_{l-1}.
    ///   - outputChannels: C_l.
    ///   - kernelSize: S_l.
    ///   - stride: The step between kernel positions.
    ///   - padding: The zero padding on every side.
    ///   - groupCount: G; `inputChannels` for depthwise convolution.
    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        groupCount: Int = 1
    ) {
        precondition(inputChannels > 0 && outputChannels > 0, "Conv2D: channel counts must be positive")
        precondition(kernelSize > 0 && stride > 0 && padding >= 0, "Conv2D: bad kernel size, stride or padding")
        precondition(
            groupCount > 0 && inputChannels % groupCount == 0 && outputChannels % groupCount == 0,
            "Conv2D: \(groupCount) groups do not divide \(inputChannels) -> \(outputChannels) channels")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.groupCount = groupCount
    }

    /// The shape of the weight: `[C_out, C_in / G, S, S]`.
    public var weightShape: [Int] { [outputChannels, inputChannels / groupCount, kernelSize, kernelSize] }

    /// The shape of the output for an input shape `[N, C_in, H, W]`.
    /// - Parameter inputShape: The input's shape.
    /// - Returns: `[N, C_out, (H + 2P - S) / stride + 1, (W + 2P - S) / stride + 1]`.
    public func outputShape(forInputShape inputShape: [Int]) -> [Int] {
        precondition(
            inputShape.count == 4 && inputShape[1] == inputChannels,
            "Conv2D: expected input [N, \(inputChannels), H, W], got \(inputShape)")
        let geometry = self.geometry(height: inputShape[2], width: inputShape[3])
        return [inputShape[0], outputChannels, geometry.outputHeight, geometry.outputWidth]
    }

    /// The im2col geometry for one input plane size.
    func geometry(height: Int, width: Int) -> Im2Col {
        precondition(
            height + 2 * padding >= kernelSize && width + 2 * padding >= kernelSize,
            "Conv2D: a \(kernelSize)x\(kernelSize) kernel does not fit a padded \(height)x\(width) input")
        return Im2Col(
            height: height, width: width, kernelSize: kernelSize, stride: stride, padding: padding,
            outputHeight: (height + 2 * padding - kernelSize) / stride + 1,
            outputWidth: (width + 2 * padding - kernelSize) / stride + 1)
    }

    /// Whether the input plane is already the im2col matrix: a 1 x 1 kernel, stride 1, no padding.
    var isPointwise: Bool { kernelSize == 1 && stride == 1 && padding == 0 }

    /// Computes y_l = w_l * x_{l-1} + b and keeps the selected input channels for the weight gradient.
    /// - Parameters:
    ///   - input: x_{l-1}, `[N, C_in, H, W]`.
    ///   - weight: w_l, `[C_out, C_in / G, S, S]`.
    ///   - bias: `[C_out]`, or `nil` for none.
    ///   - savingInputChannels: The input channels to keep (γ^fw); ``ChannelSelection/none`` for inference
    ///     or a layer whose weights stay frozen.
    /// - Returns: y_l, `[N, C_out, H_out, W_out]`, and the saved input.
    /// - Complexity: O(N · H_out · W_out · m(w)) MACs; O(C_in / G · S² · H_out · W_out) scratch.
    public func forward(
        _ input: Tensor, weight: Tensor, bias: Tensor?, savingInputChannels: ChannelSelection = .all
    ) -> (output: Tensor, saved: SavedInput) {
        let outputShape = self.outputShape(forInputShape: input.shape)
        precondition(weight.shape == weightShape, "Conv2D: weight shape \(weight.shape) is not \(weightShape)")
        if let bias {
            precondition(bias.shape == [outputChannels], "Conv2D: bias shape \(bias.shape) is not [\(outputChannels)]")
        }
        let geometry = self.geometry(height: input.shape[2], width: input.shape[3])
        let sampleCount = input.shape[0]
        let inputPerGroup = inputChannels / groupCount
        let outputPerGroup = outputChannels / groupCount
        let inputPlane = geometry.height * geometry.width
        let outputPlane = geometry.outputPlaneSize
        let depth = inputPerGroup * kernelSize * kernelSize
        var output = [Float](repeating: 0, count: Tensor.elementCount(of: outputShape))
        var columns = [Float](repeating: 0, count: isPointwise ? 0 : depth * outputPlane)

        input.values.withUnsafeBufferPointer { inputBuffer in
            weight.values.withUnsafeBufferPointer { weightBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    columns.withUnsafeMutableBufferPointer { columnBuffer in
                        for sample in 0..<sampleCount {
                            for group in 0..<groupCount {
                                let image = inputBuffer.baseAddress!
                                    + (sample * inputChannels + group * inputPerGroup) * inputPlane
                                let matrix: UnsafePointer<Float>
                                if isPointwise {
                                    matrix = image
                                } else {
                                    geometry.unfold(image, channelCount: inputPerGroup, into: columnBuffer.baseAddress!)
                                    matrix = UnsafePointer(columnBuffer.baseAddress!)
                                }
                                gemm(
                                    transposeA: false, transposeB: false,
                                    m: outputPerGroup, n: outputPlane, k: depth,
                                    a: weightBuffer.baseAddress! + group * outputPerGroup * depth, lda: depth,
                                    b: matrix, ldb: outputPlane,
                                    c: outputBuffer.baseAddress!
                                        + (sample * outputChannels + group * outputPerGroup) * outputPlane,
                                    ldc: outputPlane)
                            }
                        }
                    }
                }
            }
        }
        if let bias {
            for sample in 0..<sampleCount {
                for channel in 0..<outputChannels {
                    let start = (sample * outputChannels + channel) * outputPlane
                    let value = bias.values[channel]
                    for offset in start..<(start + outputPlane) { output[offset] += value }
                }
            }
        }
        return (Tensor(shape: outputShape, values: output), SavedInput(keeping: savingInputChannels, of: input))
    }
}
