import PMetaPlan
import Testing

@Suite("Charts: timeline chart")
struct ChartsTimelineChartTests {
    /// Live memory of the 4-conv network: saved activations pile up through the forward pass and are released
    /// through the backward pass. Hand-made so that the peak (2.5 MB) is at event 8, the first backward event's
    /// predecessor `fc`.
    static let conv4Live: [Double] = [
        0.2, 0.4, 0.6, 0.8, 1.2, 1.6, 2.0, 2.2, 2.5, 2.1, 1.9, 1.5, 1.1, 0.9, 0.7, 0.5, 0.3, 0.1,
    ]
    static let conv4Events = ChartSamples.conv4Layers + ChartSamples.conv4Layers.reversed()
    static let regions = [
        TimelineRegion(label: "forward", events: 0..<9),
        TimelineRegion(label: "backward", events: 9..<18, isShaded: false),
    ]

    static func resNetChart() -> TimelineChart {
        let layers = ChartSamples.resNet12Layers
        let events = layers + layers.reversed()
        let series = (0..<3).map { index -> TimelineSeries in
            let saved = ChartSamples.megabytes(layers.count, seed: UInt64(10 + index))
            var live: [Double] = []
            var total = 0.0
            for value in saved {
                total += value
                live.append(total)
            }
            for value in saved.reversed() {
                total -= value
                live.append(max(0, total))
            }
            return TimelineSeries(name: ChartSamples.methods[index], values: live)
        }
        return TimelineChart(
            title: "ResNet-12: live memory through one step", series: series,
            valueAxis: ChartAxis(title: "Live memory", unit: "MB"), eventNames: events,
            regions: [
                TimelineRegion(label: "forward", events: 0..<55),
                TimelineRegion(label: "backward", events: 55..<110, isShaded: false),
            ],
            referenceLines: [
                ReferenceLine(value: 0.256, label: "budget 256 kB"),
                ReferenceLine(value: 0.5, label: "budget 512 kB", colour: "#555555"),
                ReferenceLine(value: 0.3, label: "inference peak 300 kB", colour: "#009e73"),
            ])
    }

    @Test func sameChartTwiceGivesIdenticalSVG() {
        #expect(Self.resNetChart().svg() == Self.resNetChart().svg())
    }

    @Test func peakIsMarkedWithItsValueAndLayer() throws {
        let chart = TimelineChart(
            title: "4-conv", series: [TimelineSeries(name: "p-Meta", values: Self.conv4Live)],
            valueAxis: ChartAxis(title: "Live memory", unit: "MB"), eventNames: Self.conv4Events, regions: Self.regions,
            referenceLines: [ReferenceLine(value: 3, label: "budget 3 MB")])
        let markup = chart.svg()
        try expectWellLaidOut(markup)
        let parsed = try parseSVG(markup)
        let contents = parsed.texts.map(\.content)
        #expect(contents.contains("peak 2.5 MB at fc"))
        #expect(contents.contains("forward"))
        #expect(contents.contains("backward"))
        #expect(parsed.elementCounts["circle"] == 1)
        #expect(parsed.titles.contains("event 8 (fc): p-Meta 2.5 MB"))
    }

    @Test func budgetLineIsDashedRedWithItsLabelBesideTheLineEnd() throws {
        let chart = TimelineChart(
            title: "4-conv", series: [TimelineSeries(name: "p-Meta", values: Self.conv4Live)],
            valueAxis: ChartAxis(title: "Live memory", unit: "MB"),
            referenceLines: [ReferenceLine(value: 0.256, label: "budget 256 kB")])
        let markup = chart.svg()
        try expectWellLaidOut(markup)
        #expect(
            markup.contains(
                "stroke=\"#c8102e\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"><title>budget 256 kB</title>"))
        let label = try #require(try parseSVG(markup).texts.first { $0.content == "budget 256 kB" })
        // The plot's right edge, where the line ends, leaves the padding (16), the label and 12 of gaps; the label
        // starts 8 beyond the line's end.
        let labelWidth = TextMetrics.width(of: "budget 256 kB", fontSize: 12)
        #expect(abs(label.x - (800 - 16 - labelWidth - 4)) < 0.01)
    }

    @Test func closeReferenceLinesAndSeveralSeriesKeepTheirLabelsApart() throws {
        let markup = Self.resNetChart().svg()
        try expectWellLaidOut(markup)
        let contents = try parseSVG(markup).texts.map(\.content)
        for label in ["budget 256 kB", "budget 512 kB", "inference peak 300 kB", "MAML", "ANIL", "BOIL"] {
            #expect(contents.contains(label))
        }
        #expect(contents.filter { $0.contains(" peak ") && $0.contains(" MB at ") }.count == 3)
    }
}
