import Testing
@testable import PMetaPlan

@Suite struct ExactPlannerTests {
    /// One random case: graph, workload, profile, budget and scores from `seed` (the profile drawn from every named
    /// one unless given; the graph from `architecture`), planned with meta attention when `attention` is given.
    static func problem(seed: UInt64, profile fixedProfile: CountingProfile? = nil, attention: MetaAttentionRatios? = nil,
                        onDevice: Bool = false,
                        architecture: (inout SeededGenerator) -> String = { RandomPlanningCases.architecture(using: &$0) }) throws -> PlanningProblem {
        var generator = SeededGenerator(seed: seed)
        let text = architecture(&generator)
        let model = try CostModel(try ShapedGraph(jsonBytes: Array(text.utf8)))
        var workload = RandomPlanningCases.workload(using: &generator)
        if onDevice { RandomPlanningCases.moveToDevice(&workload, using: &generator) }
        let profile = fixedProfile ?? CountingProfile.all.randomElement(using: &generator)!
        let maml = try model.adaptation(of: AdaptationMethod.maml.plan(for: model.graph), workload: workload, profile: profile).peak
        let budget = ByteCount(Int.random(in: (maml.bytes / 3)...(maml.bytes + 64), using: &generator))
        let scores = model.graph.layers.map { $0.operation.isTrainable ? Double(Int.random(in: 0...9, using: &generator)) / 3 : 0 }
        return PlanningProblem(model: model, workload: workload, profile: profile, budget: budget,
                               ratios: [ChannelRatio(1, 2), .all],
                               importance: ImportanceScores(scores: [scores], source: "random"), attention: attention)
    }

    /// Clip ratios for `seed`: rho_fw 1/10, 3/10 or 1/2, rho_bw 0 or 1/4.
    static func attention(seed: UInt64) -> MetaAttentionRatios {
        MetaAttentionRatios(forward: [ChannelRatio(1, 10), ChannelRatio(3, 10), ChannelRatio(1, 2)][Int(seed % 3)],
                            backward: seed % 2 == 0 ? .none : ChannelRatio(1, 4))
    }

    @Test(arguments: 1...60 as ClosedRange<UInt64>)
    func exactSearchWithMetaAttentionEqualsBruteForce(seed: UInt64) throws {
        let problem = try Self.problem(seed: seed, attention: Self.attention(seed: seed))
        let brute = try RandomPlanningCases.bruteForceBestValue(problem)
        let exact = try ExactPlanner.bestStep(of: problem, step: 0)
        #expect(abs((exact?.value ?? 0) - (brute ?? 0)) < 1e-9, "seed \(seed): exact \(exact?.value ?? -1), brute force \(brute ?? -1)")
        if let exact {
            let cost = try problem.model.adaptation(of: UpdatePlan(steps: [StepUpdates(layers: exact.updates)]),
                                                    workload: problem.workload, profile: problem.profile)
            #expect(cost.peak == exact.peak, "seed \(seed)")
            #expect(cost.peak <= problem.budget, "seed \(seed)")
            let layers = problem.model.graph.layers
            #expect(exact.updates.indices.allSatisfy { !exact.updates[$0].isUpdated || layers[$0].operation.kind != .conv2d || exact.updates[$0].isAttended },
                    "seed \(seed): every updated conv is attended")
        }
        let result = try BudgetPlanner.solve(problem)
        if let lasso = result.lasso {
            #expect(lasso.cost.peak <= problem.budget, "seed \(seed)")
            #expect(lasso.value <= (result.optimum?.value ?? 0) + 1e-9, "seed \(seed)")
        }
    }

    /// The search's plan is the brute force's optimum, and its peak is the cost model's and fits.
    static func expectExact(_ problem: PlanningProblem, seed: UInt64) throws {
        let brute = try RandomPlanningCases.bruteForceBestValue(problem)
        let exact = try ExactPlanner.bestStep(of: problem, step: 0)
        #expect((exact?.value ?? 0) == (brute ?? 0) || abs((exact?.value ?? 0) - (brute ?? 0)) < 1e-9,
                "seed \(seed): exact \(exact?.value ?? -1), brute force \(brute ?? -1)")
        if let exact {
            // The search's own peak is the cost model's peak for the plan it returns, and it fits.
            let cost = try problem.model.adaptation(of: UpdatePlan(steps: [StepUpdates(layers: exact.updates)]),
                                                    workload: problem.workload, profile: problem.profile)
            #expect(cost.peak == exact.peak, "seed \(seed)")
            #expect(cost.peak <= problem.budget, "seed \(seed)")
        }
    }

    @Test(arguments: 1...220 as ClosedRange<UInt64>)
    func exactSearchEqualsBruteForce(seed: UInt64) throws {
        try Self.expectExact(try Self.problem(seed: seed), seed: seed)
    }

    /// The `pytorch` profile splits the slack in two (its gradient buffers weigh on earlier layers' backward
    /// passes only): brute force on networks with the operators whose autograd records differ.
    /// Device workloads: int8 or float activations under wider gradients (the backward working set can outgrow
    /// the forward one, and weighs only from the first update on), optimizer state and SRAM copies of the updated
    /// weights held through the step.
    @Test(arguments: 1...120 as ClosedRange<UInt64>)
    func exactSearchEqualsBruteForceOnDeviceWorkloads(seed: UInt64) throws {
        try Self.expectExact(try Self.problem(seed: seed, onDevice: true), seed: seed)
    }

    /// Two inner steps that value different layers, on device workloads whose optimizer state or SRAM copies carry
    /// from step 1 into step 2: the planner's plan always fits (the cost model judges, carried state included);
    /// when the steps searched alone fit, their values add up to the relaxation's optimum, and otherwise the
    /// step-by-step search is flagged. Some seeds must take each route.
    @Test func twoStepDevicePlansFitWithTheStateEarlierStepsLeave() throws {
        var routes = (alone: 0, stepByStep: 0)
        for seed in 1...80 as ClosedRange<UInt64> {
            let single = try Self.problem(seed: seed, onDevice: true)
            guard single.workload.updateState.elementsPerUpdatedElement > 0 else { continue }
            var generator = SeededGenerator(seed: seed &+ 1_000)
            let second = single.model.graph.layers.map { $0.operation.isTrainable ? Double(Int.random(in: 0...9, using: &generator)) / 3 : 0 }
            let problem = PlanningProblem(model: single.model, workload: single.workload, profile: single.profile, budget: single.budget,
                                          ratios: single.ratios, importance: ImportanceScores(scores: single.importance.scores + [second], source: "random"))
            let result = try BudgetPlanner.solve(problem)
            guard let optimum = result.optimum else { continue }
            let cost = try problem.model.adaptation(of: optimum.plan, workload: problem.workload, profile: problem.profile)
            #expect(cost.peak <= problem.budget, "seed \(seed)")
            #expect(cost.peak == optimum.cost.peak, "seed \(seed)")
            if optimum.chargedCarriedStateInSearch {
                routes.stepByStep += 1
            } else {
                routes.alone += 1
                let relaxed = try (0..<2).reduce(0.0) { total, step in
                    total + (try ExactPlanner.bestStep(of: problem, step: step)?.value ?? 0)
                }
                #expect(abs(optimum.value - relaxed) < 1e-9, "seed \(seed)")
            }
        }
        #expect(routes.alone > 0 && routes.stepByStep > 0, "\(routes)")
    }

    @Test(arguments: 1...40 as ClosedRange<UInt64>)
    func exactSearchEqualsBruteForceUnderThePyTorchProfile(seed: UInt64) throws {
        let problem = try Self.problem(seed: seed, profile: .pytorch) { RandomPlanningCases.autogradArchitecture(using: &$0) }
        try Self.expectExact(problem, seed: seed)
    }

    @Test(arguments: 1...60 as ClosedRange<UInt64>)
    func aLargerBudgetNeverGivesAWorsePlan(seed: UInt64) throws {
        var problem = try Self.problem(seed: seed)
        var previous = -1.0
        for extra in stride(from: 0, through: 4_000, by: 500) {
            problem.budget = ByteCount(problem.budget.bytes + extra)
            let value = try BudgetPlanner.solve(problem).optimum?.value ?? 0
            #expect(value >= previous - 1e-12, "seed \(seed), budget \(problem.budget.bytes)")
            previous = value
        }
    }

    @Test(arguments: 1...60 as ClosedRange<UInt64>)
    func lassoPathPlanFitsAndIsNeverBetterThanTheOptimum(seed: UInt64) throws {
        let problem = try Self.problem(seed: seed)
        let result = try BudgetPlanner.solve(problem)
        if let lasso = result.lasso {
            #expect(lasso.cost.peak <= problem.budget)
            #expect(lasso.value <= (result.optimum?.value ?? 0) + 1e-9)
        }
        if let optimum = result.optimum {
            #expect(optimum.cost.peak <= problem.budget)
        }
    }
}
