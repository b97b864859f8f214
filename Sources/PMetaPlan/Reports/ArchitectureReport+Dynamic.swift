/// The report's MeDyate section: `pmeta-plan plan --strategy dynamic` at the report's budgets.
extension ArchitectureReport {
    /// The command that prints `plan`'s dynamic plan: `pmeta-plan plan architectures/4conv.json --budget 1234567B --strategy dynamic`.
    /// The budget is written in exact bytes, so the command solves the very problem of the report.
    public func dynamicCommand(for plan: BudgetedPlan) -> String {
        (["pmeta-plan", "plan", architecturePath, "--budget", Self.exactBudgetText(plan.budget), "--strategy", "dynamic"]
            + workloadArguments).joined(separator: " ")
    }

    /// `1234567B`: a budget as `--budget` reads it back to the byte.
    static func exactBudgetText(_ budget: ByteCount) -> String { "\(budget.bytes)B" }

    /// Appends "Dynamic channel plan (MeDyate)": the dynamic and static plans side by side, then each budget's
    /// dynamic plan as `pmeta-plan plan --strategy dynamic` prints it, after the command.
    func appendDynamicSection(to document: inout MarkdownDocument) {
        document.heading("Dynamic channel plan (MeDyate)", level: 2)
        document.paragraph("At the same budgets as the p-Meta plans, the dynamic strategy ranks the conv/linear layers by LaRa "
            + "(importance per byte of a full update), pre-selects those that fit at one input channel, and gives each a channel "
            + "count whose peak fits whichever channels are drawn; the channels are redrawn every epoch, so the peak below holds "
            + "for every draw (each layer's count is in the Plan column of the LaRa ranking below). It is a greedy heuristic beside the static exact optimum, which may also update normalizations "
            + "and is limited to the ratios 1/8 to 1. See docs/federated-and-dynamic.md.")
        var table = MarkdownTable(header: ["Budget", "Static optimum: value", "peak", "Dynamic: value", "peak (every draw)",
                                           "Updated layers", "Input channels drawn"],
                                  alignments: [.right, .right, .right, .right, .right, .right, .right])
        for plan in plans {
            let optimum = plan.result.optimum
            let dynamic = plan.dynamic.plan
            let drawn = dynamic.map { plan in
                let selected = plan.layers.reduce(0) { $0 + $1.selectedCount }
                let available = plan.layers.reduce(0) { $0 + $1.channelCount }
                return "\(DecimalFormatting.grouped(selected)) of \(DecimalFormatting.grouped(available))"
            }
            table.append([plan.budget.humanReadable,
                          optimum.map { ChartNumberFormat.significant($0.value, digits: 3) } ?? "-",
                          optimum.map { DecimalFormatting.grouped($0.cost.peak.bytes) + " B" } ?? "does not fit",
                          dynamic.map { ChartNumberFormat.significant($0.value, digits: 3) } ?? "-",
                          dynamic.map { DecimalFormatting.grouped($0.cost.peak.bytes) + " B" } ?? "does not fit",
                          dynamic.map { String($0.layers.count) } ?? "-", drawn ?? "-"])
        }
        document.table(table)
        let statics = methods[0].staticMemory
        let staticBytes = ByteCount(statics.modelBytes.bytes + statics.sampleBytes.bytes)
        for plan in plans {
            document.paragraph("Printed by `\(dynamicCommand(for: plan))` (with a first draw of channels, `--seed` to change it):")
            let report = DynamicPlanReport(architectureName: architectureName, budgetText: Self.exactBudgetText(plan.budget),
                                           includesStatic: false, staticBytes: staticBytes, result: plan.dynamic, seed: 0,
                                           firstDraw: nil, staticOptimum: plan.result.optimum,
                                           advice: plan.dynamic.fits ? nil : try? FitAdvice(for: plan.dynamic.problem))
            document.paragraph(report.render(.markdown))
        }
    }
}
