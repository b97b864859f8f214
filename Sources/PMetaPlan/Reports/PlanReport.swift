import Foundation

/// The planner's answer for a budget, readable at a glance: what the main job prints.
public struct PlanReport: Sendable {
    /// The network's name.
    public var architectureName: String
    /// The budget as the user asked for it.
    public var request: BudgetRequest
    /// The planner's result.
    public var result: PlanningResult
    /// The built-in methods on the same budget.
    public var methods: [MethodSummary]
    /// Advice when nothing fits.
    public var advice: FitAdvice?

    /// Creates a report.
    public init(architectureName: String, budgetText: String, includesStatic: Bool, staticBytes: ByteCount,
                result: PlanningResult, methods: [MethodSummary], advice: FitAdvice?) {
        self.architectureName = architectureName
        self.request = BudgetRequest(text: budgetText, includesStatic: includesStatic, staticBytes: staticBytes)
        self.result = result
        self.methods = methods
        self.advice = advice
    }

    var problem: PlanningProblem { result.problem }
    var graph: ShapedGraph { problem.model.graph }

    /// The budget the user gave, in bytes.
    public var budgetBytes: ByteCount { request.totalBytes(adaptationBudget: problem.budget) }

    /// The report as text, JSON or markdown.
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .json: return JSONWriter.write(json)
        case .text: return TextWrapping.wrappingProse(lines(markdown: false)).joined(separator: "\n") + "\n"
        case .markdown: return lines(markdown: true).joined(separator: "\n") + "\n"
        }
    }

    /// `budget 256KB = 256,000 B (the adaptation peak; ...)`.
    var budgetLine: String { request.line(adaptationBudget: problem.budget) }

    private func lines(markdown: Bool) -> [String] {
        let bullet = markdown ? "- " : "  "
        var lines = [markdown ? "### \(architectureName): \(budgetLine)" : "\(architectureName): \(budgetLine)",
                     "",
                     "Workload: \(problem.workload.description(innerSteps: problem.innerSteps)).",
                     ] + (request.device?.lines(precision: problem.workload.precision) ?? []) + [
                     "Profile: \(problem.profile.name) (\(problem.profile.summary)). Importance: \(problem.importance.source). "
                        + "Channel ratios: \(problem.ratios.map(\.description).joined(separator: ", "))."
                        + (problem.attention.map { " Meta attention (\($0)) on every attendable layer, counted for the most channels it keeps." } ?? ""),
                     ""]
        if let optimum = result.optimum {
            let peak = optimum.cost.peak
            let spare = problem.budget.bytes - peak.bytes
            let percent = DecimalFormatting.scaled(Int((Double(spare) / Double(max(budgetBytes.bytes, 1)) * 1000).rounded()), by: 10, decimals: 1)
            lines.append("FITS: the best plan's adaptation peak is \(peak), with \(ByteCount(spare).humanReadable) (\(percent)%) to spare.")
            lines.append("")
            if let stopped = result.stoppedSearch {
                lines.append("Plan (best found: the exact search ran out of its time limit after \(DecimalFormatting.grouped(stopped.solvedSteps)) of \(DecimalFormatting.grouped(problem.innerSteps)) "
                    + "step\(problem.innerSteps == 1 ? "" : "s"); value \(format(optimum.value)), within \(percentText(stopped.gap)) of the Lagrangian bound "
                    + "\(format(stopped.valueBound)); a longer --time-limit may close the gap):")
            } else {
                lines.append("Plan (exact optimum, value \(format(optimum.value)) of \(format(maximumValue)) possible):")
            }
            lines += optimum.plan.compactLines(for: graph, bullet: bullet, width: markdown ? nil : TextWrapping.reportWidth)
            if optimum.chargedCarriedStateInSearch {
                lines.append("(Searched step by step with the optimizer state and copies of earlier steps' updates taken off the budget, "
                    + "which fits but charges a layer updated again twice: the best plan found, not proven optimal.)")
            }
            lines.append("")
            lines += Self.peakLines(optimum.cost, graph: graph)
            if let lasso = result.lasso {
                lines.append("")
                lines.append("Lasso path (p-Meta Eq. (9))\(lassoStoppedPhrase): lambda = \(String(format: "%.3g", lasso.lambda)) per element, ratio \(lasso.ratio): "
                    + "value \(format(lasso.value)), peak \(lasso.cost.peak.humanReadable); "
                    + (result.stoppedSearch.map { "gap to the Lagrangian bound \(percentText(max(0, ($0.valueBound - lasso.value) / max($0.valueBound, .leastNonzeroMagnitude))))." }
                       ?? "gap to the optimum \(DecimalFormatting.scaled(Int(((result.lassoGap ?? 0) * 1000).rounded()), by: 10, decimals: 1))%."))
            } else {
                lines.append("")
                lines.append("Lasso path (p-Meta Eq. (9))\(lassoStoppedPhrase): no plan on the path fits; only the exact search found one.")
            }
        } else if let stopped = result.stoppedSearch {
            lines.append("NO PLAN FOUND: the exact search ran out of its time limit after \(DecimalFormatting.grouped(stopped.solvedSteps)) of \(DecimalFormatting.grouped(problem.innerSteps)) step"
                + "\(problem.innerSteps == 1 ? "" : "s") and the Lasso path\(lassoStoppedPhrase.isEmpty ? "" : "'s search,\(lassoStoppedPhrase),")"
                + " has no plan that fits \(problem.budget); a longer --time-limit may find one.")
        } else {
            lines.append("DOES NOT FIT: no plan with even one update fits in \(problem.budget).")
            if let advice { lines += advice.lines(bullet: bullet) }
        }
        lines.append("")
        lines.append("Same budget, other methods:")
        let headers = ["Method", "Adaptation peak", "Fits", "Adaptation MACs"]
        let rows = methods.map { summary in
            [summary.name, summary.adaptation.peak.description, summary.adaptation.peak <= problem.budget ? "yes" : "no",
             summary.adaptation.macs.humanReadable]
        }
        lines += renderTable(headers, [.left, .right, .left, .right], rows, markdown: markdown)
        lines.append(ComparisonReport.conventions)
        if problem.workload.updateState.elementsPerUpdatedElement > 0 {
            lines.append("Every adaptation peak here also holds what each updated element keeps through the step besides its gradient: "
                + [problem.workload.updateState.copiesUpdatedWeights ? "its SRAM copy" : nil,
                   problem.workload.updateState.optimizer == .sgd ? nil : "\(problem.workload.updateState.optimizer.rawValue)'s state"]
                    .compactMap { $0 }.joined(separator: " and ") + ", at the gradient's precision.")
        }
        return lines
    }

    /// What makes up an adaptation peak, in two or three lines (shared with the dynamic strategy's report).
    static func peakLines(_ cost: AdaptationCost, graph: ShapedGraph) -> [String] {
        let step = cost.peakStep
        let names = graph.layers.map(\.name)
        var lines = ["Peak: \(cost.peak) while '\(names[step.peak.layer])' runs"
            + (cost.steps.count > 1 ? " in inner step \(step.stepIndex + 1)" : "")
            + ": \(step.peak.partsPhrase)."]
        if let largest = step.peak.largestStoredLayer {
            let kinds = SavedTensor.phrase(for: step.savedTensors[largest])
            lines.append("Largest stored tensor at the peak: the \(kinds) of '\(names[largest])', \(ByteCount(step.storedBytes[largest]).humanReadable).")
        }
        lines.append("MACs: \(cost.macs) over \(cost.steps.count) inner step\(cost.steps.count == 1 ? "" : "s").")
        return lines
    }

    /// The value of updating every layer-step at full ratio.
    var maximumValue: Double { problem.maximumValue }

    private func format(_ value: Double) -> String { String(format: "%.3g", value) }

    private func percentText(_ fraction: Double) -> String {
        DecimalFormatting.scaled(Int((fraction * 1000).rounded()), by: 10, decimals: 1) + "%"
    }

    /// ", stopped at the time limit after 2 of 5 channel ratios" when the deadline cut the Lasso path's search short.
    private var lassoStoppedPhrase: String {
        guard let search = result.lassoSearch, search.stoppedAtDeadline else { return "" }
        return ", stopped at the time limit after \(search.searchedRatios) of \(search.ratioCount) channel ratios"
    }

    private var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("architecture", .string(architectureName)),
        ] + request.jsonMembers(for: problem, fits: result.fits)
        if let stopped = result.stoppedSearch {
            var search: [(key: String, value: JSONValue)] = [("stopped_at_time_limit", .bool(true)), ("solved_steps", .integer(stopped.solvedSteps)),
                                                          ("value_bound", .double(stopped.valueBound)), ("gap", .double(stopped.gap))]
            if let lassoSearch = result.lassoSearch {
                search.append(("lasso_ratios_searched", .integer(lassoSearch.searchedRatios)))
                search.append(("lasso_ratio_count", .integer(lassoSearch.ratioCount)))
            }
            members.append(("search", .object(search)))
        }
        if let optimum = result.optimum {
            members += [
                ("adaptation_peak_bytes", .integer(optimum.cost.peak.bytes)),
                ("adaptation_peak_layer", .string(graph.layers[optimum.cost.peakStep.peak.layer].name)),
                ("adaptation_macs", .integer(optimum.cost.macs.macs)),
                ("headroom_bytes", .integer(problem.budget.bytes - optimum.cost.peak.bytes)),
                ("value", .double(optimum.value)),
                ("maximum_value", .double(maximumValue)),
                ("plan", optimum.plan.json(for: graph)),
                ("plan_compact", .array(optimum.plan.compactDescription(for: graph).map { .string($0) })),
            ]
            if let lasso = result.lasso {
                members.append(("lasso", [
                    "value": .double(lasso.value), "adaptation_peak_bytes": .integer(lasso.cost.peak.bytes),
                    "lambda": .double(lasso.lambda), "ratio": .string(lasso.ratio.description),
                    "gap": .double(result.lassoGap ?? 0),
                ]))
            } else {
                members.append(("lasso", .null))
            }
        } else {
            members.append(("adaptation_peak_bytes", .null))
            members.append(("plan", .null))
            if let advice { members.append(("advice", advice.json)) }
        }
        members.append(("methods", .array(methods.map { summary in
            var json = summary.json
            if case .object(var pairs) = json {
                pairs.append(("fits", .bool(summary.adaptation.peak <= problem.budget)))
                json = .object(pairs)
            }
            return json
        })))
        return .object(members)
    }
}

extension PeakBreakdown {
    /// `stored tensors 1.2 MB, working set 300 kB, weight-gradient buffers 40 kB` (and the update state where there is one).
    var partsPhrase: String {
        "stored tensors \(storedBytes.humanReadable), working set \(workingBytes.humanReadable), "
            + "weight-gradient buffers \(gradientBufferBytes.humanReadable)"
            + (updateStateBytes.bytes > 0 ? ", optimizer state and updated weights' copies \(updateStateBytes.humanReadable)" : "")
    }
}
