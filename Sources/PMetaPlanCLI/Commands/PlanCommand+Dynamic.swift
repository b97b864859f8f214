import PMetaPlan
import PMetaTrainer

extension PlanCommand {
    /// `--strategy dynamic`: MeDyate's plan, its first draw and the static optimum on the same budget.
    static func runDynamic(_ parsed: ParsedArguments, problem: PlanningProblem, budgetText: String, includeStatic: Bool,
                           staticBytes: ByteCount, path: String, outputPath: String?) throws -> CommandResult {
        guard !parsed.isSet(sweep) else {
            throw CommandFailure.usage("--sweep is for the static strategy; drop it or use --strategy static", commandPath: parsed.commandPath)
        }
        let seed = try parsed.value(Self.seed)
        let result = try DynamicChannelPlanner.solve(problem)
        var firstDraw: [Int: [Int]] = [:]
        if var plan = result.plan {
            var generator = SplitMix64(seed: seed)
            firstDraw = plan.resample(using: &generator)
        }
        // The static comparison is skipped once the time limit has passed (the report then has none).
        let staticResult = problem.isPastDeadline ? nil : try BudgetPlanner.solve(problem)
        let advice = result.fits || result.stoppedSearch != nil ? nil : try FitAdvice(for: problem)
        var report = DynamicPlanReport(architectureName: problem.model.graph.graph.name, budgetText: budgetText, includesStatic: includeStatic,
                                       staticBytes: staticBytes, result: result, seed: seed, firstDraw: firstDraw,
                                       staticOptimum: staticResult?.optimum, advice: advice)
        report.staticSearchStopped = staticResult?.stoppedSearch != nil
        if let output = outputPath, let plan = result.plan {
            let document = plan.updatePlan.json(for: problem.model.graph, extra: [
                ("workload", problem.workload.json(innerSteps: plan.updatePlan.innerStepCount)),
                ("profile", .string(problem.profile.name)),
                ("budget_bytes", .integer(report.budgetBytes.bytes)),
                ("predicted_peak_bytes", .integer(plan.cost.peak.bytes)),
                ("strategy", .string("dynamic")),
                ("sampling", .string(DynamicPlanReport.samplingRule)),
            ])
            try InputFile.write(JSONWriter.write(document), to: output)
        }
        return CommandResult(output: report.render(try parsed.value(WorkloadOptions.format)), exitCode: result.fits ? .success : .overBudget)
    }
}
