/// A direct, scratch-free convolution for what ``Conv2D`` does not take: rectangular kernels and strides,
/// dilation, asymmetric padding, and conv1d (a `[N, C, L]` sequence is the image `[N, C, 1, L]`).
///
/// It computes the sums of Appendix A.1.2 with plain loops, allocating only its results; the im2col choice
/// does not apply to it.
public struct GeneralConvolution: Sendable, Hashable {
    public let inputChannels: Int
    public let outputChannels: Int
    /// Kernel height and width.
    public let kernel: (height: Int, width: Int)
    public let stride: (height: Int, width: Int)
    public let dilation: (height: Int, width: Int)
    /// Top, left, bottom, right.
    public let padding: (top: Int, left: Int, bottom: Int, right: Int)
    public let groupCount: Int

    /// Creates the kernel; every size positive, padding non-negative, groups dividing both channel counts.
    public init(inputChannels: Int, outputChannels: Int, kernel: (height: Int, width: Int), stride: (height: Int, width: Int),
                dilation: (height: Int, width: Int), padding: (top: Int, left: Int, bottom: Int, right: Int), groupCount: Int) {
        precondition(inputChannels % groupCount == 0 && outputChannels % groupCount == 0, "GeneralConvolution: groups must divide the channels")
        precondition(kernel.height > 0 && kernel.width > 0 && stride.height > 0 && stride.width > 0 && dilation.height > 0 && dilation.width > 0,
                     "GeneralConvolution: sizes must be positive")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernel = kernel
        self.stride = stride
        self.dilation = dilation
        self.padding = padding
        self.groupCount = groupCount
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.inputChannels == rhs.inputChannels && lhs.outputChannels == rhs.outputChannels && lhs.kernel == rhs.kernel
            && lhs.stride == rhs.stride && lhs.dilation == rhs.dilation && lhs.padding == rhs.padding && lhs.groupCount == rhs.groupCount
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(inputChannels)
        hasher.combine(outputChannels)
        hasher.combine(kernel.height)
        hasher.combine(kernel.width)
        hasher.combine(groupCount)
    }

    /// `[C_out, C_in / G, kh, kw]`.
    public var weightShape: [Int] { [outputChannels, inputChannels / groupCount, kernel.height, kernel.width] }

    /// `[N, C_out, H_out, W_out]` for an image input `[N, C_in, H, W]`.
    public func outputShape(forInputShape shape: [Int]) -> [Int] {
        precondition(shape.count == 4 && shape[1] == inputChannels, "GeneralConvolution: expected [N, \(inputChannels), H, W], got \(shape)")
        let height = (shape[2] + padding.top + padding.bottom - dilation.height * (kernel.height - 1) - 1) / stride.height + 1
        let width = (shape[3] + padding.left + padding.right - dilation.width * (kernel.width - 1) - 1) / stride.width + 1
        return [shape[0], outputChannels, height, width]
    }

    /// Calls `body(outputOffset, inputOffset, weightOffset)` for every product of one sample, output channel
    /// and input channel of its group: the one loop nest the three passes share.
    @inline(__always)
    private func forEachProduct(inputShape: [Int], outputShape: [Int], outputChannel: Int, localInput: Int,
                                _ body: (Int, Int, Int) -> Void) {
        let (height, width) = (inputShape[2], inputShape[3])
        let (outputHeight, outputWidth) = (outputShape[2], outputShape[3])
        for kernelRow in 0..<kernel.height {
            for kernelColumn in 0..<kernel.width {
                let weightOffset = ((outputChannel * (inputChannels / groupCount) + localInput) * kernel.height + kernelRow) * kernel.width + kernelColumn
                for outputRow in 0..<outputHeight {
                    let row = outputRow * stride.height + kernelRow * dilation.height - padding.top
                    guard row >= 0 && row < height else { continue }
                    for outputColumn in 0..<outputWidth {
                        let column = outputColumn * stride.width + kernelColumn * dilation.width - padding.left
                        guard column >= 0 && column < width else { continue }
                        body(outputRow * outputWidth + outputColumn, row * width + column, weightOffset)
                    }
                }
            }
        }
    }

    /// y = w ⋆ x + b.
    public func forward(_ input: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let outputShape = self.outputShape(forInputShape: input.shape)
        let (inputPlane, outputPlane) = (input.shape[2] * input.shape[3], outputShape[2] * outputShape[3])
        let (inputPerGroup, outputPerGroup) = (inputChannels / groupCount, outputChannels / groupCount)
        var output = [Float](repeating: 0, count: Tensor.elementCount(of: outputShape))
        for sample in 0..<input.shape[0] {
            for outputChannel in 0..<outputChannels {
                let target = (sample * outputChannels + outputChannel) * outputPlane
                if let bias { for position in 0..<outputPlane { output[target + position] = bias.values[outputChannel] } }
                let group = outputChannel / outputPerGroup
                for localInput in 0..<inputPerGroup {
                    let source = (sample * inputChannels + group * inputPerGroup + localInput) * inputPlane
                    forEachProduct(inputShape: input.shape, outputShape: outputShape, outputChannel: outputChannel, localInput: localInput) {
                        output[target + $0] += weight.values[$2] * input.values[source + $1]
                    }
                }
            }
        }
        return Tensor(shape: outputShape, values: output)
    }

    /// g(x) = wᵀ ⋆ g(y), added to `existing` (a gradient from another reader) when given.
    public func inputGradient(outputGradient: Tensor, weight: Tensor, inputShape: [Int], adding existing: Tensor? = nil) -> Tensor {
        let outputShape = self.outputShape(forInputShape: inputShape)
        precondition(outputGradient.shape == outputShape, "GeneralConvolution: gradient \(outputGradient.shape) is not \(outputShape)")
        let (inputPlane, outputPlane) = (inputShape[2] * inputShape[3], outputShape[2] * outputShape[3])
        let (inputPerGroup, outputPerGroup) = (inputChannels / groupCount, outputChannels / groupCount)
        var result = existing?.values ?? [Float](repeating: 0, count: Tensor.elementCount(of: inputShape))
        for sample in 0..<inputShape[0] {
            for outputChannel in 0..<outputChannels {
                let source = (sample * outputChannels + outputChannel) * outputPlane
                let group = outputChannel / outputPerGroup
                for localInput in 0..<inputPerGroup {
                    let target = (sample * inputChannels + group * inputPerGroup + localInput) * inputPlane
                    forEachProduct(inputShape: inputShape, outputShape: outputShape, outputChannel: outputChannel, localInput: localInput) {
                        result[target + $1] += weight.values[$2] * outputGradient.values[source + $0]
                    }
                }
            }
        }
        return Tensor(shape: inputShape, values: result)
    }

    /// Adds g(w) for the gradient's selected channels, and the bias gradient, from the saved input channels.
    public func accumulateWeightGradient(outputGradient: Tensor, saved: SavedInput, into gradient: inout WeightGradient,
                                         biasGradient: inout Tensor?) {
        let outputShape = self.outputShape(forInputShape: saved.inputShape)
        let (inputPlane, outputPlane) = (saved.inputShape[2] * saved.inputShape[3], outputShape[2] * outputShape[3])
        let inputPerGroup = inputChannels / groupCount
        let outputPerGroup = outputChannels / groupCount
        let kernelArea = kernel.height * kernel.width
        var positionOfChannel = [Int](repeating: -1, count: inputChannels)
        for (position, channel) in saved.channels.enumerated() { positionOfChannel[channel] = position }
        let savedCount = saved.channels.count
        var compactOffset = 0
        for outputChannel in gradient.outputChannels {
            for inputChannel in gradient.inputChannelsByGroup[outputChannel / outputPerGroup] {
                defer { compactOffset += kernelArea }
                let position = positionOfChannel[inputChannel]
                precondition(position >= 0, "GeneralConvolution: input channel \(inputChannel) was not saved")
                let localInput = inputChannel % inputPerGroup
                let denseBase = (outputChannel * inputPerGroup + localInput) * kernelArea
                for sample in 0..<saved.inputShape[0] {
                    let source = (sample * outputChannels + outputChannel) * outputPlane
                    let image = (sample * savedCount + position) * inputPlane
                    forEachProduct(inputShape: saved.inputShape, outputShape: outputShape, outputChannel: outputChannel, localInput: localInput) {
                        gradient.values[compactOffset + $2 - denseBase] += outputGradient.values[source + $0] * saved.tensor.values[image + $1]
                    }
                }
            }
        }
        if biasGradient != nil { outputGradient.accumulateChannelSums(into: &biasGradient!) }
    }
}
