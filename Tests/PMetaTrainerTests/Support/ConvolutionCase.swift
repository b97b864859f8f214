import PMetaTrainer
import Testing

/// A small named convolution with random data, shared by the conv2d forward and gradient tests.
struct ConvolutionCase: CustomTestStringConvertible, Sendable {
    let name: String
    let convolution: Conv2D
    let inputShape: [Int]
    /// The input channels whose weight gradients a subset test computes (γ^fw).
    let selectedInputs: [Int]
    /// The output channels whose weight gradients a subset test computes (γ^bw).
    let selectedOutputs: [Int]
    /// The entry count of the subset weight gradient, counted by hand in `all`.
    let selectedEntryCount: Int

    var testDescription: String { name }

    static let all = [
        // One group: entries = |F| * |C| * 9 = 2 * 2 * 9 = 36; outputs 1 and 3 are not adjacent.
        ConvolutionCase(
            name: "3x3 stride 1 pad 1", convolution: Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 3, padding: 1),
            inputShape: [2, 3, 5, 4], selectedInputs: [0, 2], selectedOutputs: [1, 3], selectedEntryCount: 36),
        // Groups of 2 inputs and 3 outputs. Group 0: f ∈ {0}, c ∈ {1}; group 1: f ∈ {3, 5}, c ∈ {2}.
        // Entries = (1 * 1 + 2 * 1) * 9 = 27.
        ConvolutionCase(
            name: "grouped 3x3 stride 2 pad 1",
            convolution: Conv2D(inputChannels: 4, outputChannels: 6, kernelSize: 3, stride: 2, padding: 1, groupCount: 2),
            inputShape: [2, 4, 7, 6], selectedInputs: [1, 2], selectedOutputs: [0, 3, 5], selectedEntryCount: 27),
        // Depthwise: f ↔ c one to one. Kept pairs (1, 1) and (3, 3); output 0 has no input: 2 * 9 = 18.
        ConvolutionCase(
            name: "depthwise 3x3 stride 2 pad 1",
            convolution: Conv2D(inputChannels: 4, outputChannels: 4, kernelSize: 3, stride: 2, padding: 1, groupCount: 4),
            inputShape: [2, 4, 6, 5], selectedInputs: [1, 3], selectedOutputs: [0, 1, 3], selectedEntryCount: 18),
        // Depthwise with multiplier 2: outputs 2c and 2c+1 read input c. Kept: (2, 1), (3, 1), (4, 2): 3 * 4 = 12.
        ConvolutionCase(
            name: "depthwise multiplier 2 2x2 stride 3",
            convolution: Conv2D(inputChannels: 3, outputChannels: 6, kernelSize: 2, stride: 3, padding: 1, groupCount: 3),
            inputShape: [1, 3, 7, 8], selectedInputs: [1, 2], selectedOutputs: [2, 3, 4], selectedEntryCount: 12),
        // Stride 1 wide enough for the register-blocked kernels' inside chunks (columns 8-15 of 21) and a block of four
        // output channels plus two. Entries = |F| * |C| * 9 = 3 * 3 * 9 = 81.
        ConvolutionCase(
            name: "3x3 stride 1 pad 1 wide", convolution: Conv2D(inputChannels: 5, outputChannels: 6, kernelSize: 3, padding: 1),
            inputShape: [2, 5, 9, 21], selectedInputs: [0, 3, 4], selectedOutputs: [1, 2, 5], selectedEntryCount: 81),
        // Stride 1, no padding: output 4 x 28. Entries = 4 * 1 * 9 = 36.
        ConvolutionCase(
            name: "3x3 stride 1 pad 0", convolution: Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 3),
            inputShape: [1, 3, 6, 30], selectedInputs: [2], selectedOutputs: [0, 1, 2, 3], selectedEntryCount: 36),
        // Stride 1, 5 x 5, two groups of 2 inputs and 4 outputs. Group 0: f ∈ {0}, c ∈ {1}; group 1: f ∈ {5, 6},
        // c ∈ {2}. Entries = (1 * 1 + 2 * 1) * 25 = 75.
        ConvolutionCase(
            name: "grouped 5x5 stride 1 pad 2",
            convolution: Conv2D(inputChannels: 4, outputChannels: 8, kernelSize: 5, padding: 2, groupCount: 2),
            inputShape: [1, 4, 7, 26], selectedInputs: [1, 2], selectedOutputs: [0, 5, 6], selectedEntryCount: 75),
        // Stride 1, padding 2: output 6 x 12, chunks of four output columns at 0 (masked), 4 (inside) and 8 (masked:
        // 8 − 2 + 6 > 10). Entries = 3 * 2 * 9 = 54.
        ConvolutionCase(
            name: "3x3 stride 1 pad 2", convolution: Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 3, padding: 2),
            inputShape: [2, 3, 4, 10], selectedInputs: [0, 2], selectedOutputs: [0, 2, 3], selectedEntryCount: 54),
        // 4Conv's last block in small: 10 x 10, seven outputs (weight-gradient blocks of 3, 3 and 1), the last chunk
        // half outside the row. Entries = 7 * 3 * 9 = 189.
        ConvolutionCase(
            name: "3x3 stride 1 pad 1 ten", convolution: Conv2D(inputChannels: 3, outputChannels: 7, kernelSize: 3, padding: 1),
            inputShape: [1, 3, 10, 10], selectedInputs: [0, 1, 2], selectedOutputs: Array(0..<7), selectedEntryCount: 189),
        // Pointwise: no im2col. Entries = 2 * 3 * 1 = 6.
        ConvolutionCase(
            name: "pointwise 1x1", convolution: Conv2D(inputChannels: 5, outputChannels: 3, kernelSize: 1),
            inputShape: [2, 5, 3, 3], selectedInputs: [0, 3, 4], selectedOutputs: [0, 2], selectedEntryCount: 6),
    ]

    /// Input, weight, bias and an output gradient r, drawn from a seed fixed by the case.
    func randomData() -> (input: Tensor, weight: Tensor, bias: Tensor, outputGradient: Tensor) {
        var generator = SplitMix64(seed: UInt64(name.utf8.reduce(0) { $0 &* 31 &+ Int($1) }.magnitude))
        let input = Tensor(randomNormal: inputShape, using: &generator)
        let weight = Tensor(randomNormal: convolution.weightShape, using: &generator)
        let bias = Tensor(randomNormal: [convolution.outputChannels], using: &generator)
        let outputGradient = Tensor(
            randomNormal: convolution.outputShape(forInputShape: inputShape), using: &generator)
        return (input, weight, bias, outputGradient)
    }

    /// The convolution written as the definition's loops, in Double: y_{fij} = b_f + Σ w_{fcmn} x_{c,i·s+m−p,j·s+n−p}.
    func referenceForward(input: Tensor, weight: Tensor, bias: Tensor?) -> [Double] {
        let conv = convolution
        let (sampleCount, height, width) = (inputShape[0], inputShape[2], inputShape[3])
        let outputShape = conv.outputShape(forInputShape: inputShape)
        let (outputHeight, outputWidth) = (outputShape[2], outputShape[3])
        let inputPerGroup = conv.inputChannels / conv.groupCount
        let outputPerGroup = conv.outputChannels / conv.groupCount
        var output = [Double]()
        for sample in 0..<sampleCount {
            for outputChannel in 0..<conv.outputChannels {
                let group = outputChannel / outputPerGroup
                for row in 0..<outputHeight {
                    for column in 0..<outputWidth {
                        var total = bias.map { Double($0.values[outputChannel]) } ?? 0
                        for local in 0..<inputPerGroup {
                            for kernelRow in 0..<conv.kernelSize {
                                for kernelColumn in 0..<conv.kernelSize {
                                    let inputRow = row * conv.stride + kernelRow - conv.padding
                                    let inputColumn = column * conv.stride + kernelColumn - conv.padding
                                    guard (0..<height).contains(inputRow), (0..<width).contains(inputColumn) else {
                                        continue
                                    }
                                    total += Double(input[sample, group * inputPerGroup + local, inputRow, inputColumn])
                                        * Double(weight[outputChannel, local, kernelRow, kernelColumn])
                                }
                            }
                        }
                        output.append(total)
                    }
                }
            }
        }
        return output
    }
}
