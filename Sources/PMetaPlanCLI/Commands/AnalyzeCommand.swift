import PMetaPlan

/// `pmeta-plan analyze ARCH.json`: the per-layer table.
enum AnalyzeCommand {
    static let spec = CommandSpec(
        name: "analyze",
        abstract: "Show per-layer shapes, parameters, stored bytes and MACs, and the peaks with the layer that sets them.",
        arguments: [InputFile.architectureArgument],
        options: [PlanInputs.method.spec, PlanInputs.planFile.spec, WorkloadOptions.overridePlanWorkload.spec]
            + WorkloadOptions.specs + [WorkloadOptions.format.spec])

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let format = try parsed.value(WorkloadOptions.format)
        let path = parsed.positional(InputFile.architectureArgument) ?? ""
        let model = try InputFile.architecture(at: path)
        let subject = try CostedSubject(parsed, graph: model.graph)
        let (plan, planName, workload, profile) = (subject.plan, subject.displayName, subject.workload, subject.profile)
        do {
            let summary = try MethodSummary(name: planName, identifier: planName, plan: plan, model: model, workload: workload, profile: profile)
            let report = AnalysisReport(architectureName: model.graph.graph.name, planName: planName, workload: workload,
                                        profile: profile, summary: summary, model: model)
            let notes = subject.overrides.map { "Note: --override-plan-workload: \($0).\n" }.joined()
            return CommandResult(output: report.render(format), errorOutput: notes)
        } catch {
            throw .badData("\(path): \(error)")
        }
    }
}
