/// Where meta-training is, for a progress display.
public struct MetaTrainingProgress: Sendable {
    /// Outer steps done.
    public var iteration: Int
    /// Outer steps planned.
    public var iterations: Int
    /// The last outer step.
    public var step: MetaStepReport
    /// The validation score just measured, if this iteration validated.
    public var validation: MeanWithInterval?
    /// The best validation score so far.
    public var bestValidation: Double?
    /// The metric of the scores.
    public var metric: TaskMetric
}

/// How meta-training ended.
public struct MetaTrainingSummary: Sendable {
    /// The best validation score (the kept model's).
    public var bestValidation: MeanWithInterval?
    /// The iteration that reached it.
    public var bestIteration: Int
    /// The metric.
    public var metric: TaskMetric
}

extension MetaLearner {
    /// Meta-trains for `iterations` outer steps on tasks of the training split, validating every
    /// `validationInterval` steps on a fixed set of validation tasks adapted with the deployed plan, and keeps
    /// the weights and step sizes that validated best (p-Meta Sec. 4.1, "Implementation"); for p-Meta only
    /// models after the Lasso warm-up count.
    /// - Parameters:
    ///   - family: The task family.
    ///   - iterations: Outer steps.
    ///   - validationInterval: Outer steps between validations (and after the last).
    ///   - validationTasks: Validation tasks.
    ///   - generator: The seeded source of every task.
    ///   - progress: Called after every outer step.
    /// - Returns: The best validation score and when it was reached.
    /// - Throws: `MetaTrainingDivergence` as soon as the weights, the step sizes or a validation score stop being
    ///   finite (too large a step size); the learner then holds the diverged state, which should not be written.
    public mutating func train(on family: some TaskFamily, iterations: Int, validationInterval: Int, validationTasks: Int,
                               using generator: inout some RandomNumberGenerator,
                               progress: (MetaTrainingProgress) -> Void = { _ in }) throws(MetaTrainingDivergence) -> MetaTrainingSummary {
        precondition(iterations >= 0 && validationInterval >= 1 && validationTasks >= 1, "train: bad iteration counts")
        var validationStream = SplitMix64(seed: generator.next())
        let validationSet = (0..<validationTasks).map { _ in family.task(from: .validation, using: &validationStream) }
        let metric: TaskMetric = family.isClassification ? .accuracy : .meanSquaredError
        var best: (score: MeanWithInterval, iteration: Int, parameters: NetworkParameters, stepSizes: [[Float]], attention: MetaAttention?)?
        func isBetter(_ score: MeanWithInterval) -> Bool {
            guard let best else { return true }
            return metric.isHigherBetter ? score.mean > best.score.mean : score.mean < best.score.mean
        }
        for index in 0..<iterations {
            let tasks = (0..<configuration.tasksPerBatch).map { _ in family.task(from: .training, using: &generator) }
            let report = step(on: tasks)
            try checkIsFinite(afterIteration: index + 1)
            var validation: MeanWithInterval?
            if (index + 1) % validationInterval == 0 || index + 1 == iterations {
                let score = validate(on: validationSet)
                guard score.mean.isFinite, score.halfWidth.isFinite else {
                    throw MetaTrainingDivergence(iteration: index + 1, what: "the validation score is \(score.mean.isNaN ? "not a number" : "\(score.mean)") (the adapted weights overflow)")
                }
                validation = score
                // During p-Meta's warm-up the model is not yet sparse: it is no candidate for the deployed model.
                let isCandidate = configuration.method != .pMeta || iteration > configuration.lassoWarmup
                if isCandidate && isBetter(score) { best = (score, iteration, parameters, stepSizes, attention) }
            }
            progress(MetaTrainingProgress(iteration: index + 1, iterations: iterations, step: report, validation: validation,
                                          bestValidation: best?.score.mean, metric: metric))
        }
        if let best {
            parameters = best.parameters
            stepSizes = best.stepSizes
            attention = best.attention
        }
        return MetaTrainingSummary(bestValidation: best?.score, bestIteration: best?.iteration ?? iteration, metric: metric)
    }

    /// Throws when the weights, the step sizes or the attention modules hold a NaN or infinite element.
    private func checkIsFinite(afterIteration iteration: Int) throws(MetaTrainingDivergence) {
        if let layer = parameters.firstNonFiniteLayer {
            throw MetaTrainingDivergence(iteration: iteration, what: "the weights of '\(network.graph.layers[layer].name)' are no longer finite")
        }
        if let step = stepSizes.firstIndex(where: { $0.contains { !$0.isFinite } }) {
            throw MetaTrainingDivergence(iteration: iteration, what: "the step sizes of inner step \(step + 1) are no longer finite")
        }
        if let attention, attention.modules.firstNonFiniteLayer != nil {
            throw MetaTrainingDivergence(iteration: iteration, what: "the meta attention modules are no longer finite")
        }
    }

    /// The mean query score after adapting to each task with the deployed plan and step sizes.
    public func validate(on tasks: [FewShotTask]) -> MeanWithInterval {
        let plan = deployedPlan
        return MeanWithInterval(tasks.map { task in
            network.evaluate(on: task, parameters: parameters, plan: plan, stepSizes: stepSizes, kernels: configuration.kernels,
                             attention: attention).after
        })
    }
}
