import PMetaPlan

/// What adapting to one held-out task did.
public struct TaskEvaluation: Sendable {
    /// The query score of the meta-trained weights, before adaptation.
    public var before: Double
    /// The query score after adaptation.
    public var after: Double
    /// The adaptation's loss and memory, step by step.
    public var adaptation: AdaptationReport
}

extension Network {
    /// Adapts a copy of `parameters` to `task` with `plan` and scores the query set before and after.
    /// - Parameters:
    ///   - task: The task.
    ///   - parameters: The meta-trained weights (not changed).
    ///   - plan: Which layers each inner step updates.
    ///   - stepSizes: `[k][l]`.
    ///   - microBatchSize: Samples per forward/backward pass; `nil` for the whole support set.
    ///   - kernels: The conv2d kernels.
    ///   - attention: Meta attention, if the model was meta-trained with it.
    public func evaluate(on task: FewShotTask, parameters: NetworkParameters, plan: UpdatePlan, stepSizes: [[Float]],
                         microBatchSize: Int? = nil, kernels: KernelChoice = .im2col, attention: MetaAttention? = nil) -> TaskEvaluation {
        let before = TaskMetric.score(predict(task.query.inputs, parameters: parameters, kernels: kernels), task.query.targets)
        var adapted = parameters
        let report = adapt(&adapted, plan: plan, stepSizes: stepSizes, support: task.support,
                           microBatchSize: microBatchSize ?? task.support.count, kernels: kernels, attention: attention)
        let after = TaskMetric.score(predict(task.query.inputs, parameters: adapted, kernels: kernels), task.query.targets)
        return TaskEvaluation(before: before, after: after, adaptation: report)
    }
}
