import Foundation

/// The dynamic strategy's answer for a budget (MeDyate: LaRa pre-selection, channel counts whose worst case
/// fits, channels redrawn every epoch): what `pmeta-plan plan --strategy dynamic` prints.
public struct DynamicPlanReport: Sendable {
    /// The network's name.
    public var architectureName: String
    /// The budget as the user asked for it.
    public var request: BudgetRequest
    /// The dynamic planner's result.
    public var result: DynamicChannelPlanner.Result
    /// The seed of the first draw shown.
    public var seed: UInt64
    /// The first epoch's channels drawn with `seed`, by layer index; nil when the caller has no generator (an
    /// architecture report), and the report then says how to see a draw.
    public var firstDraw: [Int: [Int]]?
    /// The static strategy's exact optimum on the same budget, for comparison.
    public var staticOptimum: PlanningResult.Optimum?
    /// Advice when nothing fits.
    public var advice: FitAdvice?
    /// Whether the static search behind `staticOptimum` stopped at the time limit (its plan is then the best found,
    /// not the proven optimum).
    public var staticSearchStopped = false

    /// Creates a report.
    public init(architectureName: String, budgetText: String, includesStatic: Bool, staticBytes: ByteCount,
                result: DynamicChannelPlanner.Result, seed: UInt64, firstDraw: [Int: [Int]]?,
                staticOptimum: PlanningResult.Optimum?, advice: FitAdvice?) {
        self.architectureName = architectureName
        self.request = BudgetRequest(text: budgetText, includesStatic: includesStatic, staticBytes: staticBytes)
        self.result = result
        self.seed = seed
        self.firstDraw = firstDraw
        self.staticOptimum = staticOptimum
        self.advice = advice
    }

    var problem: PlanningProblem { result.problem }
    var graph: ShapedGraph { problem.model.graph }

    /// The budget the user gave, in bytes.
    public var budgetBytes: ByteCount { request.totalBytes(adaptationBudget: problem.budget) }

    /// The sampling rule in one sentence.
    public static let samplingRule = "before each epoch, each layer draws c of its C input channels without replacement, channel i "
        + "with probability pi_i = min(1, c w_i / sum w) (capped and shared again), by randomized systematic sampling; "
        + "w is the trainer's channel importance (DynamicChannelPlan.setChannelWeights), uniform until set, so pi_i = c / C"

    /// The report as text, JSON or markdown.
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .json: return JSONWriter.write(json)
        case .text: return TextWrapping.wrappingProse(lines(markdown: false)).joined(separator: "\n") + "\n"
        case .markdown: return lines(markdown: true).joined(separator: "\n") + "\n"
        }
    }

    private func lines(markdown: Bool) -> [String] {
        let bullet = markdown ? "- " : "  "
        let budgetLine = request.line(adaptationBudget: problem.budget)
        var lines = [markdown ? "### \(architectureName): \(budgetLine)" : "\(architectureName): \(budgetLine)",
                     "",
                     "Workload: \(problem.workload.description(innerSteps: problem.innerSteps)).",
                     "Profile: \(problem.profile.name) (\(problem.profile.summary)). Importance: \(problem.importance.source).",
                     "Strategy: dynamic (MeDyate): layers pre-selected by LaRa (importance per byte), then per-layer channel counts "
                        + "whose worst case fits; the channels are redrawn every epoch.",
                     ""]
        if let stopped = result.stoppedSearch {
            lines.append("Stopped at the time limit: the pre-selection walked \(stopped.walkedLayers) of \(stopped.rankedLayers) ranked layers, "
                + "and \(stopped.completedSizes) of \(stopped.possibleSizes) sizes were grown to the end; the plan below is the best found, "
                + "a longer --time-limit may find a better one" + (staticOptimum == nil ? " (the static comparison was skipped)." : "."))
        }
        guard let plan = result.plan else {
            if result.stoppedSearch != nil {
                lines.append("NO PLAN FOUND before the time limit: no layer was admitted yet; a longer --time-limit decides whether one fits.")
                return lines
            }
            lines.append("DOES NOT FIT: not even one input channel of one conv/linear layer fits in \(problem.budget).")
            if let advice { lines += advice.lines(bullet: bullet) }
            return lines
        }
        let peak = plan.cost.peak
        let spare = problem.budget.bytes - peak.bytes
        let percent = DecimalFormatting.scaled(Int((Double(spare) / Double(max(budgetBytes.bytes, 1)) * 1000).rounded()), by: 10, decimals: 1)
        lines.append("FITS: the dynamic plan's adaptation peak is \(peak) for every draw of channels, with "
            + "\(ByteCount(spare).humanReadable) (\(percent)%) to spare.")
        lines.append("")

        lines.append("LaRa ranking (importance per byte of a full update: the stored input for the micro-batch plus the weight-gradient buffer):")
        let counts = Dictionary(uniqueKeysWithValues: plan.layers.map { ($0.layer, $0) })
        let rows = result.ranking.entries.enumerated().map { rank, entry -> [String] in
            let channels = model.layerCosts[entry.layer].inputChannels
            let chosen = counts[entry.layer].map { "\($0.selectedCount) of \(channels) channels" } ?? "-"
            return ["\(rank + 1)", graph.layers[entry.layer].name, String(format: "%.3g", entry.importance),
                    entry.storedInputBytes.humanReadable, entry.gradientBufferBytes.humanReadable,
                    String(format: "%.3g", entry.score * 1_000_000), chosen]
        }
        lines += renderTable(["Rank", "Layer", "Importance", "Stored input", "Gradient buffer", "Importance per MB", "Plan"],
                       [.right, .left, .right, .right, .right, .right, .left], rows, markdown: markdown)

        lines.append("Dynamic plan (the same at each inner step; normalization layers stay frozen):")
        lines += UpdatePlan(steps: Array(plan.updatePlan.steps.prefix(1))).compactLines(for: graph, bullet: bullet, width: markdown ? nil : TextWrapping.reportWidth)
            .map { $0.replacingOccurrences(of: "k=1: ", with: "") }
        lines.append("")
        lines.append("Sampling rule: \(Self.samplingRule).")
        lines.append("Why the peak does not move: a layer stores c x H x W input elements per sample and c x C_out x kernel area weight "
            + "gradients whichever c channels are drawn, and the cost model counts c alone; every draw has the peak above.")
        let grouped = plan.layers.filter { if case .conv2d(let convolution) = graph.layers[$0.layer].operation { return convolution.groupCount > 1 } else { return false } }
        if !grouped.isEmpty {
            lines.append("Which channels matter only in \(grouped.map { "'\($0.name)'" }.joined(separator: ", ")) (grouped convolution): "
                + "with every output channel kept, as here, the buffer is still count-only; a trainer that also drew output channels "
                + "would need the input-output pairs within each group.")
        }
        let partial = plan.layers.filter { $0.selectedCount < $0.channelCount }
        if !partial.isEmpty {
            let coverage = partial.map { entry -> String in
                let missed = pow(1 - Double(entry.selectedCount) / Double(entry.channelCount), 10)
                return "\(entry.name) \(DecimalFormatting.fixed((1 - missed) * 100, decimals: 1))%"
            }
            lines.append("Coverage over epochs (uniform weights): a channel is drawn in an epoch with probability c / C, and at least "
                + "once in 10 epochs with 1 - (1 - c / C)^10: \(coverage.joined(separator: ", ")).")
        }
        if let firstDraw {
            lines.append("First draw (--seed \(seed)):")
            for entry in plan.layers {
                let drawn = firstDraw[entry.layer] ?? []
                lines.append("\(bullet)\(entry.name) (c = \(entry.selectedCount) of \(entry.channelCount)): \(Self.channelList(drawn, of: entry.channelCount))")
            }
        } else {
            lines.append("Which channels an epoch draws depends on the seed, the peak does not: the command prints a first draw (--seed).")
        }
        lines.append("")
        lines += PlanReport.peakLines(plan.cost, graph: graph)
        lines.append("")
        var valueLine = "Value: \(format(plan.value)) of \(format(problem.maximumValue)) possible (sum over layer-steps of |alpha| sqrt(c / C))"
        if let staticOptimum {
            valueLine += (staticSearchStopped ? "; the best static plan found before the time limit" : "; the static exact optimum")
                + " on the same budget (which may also update normalizations): value "
                + "\(format(staticOptimum.value)), peak \(staticOptimum.cost.peak.humanReadable)"
        }
        lines.append(valueLine + ".")
        return lines
    }

    private var model: CostModel { problem.model }

    /// `0, 3, 4, ... (20 channels)`, `all 800`.
    static func channelList(_ channels: [Int], of count: Int) -> String {
        if channels.count == count { return "all \(count)" }
        let shown = channels.prefix(16).map(String.init).joined(separator: ", ")
        return channels.count > 16 ? shown + ", ... (\(channels.count) channels)" : shown
    }

    private func format(_ value: Double) -> String { String(format: "%.3g", value) }

    private var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("architecture", .string(architectureName)),
            ("strategy", .string("dynamic")),
        ] + request.jsonMembers(for: problem, fits: result.fits)
        if let stopped = result.stoppedSearch {
            members.append(("search", ["stopped_at_time_limit": .bool(true), "walked_layers": .integer(stopped.walkedLayers),
                                       "ranked_layers": .integer(stopped.rankedLayers), "completed_sizes": .integer(stopped.completedSizes),
                                       "possible_sizes": .integer(stopped.possibleSizes)]))
        }
        let counts = Dictionary(uniqueKeysWithValues: (result.plan?.layers ?? []).map { ($0.layer, $0.selectedCount) })
        members.append(("ranking", .array(result.ranking.entries.map { entry in
            [
                "layer": .string(graph.layers[entry.layer].name), "importance": .double(entry.importance),
                "stored_input_bytes": .integer(entry.storedInputBytes.bytes), "gradient_buffer_bytes": .integer(entry.gradientBufferBytes.bytes),
                "importance_per_byte": .double(entry.score), "selected_channels": counts[entry.layer].map { .integer($0) } ?? .null,
            ]
        })))
        if let plan = result.plan {
            members += [
                ("adaptation_peak_bytes", .integer(plan.cost.peak.bytes)),
                ("adaptation_peak_layer", .string(graph.layers[plan.cost.peakStep.peak.layer].name)),
                ("adaptation_macs", .integer(plan.cost.macs.macs)),
                ("headroom_bytes", .integer(problem.budget.bytes - plan.cost.peak.bytes)),
                ("value", .double(plan.value)),
                ("maximum_value", .double(problem.maximumValue)),
                ("layers", .array(plan.layers.map { entry in
                    ["layer": .string(entry.name), "input_channels": .integer(entry.channelCount), "selected_channels": .integer(entry.selectedCount)]
                })),
                ("sampling", [
                    "rule": .string(Self.samplingRule), "seed": .integer(Int(clamping: seed)),
                    "first_draw": firstDraw.map { draw in
                        .object(plan.layers.map { ($0.name, .array((draw[$0.layer] ?? []).map { .integer($0) })) })
                    } ?? .null,
                ]),
                ("plan", plan.updatePlan.json(for: graph)),
                ("static_optimum", staticOptimum.map { ["value": .double($0.value), "adaptation_peak_bytes": .integer($0.cost.peak.bytes),
                                                        "proven_optimal": .bool(!staticSearchStopped)] } ?? .null),
            ]
        } else {
            members.append(("adaptation_peak_bytes", .null))
            members.append(("plan", .null))
            if let advice { members.append(("advice", advice.json)) }
        }
        return .object(members)
    }
}
