/// The charts of an architecture report, drawn with the chart library from the cost model's own figures.
extension ArchitectureReport {
    /// A decimal memory unit for chart axes, chosen so that the largest value reads between 1 and 1,000.
    struct MemoryUnit {
        var name: String
        var bytes: Double

        /// MB from 1 MB up, kB below.
        init(forLargest largest: ByteCount) {
            if largest.bytes >= 1_000_000 {
                (name, bytes) = ("MB", 1_000_000)
            } else {
                (name, bytes) = ("kB", 1_000)
            }
        }

        func value(_ count: ByteCount) -> Double { Double(count.bytes) / bytes }
        func value(_ bytes: Int) -> Double { Double(bytes) / self.bytes }
    }

    /// Colours by role, so that a method keeps its colour in every chart (Okabe–Ito).
    enum Colours {
        static let maml = "#0072b2"
        static let anil = "#e69f00"
        static let boil = "#56b4e9"
        static let tinyTL = "#cc79a7"
        static let plans = ["#d55e00", "#009e73", "#000000", "#f0e442"]
        static let frontier = "#7f8c99"

        static func method(_ identifier: String) -> String {
            switch identifier {
            case AdaptationMethod.anil.rawValue: anil
            case AdaptationMethod.boil.rawValue: boil
            case AdaptationMethod.tinyTL.rawValue: tinyTL
            default: maml
            }
        }
    }

    /// The unit every memory chart of the report uses: MAML's peak sets it.
    var memoryUnit: MemoryUnit { MemoryUnit(forLargest: methods[0].adaptation.peak) }

    /// The first line of every chart a report writes. `pmeta-plan report` deletes a stale SVG in a chart folder
    /// only when it starts with this line, so a file the tool did not write (a user's logo) is never removed.
    public static let chartMarker = "<!-- pmeta-plan report chart: rewritten by 'pmeta-plan report', deleted by it when no longer linked -->"

    /// Every chart: live memory per budget, stored memory per layer, the frontier; each starts with `chartMarker`.
    public var charts: [Chart] {
        let marked = { (svg: String) in Self.chartMarker + "\n" + svg }
        var charts = plans.indices.map { Chart(path: "\(chartFolder)/timeline-\($0 + 1).svg", svg: marked(timelineChart(budgetAt: $0).svg())) }
        charts.append(Chart(path: "\(chartFolder)/stored-per-layer.svg", svg: marked(storedMemoryChart().svg())))
        charts.append(Chart(path: "\(chartFolder)/frontier.svg", svg: marked(frontierChart().svg())))
        return charts
    }

    // MARK: - Live memory over one step

    /// Live memory through the forward and backward pass of the peak step, MAML against the plan at one budget,
    /// with each peak marked and the budget drawn across.
    func timelineChart(budgetAt index: Int) -> TimelineChart {
        let unit = memoryUnit
        let plan = plans[index]
        let names = model.graph.layers.map(\.name)
        let maml = methods[0].adaptation.peakStep.timeline
        var series = [TimelineSeries(name: "MAML", values: maml.map { unit.value($0.liveBytes) }, colour: Colours.maml)]
        if let summary = plan.summary {
            series.append(TimelineSeries(name: "p-Meta plan (\(shortLabel(of: plan)))",
                                         values: summary.adaptation.peakStep.timeline.map { unit.value($0.liveBytes) },
                                         colour: Colours.plans[index % Colours.plans.count]))
        }
        let forwardCount = model.graph.layerCount
        let eventCount = series.map(\.values.count).max() ?? forwardCount
        let eventNames = maml.map { "\($0.phase == .forward ? "forward" : "backward") \(names[$0.layer])" }
        let fits = plan.summary == nil ? "nothing fits this budget" : "the plan fits"
        return TimelineChart(
            title: "\(architectureName): live memory through one adaptation step",
            subtitle: "Budget \(plan.budget.humanReadable)\(plan.origin.map { " (\($0))" } ?? ""): \(fits). "
                + "Stored tensors + working set + gradient buffers while each layer runs.",
            series: series,
            eventAxis: ChartAxis(title: "Layer computed (forward pass, then backward pass)"),
            valueAxis: ChartAxis(title: "Live memory", unit: unit.name),
            eventNames: eventNames,
            regions: [TimelineRegion(label: "forward", events: 0..<forwardCount),
                      TimelineRegion(label: "backward", events: forwardCount..<max(eventCount, forwardCount), isShaded: false)],
            referenceLines: [ReferenceLine(value: unit.value(plan.budget), label: "budget \(plan.budget.humanReadable)")])
    }

    // MARK: - Stored memory per layer

    /// What each layer stores for the backward pass in the peak step, per method; layers that store nothing under
    /// any method are left out. Horizontal for networks with many such layers.
    func storedMemoryChart() -> BarChart {
        let unit = memoryUnit
        let shown: [MethodSummary] = methods.filter { $0.identifier != AdaptationMethod.mamlPlusPlus.rawValue }
            + fittingPlans.map(\.summary)
        let stored = shown.map { summary in analysisRows(of: summary).map(\.storedBytes) }
        let layers = model.graph.layers.indices.filter { index in stored.contains { $0[index] > 0 } }
        let names = model.graph.layers.map(\.name)
        let series = shown.indices.map { position in
            BarSeries(name: legendName(of: shown[position]), values: layers.map { unit.value(stored[position][$0]) },
                      colour: colour(of: shown[position]))
        }
        let isHorizontal = layers.count > 12
        return BarChart(
            title: "\(architectureName): memory each layer stores for the backward pass",
            subtitle: "Peak step, whole micro-batch. MAML++ stores what MAML stores; layers that store nothing are left out.",
            categories: layers.map { names[$0] },
            series: series,
            valueAxis: ChartAxis(title: "Stored for the backward pass", unit: unit.name),
            categoryAxisTitle: "Layer",
            orientation: isHorizontal ? .horizontal : .vertical,
            width: isHorizontal ? 900 : 800)
    }

    /// The legend name of a method or plan.
    private func legendName(of summary: MethodSummary) -> String {
        guard let index = planIndex(of: summary) else { return summary.name }
        return "p-Meta plan (\(shortLabel(of: plans[index])))"
    }

    /// The colour of a method or plan.
    private func colour(of summary: MethodSummary) -> String {
        guard let index = planIndex(of: summary) else { return Colours.method(summary.identifier) }
        return Colours.plans[index % Colours.plans.count]
    }

    /// The position in `plans` of a plan's summary, nil for a built-in method.
    private func planIndex(of summary: MethodSummary) -> Int? {
        guard summary.identifier == "plan" else { return nil }
        return plans.firstIndex { $0.summary?.name == summary.name }
    }

    // MARK: - Frontier

    /// The optimal plans over budgets, memory against value, with the chosen plans highlighted and the budgets drawn.
    func frontierChart() -> ScatterChart {
        let unit = memoryUnit
        let frontier = ScatterSeries(
            name: "optimal plan at a swept budget",
            points: sweep.points.map { ScatterPoint(x: unit.value($0.peak), y: $0.value) },
            colour: Colours.frontier, connection: .steps)
        var series = [frontier]
        for (offset, entry) in plans.enumerated() {
            guard let optimum = entry.result.optimum else { continue }
            series.append(ScatterSeries(
                name: "chosen plan (\(shortLabel(of: entry)))",
                points: [ScatterPoint(x: unit.value(optimum.cost.peak), y: optimum.value,
                                      label: "\(shortLabel(of: entry)): \(optimum.cost.peak.humanReadable)", isHighlighted: true)],
                colour: Colours.plans[offset % Colours.plans.count]))
        }
        return ScatterChart(
            title: "\(architectureName): the planner's frontier",
            subtitle: "Value = sum over updated layer-steps of |alpha| x sqrt(mu_fw); uniform importance: each trainable layer-step scores 1.",
            series: series,
            xAxis: ChartAxis(title: "Adaptation peak", unit: unit.name),
            yAxis: ChartAxis(title: "Plan value"),
            referenceLines: plans.map { ReferenceLine(value: unit.value($0.budget), label: "budget \($0.budget.humanReadable)") })
    }
}
