import Foundation

/// The training loss of a batch and its gradient with respect to the network output, in one allocation.
enum Loss {
    /// Softmax cross-entropy (class targets) or mean squared error (value targets), averaged over the
    /// batch, and `scale` times its gradient (`scale` = micro-batch / samples under accumulation).
    /// - Returns: The mean loss and the scaled gradient, shaped like `output`.
    static func evaluate(output: Tensor, targets: Targets, gradientScale scale: Float) -> (loss: Float, gradient: Tensor) {
        switch targets {
        case .classes(let labels):
            precondition(output.rank == 2 && labels.count == output.batchSize, "Loss: \(labels.count) labels for output \(output.shape)")
            let (samples, classes) = (output.shape[0], output.shape[1])
            var gradient = [Float](repeating: 0, count: output.count)
            var total = 0.0
            for sample in 0..<samples {
                let label = labels[sample]
                precondition(label >= 0 && label < classes, "Loss: label \(label) is outside 0..<\(classes)")
                let row = sample * classes
                var largest = -Float.infinity
                for index in 0..<classes { largest = max(largest, output.values[row + index]) }
                var sum = 0.0
                for index in 0..<classes { sum += exp(Double(output.values[row + index] - largest)) }
                total += log(sum) + Double(largest) - Double(output.values[row + label])
                for index in 0..<classes {
                    let probability = exp(Double(output.values[row + index] - largest)) / sum
                    gradient[row + index] = Float((probability - (index == label ? 1 : 0)) / Double(samples)) * scale
                }
            }
            return (Float(total / Double(samples)), Tensor(shape: output.shape, values: gradient))
        case .values(let values):
            precondition(values.count == output.count, "Loss: targets \(values.shape) for output \(output.shape)")
            var gradient = [Float](repeating: 0, count: output.count)
            var total = 0.0
            let count = Float(output.count)
            for index in 0..<output.count {
                let difference = output.values[index] - values.values[index]
                total += Double(difference) * Double(difference)
                gradient[index] = 2 * difference / count * scale
            }
            return (Float(total / Double(output.count)), Tensor(shape: output.shape, values: gradient))
        }
    }
}
