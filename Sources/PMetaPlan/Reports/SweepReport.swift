import Foundation

/// The frontier over budgets as a table: what `pmeta-plan --sweep` prints.
public struct SweepReport: Sendable {
    /// The network's name.
    public var architectureName: String
    /// The problem swept (its budget is ignored).
    public var problem: PlanningProblem
    /// The frontier.
    public var sweep: BudgetSweep

    /// Creates a report.
    public init(architectureName: String, problem: PlanningProblem, sweep: BudgetSweep) {
        self.architectureName = architectureName
        self.problem = problem
        self.sweep = sweep
    }

    /// The report as text, JSON or markdown.
    public func render(_ format: OutputFormat) -> String {
        let graph = problem.model.graph
        if format == .json {
            return JSONWriter.write([
                "architecture": .string(architectureName),
                "profile": .string(problem.profile.name),
                "workload": problem.workload.json(innerSteps: problem.innerSteps),
                "points": .array(sweep.points.map { point in
                    ["budget_bytes": .integer(point.budget.bytes), "adaptation_peak_bytes": .integer(point.peak.bytes),
                     "value": .double(point.value), "adaptation_macs": .integer(point.macs.macs),
                     "plan_compact": .array(point.plan.compactDescription(for: graph).map { .string($0) })]
                }),
            ])
        }
        let headers = ["Budget", "Adaptation peak", "Value", "MACs", "Plan"]
        let rows = sweep.points.map { point in
            [point.budget.humanReadable, point.peak.description, String(format: "%.3g", point.value), point.macs.humanReadable,
             point.plan.compactDescription(for: graph).joined(separator: "; ")]
        }
        let title = "\(architectureName): the frontier of optimal plans over budgets (\(sweep.points.count) distinct plans)"
        let context = "Workload: \(problem.workload.description(innerSteps: problem.innerSteps)). Profile: \(problem.profile.name). Importance: \(problem.importance.source)."
        if format == .markdown {
            var table = MarkdownTable(header: headers, alignments: [.right, .right, .right, .right, .left])
            rows.forEach { table.append($0) }
            return "### \(title)\n\n\(context)\n\n\(table.render())"
        }
        var table = TextTable(headers: headers, alignments: [.right, .right, .right, .right, .left])
        rows.forEach { table.append($0) }
        return "\(title)\n\(context)\n\n\(table.render())"
    }
}
