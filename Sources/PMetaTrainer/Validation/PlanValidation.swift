import PMetaPlan

/// One way of adapting that validation compares: weights, a plan and its step sizes.
public struct ValidationCandidate: Sendable {
    /// The row's name: `plan`, `maml`, `anil`, `boil`.
    public var name: String
    /// Where the weights and step sizes come from, for the report.
    public var source: String
    /// The meta-trained weights.
    public var parameters: NetworkParameters
    /// Which layers each inner step updates.
    public var plan: UpdatePlan
    /// α_l^k, `[k][l]`.
    public var stepSizes: [[Float]]
    /// Meta attention, when the model has it.
    public var attention: MetaAttention?

    /// Creates a candidate.
    public init(name: String, source: String, parameters: NetworkParameters, plan: UpdatePlan, stepSizes: [[Float]],
                attention: MetaAttention? = nil) {
        self.name = name
        self.source = source
        self.parameters = parameters
        self.plan = plan
        self.stepSizes = stepSizes
        self.attention = attention
    }
}

/// One candidate's figures over the held-out tasks.
public struct ValidationRow: Sendable {
    /// The candidate's name and source.
    public var name: String
    public var source: String
    /// Its plan.
    public var plan: UpdatePlan
    /// Measured against predicted memory (the task with the largest measured peak).
    public var memory: MemoryComparison
    /// The query score before and after adaptation, over tasks.
    public var before: MeanWithInterval
    public var after: MeanWithInterval
}

/// Plans validated by really adapting: memory measured against the cost model, scores before and after.
public struct ValidationReport: Sendable {
    /// The architecture.
    public var graph: ShapedGraph
    /// The adaptation workload (support samples, micro-batch).
    public var workload: Workload
    /// The number of held-out tasks.
    public var taskCount: Int
    /// Accuracy or mean squared error.
    public var metric: TaskMetric
    /// One row per candidate.
    public var rows: [ValidationRow]
}

extension Network {
    /// Adapts every candidate to every task with the scratch-free kernels, measuring each step's memory, and
    /// compares the peaks with the cost model's prediction under the `physical` profile for the same plan and workload. (With meta
    /// attention the stored channels are chosen per micro-batch and the accumulator covers every channel: the
    /// prediction is for the plan attended with the modules' clip ratios, `UpdatePlan.attending(with:on:)`, which
    /// counts the most channels the clip keeps.)
    /// - Parameters:
    ///   - candidates: The ways of adapting.
    ///   - tasks: Held-out tasks (their support sets all have the same size).
    ///   - microBatchSize: Samples per forward/backward pass.
    /// - Throws: `DataError` when the cost model cannot count the graph.
    public func validate(_ candidates: [ValidationCandidate], on tasks: [FewShotTask], microBatchSize: Int) throws -> ValidationReport {
        precondition(!tasks.isEmpty, "validate: no tasks")
        let samples = tasks[0].support.count
        precondition(tasks.allSatisfy { $0.support.count == samples }, "validate: support sets differ in size")
        let workload = Workload(samplesPerStep: samples, microBatch: min(microBatchSize, samples))
        let costModel = try CostModel(graph)
        var rows: [ValidationRow] = []
        for candidate in candidates {
            let predicted: AdaptationCost
            do {
                // With meta attention, the plan the trainer runs is the plan attended where the modules attend.
                let attended = candidate.attention.map { candidate.plan.attending(with: $0.clipRatios, on: graph) } ?? candidate.plan
                predicted = try costModel.adaptation(of: attended, workload: workload, profile: .physical)
            } catch {
                throw DataError(path: candidate.name, message: "\(error)")
            }
            var before: [Double] = []
            var after: [Double] = []
            var largest: AdaptationReport?
            for task in tasks {
                let evaluation = evaluate(on: task, parameters: candidate.parameters, plan: candidate.plan, stepSizes: candidate.stepSizes,
                                          microBatchSize: workload.microBatch, kernels: .scratchFree, attention: candidate.attention)
                before.append(evaluation.before)
                after.append(evaluation.after)
                if largest == nil || evaluation.adaptation.peakBytes > largest!.peakBytes { largest = evaluation.adaptation }
            }
            rows.append(ValidationRow(name: candidate.name, source: candidate.source, plan: candidate.plan,
                                      memory: MemoryComparison(measured: largest!, predicted: predicted),
                                      before: MeanWithInterval(before), after: MeanWithInterval(after)))
        }
        return ValidationReport(graph: graph, workload: workload, taskCount: tasks.count,
                                metric: TaskMetric(tasks[0].query.targets), rows: rows)
    }
}
