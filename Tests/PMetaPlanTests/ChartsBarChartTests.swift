import PMetaPlan
import Testing

@Suite("Charts: bar chart")
struct ChartsBarChartTests {
    static let megabytes = ChartAxis(title: "Memory", unit: "MB")

    static func chart(
        categories: [String], seriesCount: Int, orientation: BarChart.Orientation = .vertical,
        showsValueLabels: Bool = false
    ) -> BarChart {
        BarChart(
            title: "Memory per layer", subtitle: "sample data",
            categories: categories,
            series: (0..<seriesCount).map {
                BarSeries(
                    name: ChartSamples.methods[$0],
                    values: ChartSamples.megabytes(categories.count, seed: UInt64($0 + 1)))
            },
            valueAxis: megabytes, categoryAxisTitle: "Layer", orientation: orientation,
            showsValueLabels: showsValueLabels)
    }

    /// Names of the 60 categories of the largest chart the reports draw.
    static let sixtyLayers = ChartSamples.resNet12Layers + (1...5).map { "head.fc\($0)" }

    @Test func theSampleNetworksHaveTheExpectedLayerCounts() {
        #expect(ChartSamples.resNet12Layers.count == 55)
        #expect(Self.sixtyLayers.count == 60)
    }

    @Test func sameChartTwiceGivesIdenticalSVG() {
        let chart = Self.chart(categories: ChartSamples.resNet12Layers, seriesCount: 4, showsValueLabels: true)
        #expect(chart.svg() == chart.svg())
    }

    @Test func fewShortCategoriesKeepHorizontalLabelsAndTheRequestedSize() throws {
        let markup = Self.chart(categories: ChartSamples.conv4Layers, seriesCount: 4, showsValueLabels: true).svg()
        try expectWellLaidOut(markup)
        let parsed = try parseSVG(markup)
        #expect(parsed.width == 800)
        let categoryLabels = parsed.texts.filter { ChartSamples.conv4Layers.contains($0.content) }
        #expect(categoryLabels.count == 9)
        #expect(categoryLabels.allSatisfy { $0.rotation == 0 })
        // A legend entry per series, and one bar per value.
        for method in ChartSamples.methods.prefix(4) { #expect(parsed.texts.contains { $0.content == method }) }
        #expect(parsed.titles.filter { $0.hasPrefix("conv1 \u{00B7} ") }.count == 4)
    }

    @Test func labelsTurnDiagonalWhenTheyWouldOverlap() throws {
        // 20 labels of about 70 px in 800 px: 35 px per category, too narrow for them side by side.
        let names = (1...20).map { "block\($0).conv" }
        let markup = Self.chart(categories: names, seriesCount: 2).svg()
        try expectWellLaidOut(markup)
        let labels = try parseSVG(markup).texts.filter { names.contains($0.content) }
        #expect(labels.count == 20)
        #expect(labels.allSatisfy { $0.rotation == -45 })
    }

    @Test func labelsTurnVerticalWhenDiagonalLabelsWouldMakeTheChartTooWide() throws {
        // 120 single bars: diagonal labels need 21 px per category (2,500 px in all), vertical ones 15.
        let names = (1...120).map { "layer\($0)" }
        let markup = Self.chart(categories: names, seriesCount: 1).svg()
        try expectWellLaidOut(markup)
        let parsed = try parseSVG(markup)
        let labels = parsed.texts.filter { names.contains($0.content) }
        #expect(labels.count == 120)
        #expect(labels.allSatisfy { $0.rotation == -90 })
        #expect(parsed.width < 2_000)
    }

    @Test(arguments: [1, 6])
    func sixtyCategoriesStayReadableByGrowingWider(seriesCount: Int) throws {
        let markup = Self.chart(categories: Self.sixtyLayers, seriesCount: seriesCount, showsValueLabels: true).svg()
        try expectWellLaidOut(markup)
        let parsed = try parseSVG(markup)
        #expect(parsed.width > 800)
        let labels = parsed.texts.filter { Self.sixtyLayers.contains($0.content) }
        #expect(labels.count == 60)
        #expect(labels.allSatisfy { $0.rotation != 0 })
    }

    @Test func longNamesAreCutWithAnEllipsisAndKeptAsHoverText() throws {
        let names = (1...30).map { "backbone.layer\($0).residual_branch.depthwise_separable_conv" }
        let markup = Self.chart(categories: names, seriesCount: 3).svg()
        try expectWellLaidOut(markup)
        let parsed = try parseSVG(markup)
        #expect(parsed.texts.contains { $0.content.hasPrefix("backbone.layer1.") && $0.content.hasSuffix("\u{2026}") })
        #expect(parsed.titles.contains(names[0]))
    }

    @Test func horizontalBarsGrowTallerAndCarryTheirValues() throws {
        let markup = Self.chart(
            categories: ChartSamples.resNet12Layers, seriesCount: 6, orientation: .horizontal,
            showsValueLabels: true
        ).svg()
        try expectWellLaidOut(markup)
        let parsed = try parseSVG(markup)
        #expect(parsed.height > 420)
        #expect(parsed.width == 800)
        // Every value gets a label: 55 categories x 6 series.
        let valueLabels = parsed.texts.filter { $0.fontSize == 10 && $0.content != "sample data" }
        #expect(valueLabels.count == 55 * 6)
    }

    @Test func valueLabelsPrintThreeSignificantDigits() throws {
        let chart = BarChart(
            title: "Peak", categories: ["conv1", "fc", "pool"],
            series: [BarSeries(name: "p-Meta", values: [0.5, 12.5, nil])], valueAxis: Self.megabytes,
            showsValueLabels: true)
        let parsed = try parseSVG(chart.svg())
        let small = parsed.texts.filter { $0.fontSize == 10 }
        #expect(small.map(\.content) == ["0.5", "12.5"])
        // One bar per category: labels may use the category's width, so they stay horizontal.
        #expect(small.allSatisfy { $0.rotation == 0 })
        // One series: no legend entry repeating the series name.
        #expect(!parsed.texts.contains { $0.content == "p-Meta" })
        #expect(parsed.titles.contains("fc: 12.5 MB"))
    }

    @Test func escapesMarkupInEveryLabel() throws {
        let chart = BarChart(
            title: "A < B & \"C\"", categories: ["x<y", "a&b", "\"q\""],
            series: [BarSeries(name: "<MAML>", values: [1, 2, 3]), BarSeries(name: "A&B", values: [3, 2, 1])],
            valueAxis: ChartAxis(title: "Memory & time", unit: "<MB>"))
        let markup = chart.svg()
        try expectWellLaidOut(markup)
        let contents = try parseSVG(markup).texts.map(\.content)
        for label in ["A < B & \"C\"", "x<y", "a&b", "\"q\"", "<MAML>", "A&B", "Memory & time (<MB>)"] {
            #expect(contents.contains(label))
        }
    }

    @Test func logarithmicBarsSkipValuesTheAxisCannotShow() throws {
        let chart = BarChart(
            title: "Log", categories: ["a", "b", "c"], series: [BarSeries(name: "s", values: [0.001, 0, 25])],
            valueAxis: ChartAxis(title: "Memory", unit: "MB", scaleKind: .logarithmic))
        let parsed = try parseSVG(chart.svg())
        #expect(
            parsed.titles.filter { $0.hasPrefix("a:") || $0.hasPrefix("b:") || $0.hasPrefix("c:") }
                == ["a: 0.001 MB", "c: 25 MB"])
        #expect(parsed.texts.map(\.content).contains("0.001"))
        #expect(parsed.texts.map(\.content).contains("100"))
    }
}
