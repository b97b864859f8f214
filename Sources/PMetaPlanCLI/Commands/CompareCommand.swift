import PMetaPlan

/// `pmeta-plan compare ARCH.json`: the methods side by side.
enum CompareCommand {
    static let spec = CommandSpec(
        name: "compare",
        abstract: "Compare the adaptation footprint of MAML, MAML++, ANIL, BOIL, TinyTL and full fine-tuning.",
        discussion: "Prints static memory, the inference peak, the adaptation peak and MACs per method, with ratios to MAML.",
        arguments: [ArgumentSpec("arch.json", help: "An architecture file (see architectures/).")],
        options: [OptionSpec("methods", valueName: "list", help: "Comma-separated methods.",
                             defaultValue: "maml,maml++,anil,boil,tinytl,full", valueExample: "maml,anil")]
            + WorkloadOptions.specs + [WorkloadOptions.formatSpec])

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let format = try WorkloadOptions.format(parsed)
        let path = parsed.positional("arch.json") ?? ""
        let model = try InputFile.architecture(at: path)
        let (workload, innerSteps, profile) = try WorkloadOptions.resolve(parsed, graph: model.graph)
        let methods = try methodList(parsed.value("methods"), commandPath: parsed.commandPath)
        do {
            let summaries = try methods.map {
                try MethodSummary(method: $0, model: model, workload: workload, innerSteps: innerSteps, profile: profile)
            }
            let report = ComparisonReport(architectureName: model.graph.graph.name, workload: workload, innerSteps: innerSteps,
                                          profile: profile, summaries: summaries)
            return CommandResult(output: report.render(format))
        } catch {
            throw .badData("\(path): \(error)")
        }
    }

    /// The methods named in `--methods`, or all of them.
    static func methodList(_ text: String?, commandPath: [String]) throws(CommandFailure) -> [AdaptationMethod] {
        guard let text else { return AdaptationMethod.allCases }
        var methods: [AdaptationMethod] = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            guard let method = AdaptationMethod(rawValue: name) else {
                throw .usage("unknown method '\(name)'; the methods are \(AdaptationMethod.allCases.map(\.rawValue).joined(separator: ", "))",
                             commandPath: commandPath)
            }
            methods.append(method)
        }
        guard !methods.isEmpty else { throw .usage("--methods needs at least one method", commandPath: commandPath) }
        return methods
    }
}
