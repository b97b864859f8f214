/// One architecture's memory report: the methods side by side, the planner's plans at one or more budgets, the
/// per-layer breakdown and the charts that show them. What `pmeta-plan report` writes.
///
/// The report is a pure function of its inputs: the same network, workload and budgets give byte-identical
/// markdown and SVG, with no dates and only the paths the caller passes in, so committed reports can be checked
/// for staleness by regenerating them.
///
/// ```swift
/// let report = try ArchitectureReport(model: model, architecturePath: "architectures/4conv.json",
///                                     workload: .fewShotAccumulated, innerSteps: 1, profile: .physical,
///                                     chartFolder: "4conv", command: "pmeta-plan report architectures/4conv.json")
/// report.markdown       // the document, linking 4conv/timeline-1.svg and the other charts
/// report.charts         // the SVG files, by path relative to the document
/// ```
public struct ArchitectureReport: Sendable {
    /// One budget the planner was run at, and its answer.
    public struct BudgetedPlan: Sendable {
        /// The adaptation budget.
        public var budget: ByteCount
        /// How the budget was chosen, such as `25% of the way from the smallest peak to MAML's`; nil when given on the command line.
        public var origin: String?
        /// The planner's answer.
        public var result: PlanningResult
        /// The recommended plan's footprint, or nil when nothing fits the budget.
        public var summary: MethodSummary?
        /// MeDyate's dynamic plan on the same problem (`pmeta-plan plan --strategy dynamic`).
        public var dynamic: DynamicChannelPlanner.Result
    }

    /// One SVG file of the report.
    public struct Chart: Sendable {
        /// The path relative to the markdown file, as linked from it: `4conv/timeline-1.svg`.
        public var path: String
        /// The SVG markup.
        public var svg: String
    }

    /// The budgets used when none are given: a quarter and half of the way from the smallest peak any update
    /// reaches to MAML's peak, so that both always fit something (a fixed share of MAML's peak may not: 4Conv's
    /// first pooling layer alone holds half of it).
    public static let defaultBudgetFractions: [(numerator: Int, denominator: Int, label: String)] = [
        (1, 4, "25% of the way from the smallest peak to MAML's"), (1, 2, "50% of the way from the smallest peak to MAML's"),
    ]

    /// The number of budgets the frontier is swept at by default.
    public static let defaultSweepBudgetCount = 10

    /// The architecture file as printed, relative to the repository: `architectures/4conv.json`.
    public var architecturePath: String
    /// The cost model.
    public var model: CostModel
    /// The workload.
    public var workload: Workload
    /// K.
    public var innerSteps: Int
    /// The counting conventions.
    public var profile: CountingProfile
    /// The built-in methods, MAML first.
    public var methods: [MethodSummary]
    /// The planner's plans, by growing budget.
    public var plans: [BudgetedPlan]
    /// The frontier of optimal plans over budgets.
    public var sweep: BudgetSweep
    /// The number of budgets the frontier was swept at.
    public var sweepBudgetCount: Int
    /// The folder of the charts, relative to the markdown file: `4conv`.
    public var chartFolder: String
    /// The command that regenerates the report, as printed in it.
    public var command: String
    /// The workload options the report was asked for, as command-line words (`--samples`, `25`), appended to
    /// the commands that reproduce its sections.
    public var workloadArguments: [String]
    /// TinyMetaFed's plan with the default partition and fleet (`federatedSelector`), or nil when the network
    /// cannot be split (its only weight layer is the last one).
    public var federated: FederatedPlan?

    /// The built-in methods a report compares, in table order.
    public static let comparedMethods: [AdaptationMethod] = [.maml, .mamlPlusPlus, .anil, .boil, .tinyTL]

    /// Costs the methods, runs the planner at each budget and sweeps the frontier.
    /// - Parameters:
    ///   - model: The network's cost model.
    ///   - architecturePath: The architecture file as printed (relative to the repository).
    ///   - workload: The workload of one step.
    ///   - innerSteps: K.
    ///   - profile: The counting conventions.
    ///   - budgets: Adaptation budgets; nil or empty for `defaultBudgetFractions` of the way from the smallest peak to MAML's.
    ///   - chartFolder: The folder the charts are linked from, relative to the markdown file.
    ///   - command: The command printed as the way to regenerate the report.
    ///   - sweepBudgetCount: The number of budgets the frontier is swept at.
    ///   - workloadArguments: The workload options given, as command-line words, for the sections' commands.
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    /// - Complexity: The static and dynamic planners', once per budget, the static one once per sweep budget,
    ///   and a few cost-model evaluations for the federated plan.
    public init(model: CostModel, architecturePath: String, workload: Workload, innerSteps: Int, profile: CountingProfile,
                budgets: [ByteCount]? = nil, chartFolder: String, command: String,
                sweepBudgetCount: Int = ArchitectureReport.defaultSweepBudgetCount, workloadArguments: [String] = []) throws {
        self.architecturePath = architecturePath
        self.model = model
        self.workload = workload
        self.innerSteps = innerSteps
        self.profile = profile
        self.chartFolder = chartFolder
        self.command = command
        self.sweepBudgetCount = sweepBudgetCount
        self.workloadArguments = workloadArguments
        methods = try Self.comparedMethods.map {
            try MethodSummary(method: $0, model: model, workload: workload, innerSteps: innerSteps, profile: profile)
        }
        let mamlPeak = methods[0].adaptation.peak
        let chosen: [(ByteCount, String?)]
        if let budgets, !budgets.isEmpty {
            chosen = budgets.sorted().map { ($0, nil) }
        } else {
            let range = try BudgetRange(PlanningProblem(model: model, workload: workload, profile: profile, budget: mamlPeak,
                                                        importance: .uniform(for: model.graph, innerSteps: innerSteps)))
            chosen = Self.defaultBudgetFractions.map { (range.budget($0.numerator, of: $0.denominator), $0.label) }
        }
        let importance = ImportanceScores.uniform(for: model.graph, innerSteps: innerSteps)
        plans = try chosen.map { budget, origin in
            let problem = PlanningProblem(model: model, workload: workload, profile: profile, budget: budget, importance: importance)
            let result = try BudgetPlanner.solve(problem)
            let summary = try result.recommendedPlan.map {
                try MethodSummary(name: "p-Meta plan @ \(budget.humanReadable)", identifier: "plan", plan: $0,
                                  model: model, workload: workload, profile: profile)
            }
            return BudgetedPlan(budget: budget, origin: origin, result: result, summary: summary,
                                dynamic: try DynamicChannelPlanner.solve(problem))
        }
        let sweepProblem = PlanningProblem(model: model, workload: workload, profile: profile, budget: mamlPeak, importance: importance)
        sweep = try BudgetSweep(sweepProblem, budgets: sweepBudgetCount)
        federated = try Self.federatedPlan(model: model, workload: workload, innerSteps: innerSteps, profile: profile)
    }

    /// The network's name.
    public var architectureName: String { model.graph.graph.name }

    /// The rows of the per-layer table of `summary`, from the same code as `pmeta-plan analyze`.
    func analysisRows(of summary: MethodSummary) -> [AnalysisReport.Row] {
        AnalysisReport(architectureName: architectureName, planName: summary.name, workload: workload, profile: profile,
                       summary: summary, model: model).rows
    }

    /// The plans that fit, with their summaries.
    var fittingPlans: [(plan: BudgetedPlan, summary: MethodSummary)] {
        plans.compactMap { plan in plan.summary.map { (plan, $0) } }
    }

    /// The short label of a budget for legends and file names: `25%` for a default budget, else the size.
    func shortLabel(of plan: BudgetedPlan) -> String {
        if let origin = plan.origin, let percent = origin.split(separator: " ").first { return "\(percent) budget" }
        return "budget \(plan.budget.humanReadable)"
    }
}
