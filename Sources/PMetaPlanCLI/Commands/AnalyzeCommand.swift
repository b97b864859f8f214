import PMetaPlan

/// `pmeta-plan analyze ARCH.json`: the per-layer table.
enum AnalyzeCommand {
    static let spec = CommandSpec(
        name: "analyze",
        abstract: "Show per-layer shapes, parameters, stored bytes and MACs, and the peaks with the layer that sets them.",
        arguments: [ArgumentSpec("arch.json", help: "An architecture file (see architectures/).")],
        options: [OptionSpec("method", valueName: "method", help: "The update plan to cost.", defaultValue: "maml",
                             allowedValues: AdaptationMethod.allCases.map(\.rawValue)),
                  OptionSpec("plan", valueName: "plan.json", help: "A plan file (as --output writes) to cost instead of a method.")]
            + WorkloadOptions.specs + [WorkloadOptions.formatSpec])

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let format = try WorkloadOptions.format(parsed)
        let path = parsed.positional("arch.json") ?? ""
        let model = try InputFile.architecture(at: path)
        let (workload, innerSteps, profile) = try WorkloadOptions.resolve(parsed, graph: model.graph)
        let (plan, _, planName) = try PlanInputs.planOrMethod(parsed, graph: model.graph, innerSteps: innerSteps)
        do {
            let summary = try MethodSummary(name: planName, identifier: planName, plan: plan, model: model, workload: workload, profile: profile)
            let report = AnalysisReport(architectureName: model.graph.graph.name, planName: planName, workload: workload,
                                        profile: profile, summary: summary, model: model)
            return CommandResult(output: report.render(format))
        } catch {
            throw .badData("\(path): \(error)")
        }
    }
}
