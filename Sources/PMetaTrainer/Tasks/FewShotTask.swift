/// One few-shot learning problem: adapt on the support set S, evaluate on the query set Q.
public struct FewShotTask: Sendable {
    /// S: the samples adaptation sees.
    public var support: Batch
    /// Q: the samples the adapted model is judged on (and meta-training's outer loss).
    public var query: Batch
    /// For classification, the family's number of the class behind each label 0..<N (empty for regression).
    public var classNumbers: [Int]

    /// Creates a task.
    public init(support: Batch, query: Batch, classNumbers: [Int] = []) {
        self.support = support
        self.query = query
        self.classNumbers = classNumbers
    }
}

/// Which part of a task family tasks come from. Meta-training, validation and test tasks never share a
/// class (image classification) or a random stream (regression).
public enum TaskSplit: String, Sendable, Hashable, CaseIterable {
    case training, validation, test
}

/// A family of tasks generated in code from a seed: no downloads, every task reproducible.
public protocol TaskFamily: Sendable {
    /// The shape of one input sample: `[C, H, W]` or `[F]`.
    var sampleShape: [Int] { get }
    /// The shape of one output: `[classes]` or `[values]`.
    var outputShape: [Int] { get }
    /// Whether the targets are classes (accuracy is reported) rather than values (mean squared error).
    var isClassification: Bool { get }
    /// Draws one task of `split`.
    /// - Parameters:
    ///   - split: Which classes (or stream) the task comes from.
    ///   - generator: The source of randomness; the same state gives the same task.
    func task(from split: TaskSplit, using generator: inout some RandomNumberGenerator) -> FewShotTask
}
