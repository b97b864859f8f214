import PMetaPlan

/// What `analyze` and `check` cost: a plan file (with the workload and profile it records) or a built-in method
/// (under the workload options), resolved once so that the two flags never silently override each other.
struct CostedSubject {
    /// The plan costed.
    var plan: UpdatePlan
    /// `maml`, or the plan file's path.
    var identifier: String
    /// `MAML`, or the plan file's path.
    var displayName: String
    /// The plan file's path, when the subject is one.
    var planPath: String?
    /// The workload costed.
    var workload: Workload
    /// The inner steps costed (the plan's).
    var innerSteps: Int
    /// The counting profile.
    var profile: CountingProfile
    /// One sentence per workload option that overrode the plan file's record (`--override-plan-workload`).
    var overrides: [String]

    /// Resolves `--plan` / `--method` and the workload options.
    /// - Throws: `CommandFailure.usage` when `--method` and `--plan` are both given or an option contradicts the plan
    ///   file; `.badData` or `.unreadable` for the plan file.
    init(_ parsed: ParsedArguments, graph: ShapedGraph) throws(CommandFailure) {
        if let planPath = try parsed.value(PlanInputs.planFile) {
            if parsed.isGiven(PlanInputs.method) {
                throw .usage("--method \(parsed.text(PlanInputs.method) ?? "") and --plan \(planPath) both name what to cost; give one",
                             commandPath: parsed.commandPath)
            }
            let json = try PlanInputs.jsonDocument(at: planPath)
            let record: PlanFileRecord
            do {
                plan = try UpdatePlan(json: json, for: graph)
                record = try PlanFileRecord(planFile: json)
            } catch {
                throw .badData(error.inFile(planPath).description)
            }
            (identifier, displayName, self.planPath) = (planPath, planPath, planPath)
            (workload, innerSteps, profile, overrides) = try WorkloadOptions.resolve(parsed, graph: graph, plan: plan, record: record,
                                                                                     planPath: planPath)
        } else {
            let innerStepCount: Int
            (workload, innerStepCount, profile) = try WorkloadOptions.resolve(parsed, graph: graph)
            (plan, identifier, displayName) = try PlanInputs.planOrMethod(parsed, graph: graph, innerSteps: innerStepCount)
            innerSteps = innerStepCount
            planPath = nil
            overrides = []
        }
    }
}
