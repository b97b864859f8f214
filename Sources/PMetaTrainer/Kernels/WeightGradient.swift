/// g(w_l) restricted to selected output channels (rows) and input channels (columns), stored compactly.
///
/// For a weight of shape `[C_out, C_in / G, S, S]` (conv2d with G groups) or `[C_out, C_in]` (linear),
/// only the entries linking a selected output channel f to a selected input channel c of the same group
/// exist. ``values`` lists them row by row: for each f of ``outputChannels`` in order, for each c of
/// ``inputChannels`` in f's group in order, the `S * S` kernel elements. With one group this is a dense
/// `[|F|, |C|, S, S]` block: μ^bw·μ^fw·m(w) words (Appendix A.1); with every channel selected it is
/// exactly the weight's own layout.
public struct WeightGradient: Sendable, Hashable {
    /// The shape of the full weight the gradient belongs to.
    public let weightShape: [Int]

    /// The number of groups G of the layer (1 for linear).
    public let groupCount: Int

    /// The output channels f whose rows exist, strictly increasing.
    public let outputChannels: [Int]

    /// The input channels c (indices into the full input) whose columns exist, strictly increasing.
    public let inputChannels: [Int]

    /// The gradient entries in the order described above.
    public var values: [Float]

    /// Creates a gradient from its compact values.
    /// - Parameters:
    ///   - weightShape: The shape of the full weight: `[C_out, C_in / G, ...]`.
    ///   - groupCount: The number of groups G.
    ///   - outputChannels: The selected output channels, strictly increasing.
    ///   - inputChannels: The selected input channels, strictly increasing.
    ///   - values: The entries, as many as the selection holds.
    public init(weightShape: [Int], groupCount: Int, outputChannels: [Int], inputChannels: [Int], values: [Float]) {
        precondition(weightShape.count >= 2, "WeightGradient: weight shape \(weightShape) needs at least 2 dimensions")
        precondition(
            groupCount > 0 && weightShape[0] % groupCount == 0,
            "WeightGradient: \(weightShape[0]) output channels do not split into \(groupCount) groups")
        self.weightShape = weightShape
        self.groupCount = groupCount
        self.outputChannels = ChannelSelection.only(outputChannels).indices(channelCount: weightShape[0])
        self.inputChannels = ChannelSelection.only(inputChannels).indices(channelCount: weightShape[1] * groupCount)
        self.values = []
        precondition(
            values.count == entryCount, "WeightGradient: expected \(entryCount) values, got \(values.count)")
        self.values = values
    }

    /// Elements per (output channel, input channel) pair: `S * S` for conv2d, 1 for linear.
    public var kernelElementCount: Int { Tensor.elementCount(of: Array(weightShape.dropFirst(2))) }

    /// The group an output channel belongs to.
    func group(ofOutputChannel channel: Int) -> Int { channel / (weightShape[0] / groupCount) }

    /// The group an input channel belongs to.
    func group(ofInputChannel channel: Int) -> Int { channel / weightShape[1] }

    /// For each group, the selected input channels in it.
    var inputChannelsByGroup: [[Int]] {
        var byGroup = [[Int]](repeating: [], count: groupCount)
        for channel in inputChannels { byGroup[group(ofInputChannel: channel)].append(channel) }
        return byGroup
    }

    /// The number of entries the selection holds, μ^bw·μ^fw·m(w) words for one group.
    var entryCount: Int {
        let inputCounts = inputChannelsByGroup.map(\.count)
        return outputChannels.reduce(0) { $0 + inputCounts[group(ofOutputChannel: $1)] } * kernelElementCount
    }

    /// Visits every stored row segment: the output channel, the input channel, the offset of its first
    /// kernel element in ``values`` and in the dense weight.
    func forEachEntry(_ body: (_ outputChannel: Int, _ inputChannel: Int, _ compactOffset: Int, _ denseOffset: Int) -> Void) {
        let byGroup = inputChannelsByGroup
        let kernelElements = kernelElementCount
        var compactOffset = 0
        for outputChannel in outputChannels {
            let group = group(ofOutputChannel: outputChannel)
            for inputChannel in byGroup[group] {
                let localInput = inputChannel - group * weightShape[1]
                let denseOffset = (outputChannel * weightShape[1] + localInput) * kernelElements
                body(outputChannel, inputChannel, compactOffset, denseOffset)
                compactOffset += kernelElements
            }
        }
    }

    /// The gradient as a tensor of the full weight shape, with zeros where nothing was computed.
    /// - Returns: A tensor of shape ``weightShape``.
    /// - Complexity: O(m(w)).
    public func dense() -> Tensor {
        var result = Tensor(zeros: weightShape)
        let kernelElements = kernelElementCount
        result.values.withUnsafeMutableBufferPointer { target in
            forEachEntry { _, _, compactOffset, denseOffset in
                for element in 0..<kernelElements { target[denseOffset + element] = values[compactOffset + element] }
            }
        }
        return result
    }

    /// The stored entry linking an output channel to an input channel, or `nil` if it was not computed.
    /// - Parameters:
    ///   - outputChannel: The output channel f.
    ///   - inputChannel: The input channel c, an index into the full input.
    ///   - kernelOffset: The row-major position within the `S x S` kernel (0 for linear).
    /// - Returns: The entry, or `nil` when f or c was not selected or they are in different groups.
    /// - Complexity: O(number of entries / kernel elements).
    public func value(outputChannel: Int, inputChannel: Int, kernelOffset: Int = 0) -> Float? {
        precondition(kernelOffset >= 0 && kernelOffset < kernelElementCount, "WeightGradient: bad kernel offset")
        var found: Float?
        forEachEntry { output, input, compactOffset, _ in
            if output == outputChannel && input == inputChannel { found = values[compactOffset + kernelOffset] }
        }
        return found
    }

    /// Adds `scale` times this gradient to the selected entries of a weight: the SGD step
    /// w_l ← w_l − α_l·g(w_l) with `scale = −α_l`, touching nothing else.
    /// - Parameters:
    ///   - weight: The weight, of shape ``weightShape``.
    ///   - scale: The factor applied to the gradient.
    /// - Complexity: O(number of entries).
    public func apply(to weight: inout Tensor, scaledBy scale: Float) {
        precondition(weight.shape == weightShape, "WeightGradient: weight shape \(weight.shape) is not \(weightShape)")
        let kernelElements = kernelElementCount
        weight.values.withUnsafeMutableBufferPointer { target in
            forEachEntry { _, _, compactOffset, denseOffset in
                for element in 0..<kernelElements {
                    target[denseOffset + element] += scale * values[compactOffset + element]
                }
            }
        }
    }
}
