/// Gathering, scattering and concatenating along the channel dimension (dimension 1).
extension Tensor {
    /// The tensor restricted to some channels, in the order given.
    /// - Parameter channels: Channel indices, each within ``channelCount``.
    /// - Returns: A tensor of shape `[N, channels.count, ...]`.
    /// - Complexity: O(N · channels.count · ``spatialSize``).
    public func selectingChannels(_ channels: [Int]) -> Tensor {
        let sampleCount = batchSize
        let channelCount = self.channelCount
        let spatialSize = self.spatialSize
        var newShape = shape
        newShape[1] = channels.count
        if channels.count == channelCount && channels.elementsEqual(0..<channelCount) {
            return self
        }
        var result = [Float](repeating: 0, count: sampleCount * channels.count * spatialSize)
        values.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for sample in 0..<sampleCount {
                    for (position, channel) in channels.enumerated() {
                        precondition(
                            channel >= 0 && channel < channelCount,
                            "Tensor: channel \(channel) is outside 0..<\(channelCount)")
                        let from = (sample * channelCount + channel) * spatialSize
                        let to = (sample * channels.count + position) * spatialSize
                        for offset in 0..<spatialSize { target[to + offset] = source[from + offset] }
                    }
                }
            }
        }
        return Tensor(shape: newShape, values: result)
    }

    /// Tensors of equal shape except dimension 1, joined along dimension 1.
    /// - Parameter parts: At least one tensor; all share N and the trailing extents.
    /// - Returns: A tensor with the parts' channel counts summed.
    /// - Complexity: O(total element count).
    public static func concatenatingChannels(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "Tensor: nothing to concatenate")
        let first = parts[0]
        let sampleCount = first.batchSize
        let spatialSize = first.spatialSize
        for part in parts {
            precondition(
                part.rank == first.rank && part.batchSize == sampleCount
                    && part.shape.dropFirst(2) == first.shape.dropFirst(2),
                "Tensor: cannot concatenate shapes \(first.shape) and \(part.shape) along channels")
        }
        let totalChannels = parts.reduce(0) { $0 + $1.channelCount }
        var result = [Float]()
        result.reserveCapacity(sampleCount * totalChannels * spatialSize)
        for sample in 0..<sampleCount {
            for part in parts {
                let run = part.channelCount * spatialSize
                result.append(contentsOf: part.values[(sample * run)..<((sample + 1) * run)])
            }
        }
        var newShape = first.shape
        newShape[1] = totalChannels
        return Tensor(shape: newShape, values: result)
    }

    /// Splits dimension 1 into consecutive runs of the given channel counts; the inverse of
    /// ``concatenatingChannels(_:)``.
    /// - Parameter channelCounts: Counts that sum to ``channelCount``.
    /// - Returns: One tensor per count.
    /// - Complexity: O(element count).
    public func splittingChannels(_ channelCounts: [Int]) -> [Tensor] {
        precondition(
            channelCounts.reduce(0, +) == channelCount && channelCounts.allSatisfy { $0 >= 0 },
            "Tensor: channel counts \(channelCounts) do not split \(channelCount) channels")
        let sampleCount = batchSize
        let spatialSize = self.spatialSize
        var parts = [Tensor]()
        var firstChannel = 0
        for partChannels in channelCounts {
            var part = [Float]()
            part.reserveCapacity(sampleCount * partChannels * spatialSize)
            for sample in 0..<sampleCount {
                let start = (sample * channelCount + firstChannel) * spatialSize
                part.append(contentsOf: values[start..<(start + partChannels * spatialSize)])
            }
            var partShape = shape
            partShape[1] = partChannels
            parts.append(Tensor(shape: partShape, values: part))
            firstChannel += partChannels
        }
        return parts
    }

    /// The sum of each channel over the batch and all trailing dimensions, accumulated in Double.
    /// - Returns: A tensor of shape `[C]`; the bias gradient of conv2d and linear from g(y_l).
    /// - Complexity: O(element count).
    public func channelSums() -> Tensor {
        let sampleCount = batchSize
        let channelCount = self.channelCount
        let spatialSize = self.spatialSize
        var sums = [Double](repeating: 0, count: channelCount)
        values.withUnsafeBufferPointer { source in
            for sample in 0..<sampleCount {
                for channel in 0..<channelCount {
                    let start = (sample * channelCount + channel) * spatialSize
                    var total: Float = 0
                    for offset in start..<(start + spatialSize) { total += source[offset] }
                    sums[channel] += Double(total)
                }
            }
        }
        return Tensor(shape: [channelCount], values: sums.map { Float($0) })
    }
}
