import PMetaPlan

/// `pmeta-plan compare ARCH.json`: the methods side by side, with learned plans beside them.
enum CompareCommand {
    static let spec = CommandSpec(
        name: "compare",
        abstract: "Compare the adaptation footprint of MAML, MAML++, ANIL, BOIL, TinyTL, full fine-tuning, p-Meta's plan and plan files.",
        discussion: """
            Prints static memory, the inference peak, the adaptation peak and MACs per method, with ratios to MAML. \
            `pmeta` in --methods is the planner's exact optimum within --budget (scored by --importance, e.g. a meta-trained \
            model's learned step sizes, else uniform); each --plan FILE (a plan written by `plan --output` or meta-train) \
            adds its row, costed under this command's workload and profile, which must be the ones the file records.
            """,
        arguments: [ArgumentSpec("arch.json", help: "An architecture file (see architectures/).")],
        options: [OptionSpec("methods", valueName: "list", help: "Comma-separated methods: the built-in ones and pmeta (needs --budget).",
                             defaultValue: "maml,maml++,anil,boil,tinytl,full", valueExample: "maml,anil,pmeta"),
                  OptionSpec("plan", valueName: "plan.json", help: "A plan file to add as a row (repeatable).", isRepeatable: true),
                  OptionSpec("budget", valueName: "size", help: "The adaptation budget of the pmeta row, e.g. 1.2MB."),
                  OptionSpec("importance", valueName: "importance.json", help: "The layer-step scores the pmeta row is planned with (and its K).")]
            + WorkloadOptions.specs + [WorkloadOptions.formatSpec])

    /// The name `--methods` takes for the planner's plan.
    static let plannerMethod = "pmeta"

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let format = try WorkloadOptions.format(parsed)
        let path = parsed.positional("arch.json") ?? ""
        let model = try InputFile.architecture(at: path)
        var (workload, innerSteps, profile) = try WorkloadOptions.resolve(parsed, graph: model.graph)
        let (methods, includesPlanner) = try methodList(parsed.value("methods"), commandPath: parsed.commandPath)
        if !includesPlanner {
            for option in ["budget", "importance"] where parsed.givenValues[option] != nil {
                throw .usage("--\(option) is for the pmeta row; add pmeta to --methods, or drop --\(option)", commandPath: parsed.commandPath)
            }
        }
        var importance: ImportanceScores?
        if includesPlanner {
            guard let budgetText = parsed.value("budget") else {
                throw .usage("the pmeta row is the planner's plan within a budget: add --budget, e.g. --budget 1.2MB", commandPath: parsed.commandPath)
            }
            let scores: ImportanceScores
            (scores, innerSteps) = try PlanInputs.importanceAndInnerSteps(parsed, graph: model.graph, innerSteps: innerSteps)
            importance = scores
            _ = try PlanInputs.budget(budgetText, commandPath: parsed.commandPath)
        }
        let plans = try parsed.values("plan").map { (planPath: String) throws(CommandFailure) -> (String, UpdatePlan) in
            let json = try PlanInputs.jsonDocument(at: planPath)
            do {
                let plan = try UpdatePlan(json: json, for: model.graph)
                let record = try PlanFileRecord(planFile: json)
                if let recorded = record.workload, recorded != workload {
                    throw CommandFailure.usage("\(planPath) was made for another workload than this comparison's; give the same workload options "
                                               + "(analyze --plan \(planPath) costs it under its own)", commandPath: parsed.commandPath)
                }
                if let recorded = record.profileName, recorded != profile.name {
                    throw CommandFailure.usage("\(planPath) was made under --profile \(recorded), this comparison uses \(profile.name); add --profile \(recorded)",
                                               commandPath: parsed.commandPath)
                }
                return (planPath, plan)
            } catch let failure as CommandFailure {
                throw failure
            } catch let error as DataError {
                throw .badData(error.inFile(planPath).description)
            } catch {
                throw .badData("\(planPath): \(error)")
            }
        }
        do {
            var summaries = try methods.map {
                try MethodSummary(method: $0, model: model, workload: workload, innerSteps: innerSteps, profile: profile)
            }
            var notes = ""
            if let importance, let budgetText = parsed.value("budget") {
                let budget = try PlanInputs.budget(budgetText, commandPath: parsed.commandPath)
                let problem = PlanningProblem(model: model, workload: workload, profile: profile, budget: budget, importance: importance)
                if let optimum = try BudgetPlanner.solve(problem).optimum {
                    summaries.append(try MethodSummary(name: "p-Meta plan @ \(budgetText)", identifier: plannerMethod, plan: optimum.plan,
                                                       model: model, workload: workload, profile: profile))
                } else {
                    notes = "Note: no plan with even one update fits in \(budget); the pmeta row is left out (pmeta-plan --budget \(budgetText) \(path) says what would fit).\n"
                }
            }
            for (planPath, plan) in plans {
                summaries.append(try MethodSummary(name: planPath, identifier: planPath, plan: plan, model: model, workload: workload, profile: profile))
            }
            let report = ComparisonReport(architectureName: model.graph.graph.name, workload: workload, innerSteps: innerSteps,
                                          profile: profile, summaries: summaries)
            return CommandResult(output: report.render(format), errorOutput: notes)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw .badData("\(path): \(error)")
        }
    }

    /// The built-in methods named in `--methods` (all of them when it is not given), and whether it names pmeta.
    static func methodList(_ text: String?, commandPath: [String]) throws(CommandFailure) -> (methods: [AdaptationMethod], includesPlanner: Bool) {
        guard let text else { return (AdaptationMethod.allCases, false) }
        var methods: [AdaptationMethod] = []
        var includesPlanner = false
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            if name == plannerMethod {
                includesPlanner = true
                continue
            }
            guard let method = AdaptationMethod(rawValue: name) else {
                throw .usage("unknown method '\(name)'; the methods are \((AdaptationMethod.allCases.map(\.rawValue) + [plannerMethod]).joined(separator: ", "))",
                             commandPath: commandPath)
            }
            methods.append(method)
        }
        guard !methods.isEmpty || includesPlanner else { throw .usage("--methods needs at least one method", commandPath: commandPath) }
        return (methods, includesPlanner)
    }
}
