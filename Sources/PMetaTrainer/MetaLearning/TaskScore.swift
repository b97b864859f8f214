import Foundation

/// How a task's query predictions are scored: accuracy for classes, mean squared error for values.
public enum TaskMetric: String, Sendable, Hashable {
    case accuracy
    case meanSquaredError = "mse"

    /// The metric of `targets`.
    public init(_ targets: Targets) {
        switch targets {
        case .classes: self = .accuracy
        case .values: self = .meanSquaredError
        }
    }

    /// Whether larger is better.
    public var isHigherBetter: Bool { self == .accuracy }

    /// The score of `output` against `targets`: the fraction of arg-max hits, or the mean squared error.
    public static func score(_ output: Tensor, _ targets: Targets) -> Double {
        switch targets {
        case .classes(let labels):
            let classes = output.shape[1]
            var hits = 0
            for (sample, label) in labels.enumerated() {
                let row = output.values[(sample * classes)..<((sample + 1) * classes)]
                // A row with a NaN (a diverged adaptation) predicts no class: a miss, never a trap.
                guard !row.isEmpty, row.allSatisfy({ !$0.isNaN }), let largest = row.indices.max(by: { row[$0] < row[$1] }) else { continue }
                if largest - row.startIndex == label { hits += 1 }
            }
            return Double(hits) / Double(labels.count)
        case .values(let values):
            var total = 0.0
            for (predicted, expected) in zip(output.values, values.values) {
                total += Double(predicted - expected) * Double(predicted - expected)
            }
            return total / Double(values.count)
        }
    }
}

/// A mean over tasks with its 95% confidence interval, mean ± 1.96·s/√n.
public struct MeanWithInterval: Sendable, Hashable {
    /// The mean.
    public var mean: Double
    /// 1.96 times the standard error (0 for one sample).
    public var halfWidth: Double
    /// The number of samples.
    public var count: Int

    /// Summarizes `samples`.
    public init(_ samples: [Double]) {
        precondition(!samples.isEmpty, "MeanWithInterval: no samples")
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.count > 1
            ? samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count - 1) : 0
        self.count = samples.count
        self.mean = mean
        self.halfWidth = 1.96 * (variance / Double(samples.count)).squareRoot()
    }
}
