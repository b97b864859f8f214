import Foundation

/// Softmax followed by cross-entropy against integer class labels, averaged over the batch.
public enum SoftmaxCrossEntropy {
    /// The mean loss and its gradient with respect to the logits.
    ///
    /// ℓ = (1/N) Σ_n [logsumexp(z_n) − z_{n, label_n}]; ∂ℓ/∂z_{nk} = (softmax(z_n)_k − [k = label_n]) / N.
    /// The maximum logit is subtracted first, so large logits do not overflow.
    /// - Parameters:
    ///   - logits: `[N, K]`.
    ///   - labels: N class indices in `0..<K`.
    /// - Returns: The mean loss and g(logits), `[N, K]`.
    /// - Complexity: O(N · K).
    public static func evaluate(logits: Tensor, labels: [Int]) -> (loss: Float, logitsGradient: Tensor) {
        precondition(logits.rank == 2, "SoftmaxCrossEntropy: expected logits [N, K], got \(logits.shape)")
        let (sampleCount, classCount) = (logits.shape[0], logits.shape[1])
        precondition(labels.count == sampleCount, "SoftmaxCrossEntropy: \(labels.count) labels for \(sampleCount) samples")
        precondition(sampleCount > 0 && classCount > 0, "SoftmaxCrossEntropy: empty logits \(logits.shape)")
        var gradient = [Float](repeating: 0, count: logits.count)
        var totalLoss = 0.0
        for sample in 0..<sampleCount {
            let label = labels[sample]
            precondition(label >= 0 && label < classCount, "SoftmaxCrossEntropy: label \(label) is outside 0..<\(classCount)")
            let row = logits.values[(sample * classCount)..<((sample + 1) * classCount)]
            let largest = Double(row.max()!)
            var exponentials = row.map { exp(Double($0) - largest) }
            let total = exponentials.reduce(0, +)
            totalLoss += log(total) + largest - Double(row[row.startIndex + label])
            for index in exponentials.indices { exponentials[index] /= total }
            exponentials[label] -= 1
            for index in 0..<classCount {
                gradient[sample * classCount + index] = Float(exponentials[index] / Double(sampleCount))
            }
        }
        return (Float(totalLoss / Double(sampleCount)), Tensor(shape: logits.shape, values: gradient))
    }
}
