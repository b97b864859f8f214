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
        arguments: [InputFile.architectureArgument],
        options: [methods.spec, plans.spec, budget.spec, importance.spec] + WorkloadOptions.specs + [WorkloadOptions.format.spec])

    /// The rows `--methods` asks for: built-in methods, and whether the planner's plan is one of them.
    struct MethodList: Sendable, Equatable {
        var methods: [AdaptationMethod]
        var includesPlanner: Bool
    }

    static let methods = Option<MethodList>(
        spec: OptionSpec("methods", valueName: "list", help: "Comma-separated methods: the built-in ones and pmeta (needs --budget).",
                         valueExample: "maml,anil,pmeta"),
        parse: { text throws(OptionValueError) in try methodList(text) },
        describe: { list in (list.methods.map(\.rawValue) + (list.includesPlanner ? [plannerMethod] : [])).joined(separator: ",") })
        .defaulting(to: MethodList(methods: AdaptationMethod.allCases, includesPlanner: false))
    static let plans = Option.text("plan", valueName: "plan.json", help: "A plan file to add as a row (repeatable).").repeatable()
    static let budget = Option.size("budget", help: "The adaptation budget of the pmeta row, e.g. 1.2MB.")
    static let importance = PlanInputs.importanceFile.helped("The layer-step scores the pmeta row is planned with (and its K).")

    /// The name `--methods` takes for the planner's plan.
    static let plannerMethod = "pmeta"

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let format = try parsed.value(WorkloadOptions.format)
        let path = parsed.positional(InputFile.architectureArgument) ?? ""
        let model = try InputFile.architecture(at: path)
        var (workload, innerSteps, profile) = try WorkloadOptions.resolve(parsed, graph: model.graph)
        let list = try parsed.value(Self.methods)
        let (methods, includesPlanner) = (list.methods, list.includesPlanner)
        let givenBudget = try parsed.value(Self.budget)
        if !includesPlanner {
            for option in [Self.budget.spec, Self.importance.spec] where !parsed.givenTexts(option).isEmpty {
                throw .usage("\(option.longSpelling) is for the pmeta row; add pmeta to --methods, or drop \(option.longSpelling)", commandPath: parsed.commandPath)
            }
        }
        var importance: ImportanceScores?
        if includesPlanner {
            guard givenBudget != nil else {
                throw .usage("the pmeta row is the planner's plan within a budget: add --budget, e.g. --budget 1.2MB", commandPath: parsed.commandPath)
            }
            let scores: ImportanceScores
            (scores, innerSteps) = try PlanInputs.importanceAndInnerSteps(parsed, graph: model.graph, innerSteps: innerSteps)
            importance = scores
        }
        let plans = try parsed.values(Self.plans).map { (planPath: String) throws(CommandFailure) -> (String, UpdatePlan) in
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
            if let importance, let givenBudget {
                let (budgetText, budget) = (givenBudget.text, givenBudget.bytes)
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
    static func methodList(_ text: String) throws(OptionValueError) -> MethodList {
        var methods: [AdaptationMethod] = []
        var includesPlanner = false
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            if name == plannerMethod {
                includesPlanner = true
                continue
            }
            guard let method = AdaptationMethod(rawValue: name) else {
                throw OptionValueError(message: "unknown method '\(name)'; the methods are \((AdaptationMethod.allCases.map(\.rawValue) + [plannerMethod]).joined(separator: ", "))")
            }
            methods.append(method)
        }
        guard !methods.isEmpty || includesPlanner else { throw OptionValueError(message: "--methods needs at least one method") }
        return MethodList(methods: methods, includesPlanner: includesPlanner)
    }
}
