import PMetaPlan
import Testing

@Suite("Charts: scatter chart")
struct ChartsScatterChartTests {
    static let frontier: [ScatterPoint] = [
        ScatterPoint(x: 0.05, y: 48, label: "fc only"),
        ScatterPoint(x: 0.1, y: 50, label: "bias + fc"),
        ScatterPoint(x: 0.2, y: 53.5, label: "b4.conv3"),
        ScatterPoint(x: 0.45, y: 54.5, label: "b4.*"),
        ScatterPoint(x: 0.62, y: 56, label: "b3.conv3 + b4.*", isHighlighted: true),
        ScatterPoint(x: 1.2, y: 57.2, label: "b3.* + b4.*"),
    ]

    static func crowdedChart() -> ScatterChart {
        let xs = ChartSamples.megabytes(40, seed: 3)
        let ys = ChartSamples.megabytes(40, seed: 4)
        let dominated = zip(xs, ys).enumerated().map { index, pair in
            ScatterPoint(x: pair.0, y: 45 + pair.1 / 2, label: "plan \(index)")
        }
        return ScatterChart(
            title: "Plans: accuracy against peak memory",
            series: [
                ScatterSeries(name: "frontier", points: frontier, connection: .steps),
                ScatterSeries(name: "dominated", points: dominated),
            ],
            xAxis: ChartAxis(title: "Peak memory", unit: "MB"),
            yAxis: ChartAxis(title: "Accuracy", unit: "%", includesZero: false),
            referenceLines: [
                ReferenceLine(value: 2, label: "budget 2 MB"), ReferenceLine(value: 2.2, label: "budget 2.2 MB"),
            ])
    }

    @Test func sameChartTwiceGivesIdenticalSVG() {
        #expect(Self.crowdedChart().svg() == Self.crowdedChart().svg())
    }

    @Test func crowdedLabelsAreLeftOutRatherThanOverlapped() throws {
        let markup = Self.crowdedChart().svg()
        try expectWellLaidOut(markup)
        let parsed = try parseSVG(markup)
        let pointLabels = parsed.texts.filter { $0.content.hasPrefix("plan ") }
        #expect(pointLabels.count < 40)
        #expect(pointLabels.count > 0)
        // Every point keeps its hover text.
        #expect(parsed.titles.filter { $0.hasPrefix("plan ") }.count == 40)
        #expect(parsed.elementCounts["circle"] == 46 + 2)  // 46 points and 2 legend dots
    }

    @Test func theChosenPointIsHighlightedAndLabelledInBold() throws {
        let chart = ScatterChart(
            title: "4-conv frontier",
            series: [ScatterSeries(name: "frontier", points: Self.frontier, connection: .steps)],
            xAxis: ChartAxis(title: "Peak memory", unit: "MB"), yAxis: ChartAxis(title: "Accuracy", unit: "%"),
            referenceLines: [ReferenceLine(value: 0.6, label: "budget 600 kB")])
        let markup = chart.svg()
        try expectWellLaidOut(markup)
        let parsed = try parseSVG(markup)
        let chosen = try #require(parsed.texts.first { $0.content == "b3.conv3 + b4.*" })
        #expect(chosen.weight == .bold)
        #expect(markup.contains("r=\"6.5\""))
        #expect(parsed.texts.contains { $0.content == "budget 600 kB" })
        #expect(parsed.titles.contains("b3.conv3 + b4.*: 0.62 MB, 56 %"))
    }

    @Test func referenceLabelsNearTheLeftEdgeClearTheTickLabels() throws {
        let chart = ScatterChart(
            title: "Budget near zero", series: [ScatterSeries(name: "plans", points: Self.frontier)],
            xAxis: ChartAxis(title: "Peak memory", unit: "MB"), yAxis: ChartAxis(title: "Accuracy", unit: "%"),
            referenceLines: [
                ReferenceLine(value: 0.01, label: "budget 10 kB, a long label"),
                ReferenceLine(value: 0.02, label: "budget 20 kB"),
            ])
        try expectWellLaidOut(chart.svg())
    }

    @Test func stepConnectionHoldsEachValueUntilTheNextPoint() throws {
        let chart = ScatterChart(
            title: "Steps",
            series: [
                ScatterSeries(
                    name: "frontier", points: [ScatterPoint(x: 2, y: 2), ScatterPoint(x: 1, y: 1)], connection: .steps)
            ],
            xAxis: ChartAxis(title: "x"), yAxis: ChartAxis(title: "y"))
        let parsed = try parseSVG(chart.svg())
        let points = try #require(parsed.polylinePoints.first).split(separator: " ").map {
            $0.split(separator: ",").map { Double($0)! }
        }
        // Sorted by x: (1, 1), then across to x = 2 at y = 1, then up to (2, 2).
        #expect(points.count == 3)
        #expect(points[1][0] == points[2][0])
        #expect(points[1][1] == points[0][1])
        #expect(points[2][1] < points[0][1])
    }
}
