/// The markdown document of an architecture report.
extension ArchitectureReport {
    /// The report as a markdown document linking its charts by relative path.
    public var markdown: String {
        var document = MarkdownDocument()
        document.heading("\(architectureName): memory of on-device adaptation")
        document.paragraph(headerParagraph)
        document.paragraph("Regenerate with `\(command)`; `pmeta-plan report --all` regenerates every report in reports/.")

        document.heading("Methods side by side", level: 2)
        document.paragraph(budgetSentence)
        document.table(methodTable)
        appendPlanNotes(to: &document)

        document.heading("Live memory through one adaptation step", level: 2)
        document.paragraph("While a layer runs, in the forward pass or the backward pass, what it and the layers before it stored for "
            + "the backward pass is alive, with its working set and the weight-gradient buffers (the memory plan in the spirit of "
            + "TensorFlow Lite Micro's printout). The backward pass of a plan stops at its first updated layer.")
        for (index, plan) in plans.enumerated() {
            document.image(altText: "Live memory through one step: MAML and the p-Meta plan at budget \(plan.budget.humanReadable)",
                           path: "\(chartFolder)/timeline-\(index + 1).svg")
        }

        document.heading("Memory each layer stores", level: 2)
        document.image(altText: "Bytes each layer stores for the backward pass, per method", path: "\(chartFolder)/stored-per-layer.svg")

        document.heading("The planner's frontier", level: 2)
        document.paragraph("The exact optimum at \(sweepBudgetCount) budgets spaced geometrically from the smallest peak any "
            + "update reaches to MAML's peak (one point per distinct plan), and the chosen plans. Value counts updated "
            + "layer-steps, each weighted by sqrt(mu_fw), its input-channel ratio (uniform importance: no importance file).")
        document.image(altText: "Plan value against adaptation peak over budgets", path: "\(chartFolder)/frontier.svg")
        document.table(frontierTable)

        document.heading("Per-layer breakdown", level: 2)
        document.paragraph("Shapes are one sample's output; parameters, forward MACs (one sample) and stored bytes (the whole "
            + "micro-batch, in the peak step) come from the same rows as `pmeta-plan analyze`. The share is the part of the "
            + "method's adaptation peak held by the layer's stored tensors at the peak (`-`: the layer stores nothing there).")
        document.table(layerTable)

        appendFederatedSection(to: &document)
        appendDynamicSection(to: &document)
        return document.render()
    }

    /// The header: architecture, workload, profile and conventions.
    var headerParagraph: String {
        let statics = methods[0].staticMemory
        let input = model.graph.inputShape.dimensions.map(String.init).joined(separator: " x ")
        let sampleBytes = model.graph.graph.sampleElementBytes
        let precision = workload.precision
        return "Architecture `\(architecturePath)`: \(model.graph.layerCount) layers, "
            + "\(DecimalFormatting.grouped(statics.parameterCount)) parameters, input \(input) at \(sampleBytes) B per element. "
            + "Workload: \(workload.samplesPerStep) support samples per inner step in micro-batches of \(workload.microBatch) "
            + "(\(workload.accumulatesGradients ? "gradient accumulation" : "no accumulation"), "
            + "\(workload.propagation == .batched ? "batched" : "streamed one sample at a time")), K = \(innerSteps) inner "
            + "step\(innerSteps == 1 ? "" : "s"), \(precision.weightBytes) B per weight, \(precision.activationBytes) B per "
            + "activation, \(precision.gradientBytes) B per gradient element. Counting profile: `\(profile.name)` "
            + "(\(profile.summary)). Conventions: \(ComparisonReport.conventions) Stored tensors are the inputs of updated "
            + "conv/linear layers (the selected fraction mu_fw of their channels), normalized inputs, 1-bit ReLU masks, max-pool "
            + "indices and the network output; static memory is the model and the support samples."
    }

    /// Which budgets the plans were found at.
    var budgetSentence: String {
        let budgets = plans.map { plan in
            "\(plan.budget)" + (plan.origin.map { ", \($0)" } ?? "")
        }.joined(separator: "; ")
        let defaults = plans.allSatisfy { $0.origin != nil } ? " (the default budgets: none were given)" : ""
        return "The p-Meta plans are the planner's exact optimum under adaptation budgets of \(budgets)\(defaults), with "
            + "input-channel ratios 1/8, 1/4, 1/2, 3/4 and 1 and uniform importance. Ratios divide by MAML."
    }

    /// Static memory, inference peak, adaptation peak and MACs per method and plan.
    var methodTable: MarkdownTable {
        let comparison = ComparisonReport(architectureName: architectureName, workload: workload, innerSteps: innerSteps,
                                          profile: profile, summaries: methods + fittingPlans.map(\.summary))
        return MarkdownTable(header: ComparisonReport.headers,
                             alignments: [ColumnAlignment.left] + Array(repeating: ColumnAlignment.right, count: 7),
                             rows: comparison.rows(exactBytes: true))
    }

    /// The plans in compact form, the budgets nothing fits, and how to write a plan file.
    private func appendPlanNotes(to document: inout MarkdownDocument) {
        var lines: [String] = []
        for plan in plans {
            guard let optimum = plan.result.optimum else {
                lines.append("# budget \(plan.budget.humanReadable): no plan with even one update fits")
                continue
            }
            lines.append("# budget \(plan.budget.humanReadable): peak \(optimum.cost.peak), value "
                + "\(ChartNumberFormat.significant(optimum.value, digits: 3))")
            lines += optimum.plan.compactDescription(for: model.graph)
        }
        document.paragraph("The plans in compact form (layer indices as in the per-layer table, then each one's mu_fw; "
            + "`pmeta-plan --budget B \(architecturePath) -o plan.json` writes one as a plan file):")
        document.codeBlock(lines.joined(separator: "\n"), language: "text")
    }

    /// The sweep's distinct plans.
    var frontierTable: MarkdownTable {
        var table = MarkdownTable(header: ["Swept budget", "Adaptation peak", "Value", "Adaptation MACs", "Updated layers"],
                                  alignments: [.right, .right, .right, .right, .right])
        for point in sweep.points {
            let updated = point.plan.steps.reduce(0) { $0 + $1.layers.filter(\.isUpdated).count }
            table.append([point.budget.humanReadable, point.peak.humanReadable, ChartNumberFormat.significant(point.value, digits: 3),
                          point.macs.humanReadable, String(updated)])
        }
        return table
    }

    /// One row per layer: shape, parameters, forward MACs, and what MAML and each plan store.
    var layerTable: MarkdownTable {
        let fitting = fittingPlans
        var header = ["#", "Layer", "Op", "Output shape", "Params", "Fwd MACs", "MAML stored (B)", "MAML share"]
        for entry in fitting {
            let label = shortLabel(of: entry.plan)
            header += ["Plan (\(label)): update", "stored (B)", "share"]
        }
        var alignments: [ColumnAlignment] = [.right, .left, .left, .left, .right, .right, .right, .right]
        alignments += Array(repeating: [ColumnAlignment.left, .right, .right], count: fitting.count).flatMap { $0 }
        var table = MarkdownTable(header: header, alignments: alignments)
        let mamlRows = analysisRows(of: methods[0])
        let planRows = fitting.map { analysisRows(of: $0.summary) }
        for (index, row) in mamlRows.enumerated() {
            var cells = [String(index), row.name, row.op, row.outputShape.description, DecimalFormatting.grouped(row.parameters),
                         DecimalFormatting.grouped(row.forwardMACs), DecimalFormatting.grouped(row.storedBytes), Self.share(row.peakShare)]
            for (entry, rows) in zip(fitting, planRows) {
                let step = entry.summary.adaptation.peakStep.stepIndex
                let update = entry.plan.result.optimum.map { $0.plan.steps[step].layers[index] } ?? .frozen
                cells += [Self.updateText(update), DecimalFormatting.grouped(rows[index].storedBytes), Self.share(rows[index].peakShare)]
            }
            table.append(cells)
        }
        return table
    }

    /// A share of the peak with one decimal: `12.3%`, or `-` for none.
    static func share(_ value: Double) -> String {
        guard value > 0 else { return "-" }
        return DecimalFormatting.scaled(Int((value * 1000).rounded()), by: 10, decimals: 1) + "%"
    }

    /// How a plan updates a layer: `-` frozen, `bias`, `all`, or the input-channel ratio `1/2`.
    static func updateText(_ update: LayerUpdate) -> String {
        switch update.parameters {
        case .none: "-"
        case .biasOnly: "bias"
        case .all: update.inputChannelRatio == .all ? "all" : "mu_fw \(update.inputChannelRatio)"
        }
    }
}
