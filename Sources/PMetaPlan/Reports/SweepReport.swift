import Foundation

/// The frontier over budgets as a table: what `pmeta-plan --sweep` prints.
public struct SweepReport: Sendable {
    /// The network's name.
    public var architectureName: String
    /// The problem swept (its budget is ignored).
    public var problem: PlanningProblem
    /// The frontier.
    public var sweep: BudgetSweep
    /// The budget the user gave, as written, when one was: the row of the optimum within it is marked.
    public var givenBudgetText: String?
    /// The optimal plan within the given budget, nil when none fits (or no budget was given).
    public var planWithinGivenBudget: UpdatePlan?

    /// Creates a report.
    /// - Parameters:
    ///   - givenBudgetText: The budget as written, to mark its row; nil for none.
    ///   - planWithinGivenBudget: The optimum within that budget; its row is marked (added when the sweep missed it).
    public init(architectureName: String, problem: PlanningProblem, sweep: BudgetSweep, givenBudgetText: String? = nil,
                planWithinGivenBudget: UpdatePlan? = nil) {
        self.architectureName = architectureName
        self.problem = problem
        self.sweep = sweep
        self.givenBudgetText = givenBudgetText
        self.planWithinGivenBudget = planWithinGivenBudget
    }

    /// Whether `point` is the optimum within the given budget.
    func isMarked(_ point: BudgetSweep.Point) -> Bool {
        planWithinGivenBudget.map { $0 == point.plan } ?? false
    }

    /// The report as text, JSON or markdown.
    public func render(_ format: OutputFormat) -> String {
        let graph = problem.model.graph
        if format == .json {
            var members: [(key: String, value: JSONValue)] = [
                ("architecture", .string(architectureName)),
                ("profile", .string(problem.profile.name)),
                ("workload", problem.workload.json(innerSteps: problem.innerSteps)),
            ]
            if let givenBudgetText { members.append(("given_budget", .string(givenBudgetText))) }
            members.append(("points", .array(sweep.points.map { point in
                ["budget_bytes": .integer(point.budget.bytes), "adaptation_peak_bytes": .integer(point.peak.bytes),
                 "value": .double(point.value), "adaptation_macs": .integer(point.macs.macs),
                 "plan_compact": .array(point.plan.compactDescription(for: graph).map { .string($0) }),
                 "within_given_budget": .bool(isMarked(point)),
                 "proven_optimal": .bool(point.gap == nil), "gap_to_bound": point.gap.map { .double($0) } ?? .null]
            })))
            if sweep.stoppedAtDeadline {
                members.append(("search", ["stopped_at_time_limit": .bool(true), "tried_budgets": .integer(sweep.triedBudgets),
                                           "planned_budgets": .integer(sweep.plannedBudgets)]))
            }
            return JSONWriter.write(.object(members))
        }
        let headers = ["Budget", "Adaptation peak", "Value", "MACs", "Plan"]
        let rows = sweep.points.map { point in
            [(isMarked(point) ? "> " : "") + point.budget.humanReadable, point.peak.description,
             String(format: "%.3g", point.value) + (point.gap == nil ? "" : "*"), point.macs.humanReadable,
             point.plan.compactDescription(for: graph).joined(separator: " | ")]
        }
        let title = "\(architectureName): the frontier of optimal plans over budgets (\(sweep.points.count) distinct plans)"
        var context = "Workload: \(problem.workload.description(innerSteps: problem.innerSteps)). Profile: \(problem.profile.name). Importance: \(problem.importance.source)."
        if sweep.stoppedAtDeadline {
            let gaps = sweep.points.compactMap(\.gap)
            context += " Stopped at the time limit: \(sweep.triedBudgets) of \(sweep.plannedBudgets) budgets tried"
                + (sweep.largestTriedBudget.map { ", up to \($0.humanReadable)" } ?? "")
                + (gaps.isEmpty ? "" : "; values marked * are the best found, not proven optimal (within "
                    + String(format: "%.1f", 100 * gaps.max()!) + "% of the Lagrangian bound)")
                + "; a longer --time-limit covers more."
        }
        if let givenBudgetText {
            context += planWithinGivenBudget == nil
                ? " No plan fits the given budget \(givenBudgetText)."
                : " The row marked '>' is the optimum within the given budget \(givenBudgetText) (\(problem.budget) for adaptation)."
        }
        if format == .markdown {
            var table = MarkdownTable(header: headers, alignments: [.right, .right, .right, .right, .left])
            rows.forEach { table.append($0) }
            return "### \(title)\n\n\(context)\n\n\(table.render())"
        }
        var table = TextTable(headers: headers, alignments: [.right, .right, .right, .right, .left])
        table.maximumLineWidth = TextWrapping.reportWidth
        rows.forEach { table.append($0) }
        return "\(title)\n\(TextWrapping.wrappingProse(context))\n\n\(table.render())"
    }
}
