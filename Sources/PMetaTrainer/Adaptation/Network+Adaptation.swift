import PMetaPlan

/// What adapting to one task did: one report per inner step.
public struct AdaptationReport: Sendable {
    /// Each inner step's loss and memory ledger.
    public var steps: [AdaptationStepReport]

    /// The largest peak over the steps: the memory adaptation needs.
    public var peakBytes: Int { steps.map(\.meter.peakBytes).max() ?? 0 }
}

extension Network {
    /// Adapts `parameters` to a task with K inner steps of a plan (p-Meta's few-shot learning phase).
    /// - Parameters:
    ///   - parameters: The meta-trained weights; adapted in place.
    ///   - plan: Which layers and channels each step updates.
    ///   - stepSizes: `stepSizes[k][l]`, α_l^k.
    ///   - support: The support set S.
    ///   - microBatchSize: Samples per forward/backward pass (gradient accumulation below `support.count`).
    ///   - kernels: The conv2d kernels.
    /// - Returns: Each step's loss and memory.
    ///   - attention: Meta attention, if the model was meta-trained with it.
    public func adapt(_ parameters: inout NetworkParameters, plan: UpdatePlan, stepSizes: [[Float]], support: Batch,
                      microBatchSize: Int, kernels: KernelChoice = .scratchFree, attention: MetaAttention? = nil) -> AdaptationReport {
        precondition(stepSizes.count == plan.innerStepCount, "adapt: one row of step sizes per inner step")
        var reports: [AdaptationStepReport] = []
        for (step, updates) in plan.steps.enumerated() {
            reports.append(adaptationStep(&parameters, updates: updates, stepSizes: stepSizes[step], support: support,
                                          microBatchSize: microBatchSize, kernels: kernels, attention: attention))
        }
        return AdaptationReport(steps: reports)
    }
}
