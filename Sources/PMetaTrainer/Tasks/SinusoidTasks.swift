import Foundation

/// Sinusoid regression, the MAML benchmark: y = A sin(x − φ) with amplitude A in [0.1, 5], phase φ in [0, π]
/// and x uniform in [−5, 5]; K support points, the mean squared error on the query points.
public struct SinusoidTasks: TaskFamily {
    /// K, support points per task.
    public var shots: Int
    /// Query points per task.
    public var queryPoints: Int

    /// Creates the family.
    /// - Parameters:
    ///   - shots: K, support points per task (10 in MAML's 10-shot regression).
    ///   - queryPoints: Query points per task.
    public init(shots: Int = 10, queryPoints: Int = 20) {
        precondition(shots >= 1 && queryPoints >= 1, "SinusoidTasks: shots and query points must be positive")
        self.shots = shots
        self.queryPoints = queryPoints
    }

    public var sampleShape: [Int] { [1] }
    public var outputShape: [Int] { [1] }
    public var isClassification: Bool { false }

    /// The amplitude range.
    public static let amplitudes: ClosedRange<Double> = 0.1...5
    /// The phase range.
    public static let phases: ClosedRange<Double> = 0...Double.pi
    /// The input range.
    public static let inputs: ClosedRange<Double> = -5...5

    /// Draws a sinusoid and its points. The splits share the distribution; their tasks come from
    /// independent streams because each split mixes its own constant into the generator's output.
    public func task(from split: TaskSplit, using generator: inout some RandomNumberGenerator) -> FewShotTask {
        var stream = SplitMix64(seed: generator.next() ^ split.streamConstant)
        let amplitude = Double.random(in: Self.amplitudes, using: &stream)
        let phase = Double.random(in: Self.phases, using: &stream)
        func points(_ count: Int) -> Batch {
            let inputs = (0..<count).map { _ in Double.random(in: Self.inputs, using: &stream) }
            return Batch(inputs: Tensor(shape: [count, 1], values: inputs.map { Float($0) }),
                         targets: .values(Tensor(shape: [count, 1], values: inputs.map { Float(amplitude * sin($0 - phase)) })))
        }
        return FewShotTask(support: points(shots), query: points(queryPoints))
    }
}

extension TaskSplit {
    /// A constant that separates the random streams of the splits.
    var streamConstant: UInt64 {
        switch self {
        case .training: 0x5452_4149_4E49_4E47
        case .validation: 0x5641_4C49_4441_5445
        case .test: 0x5445_5354_5445_5354
        }
    }
}
