import PMetaPlan
import Testing

@Suite("Charts: axis scales and text metrics")
struct ChartsAxisScaleTests {
    /// Ranges and their ticks, worked by hand: the smallest 1-2-5 step with at most 6 intervals.
    @Test(arguments: [
        (0.0...48.33, [0.0, 10, 20, 30, 40, 50]),  // 10 gives 5 intervals; 5 would give 10
        (0.0...25, [0.0, 5, 10, 15, 20, 25]),  // 5 gives exactly 5
        (0.0...0.26, [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]),  // 0.05 gives 6; 0.02 would give 13
        (-3.0...48, [-10.0, 0, 10, 20, 30, 40, 50]),  // 10 gives 6 (from -10); 5 would give 11
        (0.0...0.7, [0.0, 0.2, 0.4, 0.6, 0.8]),  // 0.1 would give 7
        (5.0...5, [0.0, 1, 2, 3, 4, 5]),  // an empty range starts at zero
        (0.0...0, [0.0, 0.2, 0.4, 0.6, 0.8, 1]),  // and an empty zero range covers 0...1
        (0.0...2_064_416, [0.0, 500_000, 1_000_000, 1_500_000, 2_000_000, 2_500_000]),
    ])
    func linearTicksAreNiceMultiples(range: ClosedRange<Double>, expected: [Double]) {
        let scale = AxisScale(covering: range)
        #expect(scale.ticks == expected)
        #expect(scale.lowerBound == expected.first)
        #expect(scale.upperBound == expected.last)
    }

    @Test func defaultLabelsPrintAsManyDecimalsAsTheStepNeeds() {
        #expect(
            AxisScale(covering: 0...0.26).ticks.map(AxisScale(covering: 0...0.26).defaultLabel(for:))
                == ["0.00", "0.05", "0.10", "0.15", "0.20", "0.25", "0.30"])
        let large = AxisScale(covering: 0...2_064_416)
        #expect(large.ticks.map(large.defaultLabel(for:)).last == "2,500,000")
        let unit = AxisScale(covering: 0...1)
        #expect(unit.ticks.map(unit.defaultLabel(for:)) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    @Test func logarithmicTicksArePowersOfTen() {
        let wide = AxisScale(covering: 0.001...25, kind: .logarithmic)
        #expect(wide.ticks == [0.001, 0.01, 0.1, 1, 10, 100])
        #expect(wide.ticks.map(wide.defaultLabel(for:)) == ["0.001", "0.01", "0.1", "1", "10", "100"])
        // 1 is three of the five decades from 0.001 to 100.
        #expect(abs(wide.fraction(of: 1) - 0.6) < 1e-12)
        let narrow = AxisScale(covering: 1...50, kind: .logarithmic)
        #expect(narrow.ticks == [1, 2, 5, 10, 20, 50, 100])
    }

    @Test func fractionsPlaceValuesLinearly() {
        let scale = AxisScale(covering: 0...48.33)
        #expect(scale.fraction(of: 25) == 0.5)
        #expect(scale.fraction(of: 0) == 0)
        #expect(scale.fraction(of: 50) == 1)
    }

    @Test func clampingKeepsTheTicksInsideTheNewBounds() {
        let events = AxisScale(covering: 0...18).clamped(to: 0...18)
        #expect(events.ticks == [0, 5, 10, 15])
        #expect(events.upperBound == 18)
        #expect(events.fraction(of: 9) == 0.5)
    }

    @Test func axisTitlesCarryTheUnitAndTicksUseTheCallersFormat() {
        let axis = ChartAxis(title: "Peak memory", unit: "MB", tickFormat: { ChartNumberFormat.fixed($0, decimals: 1) })
        #expect(axis.displayTitle == "Peak memory (MB)")
        #expect(ChartAxis(title: "Event").displayTitle == "Event")
        let scale = axis.scale(covering: [3, 48.33])
        #expect(scale.ticks.first == 0)  // a linear axis includes zero by default
        #expect(axis.tickLabel(for: 12.5, on: scale) == "12.5")
        #expect(axis.formattedValueWithUnit(0.0012345) == "0.00123 MB")
    }

    @Test func textWidthsFollowCharacterClasses() {
        // c, o, n, v and 1 are 0.64 em each: 5 x 0.64 x 12 px.
        #expect(abs(TextMetrics.width(of: "conv1", fontSize: 12) - 38.4) < 1e-9)
        // i and l are 0.3 em: 2 x 0.3 x 10 px.
        #expect(abs(TextMetrics.width(of: "il", fontSize: 10) - 6) < 1e-9)
        #expect(
            TextMetrics.width(of: "MAML", fontSize: 12, weight: .bold) > TextMetrics.width(of: "MAML", fontSize: 12))
    }

    @Test func truncationEndsInAnEllipsisWithinTheWidth() {
        let long = "layer4.block2.conv3.depthwise.pointwise"
        let cut = TextMetrics.truncated(long, toWidth: 100, fontSize: 12)
        #expect(cut.hasSuffix("\u{2026}"))
        #expect(TextMetrics.width(of: cut, fontSize: 12) <= 100)
        #expect(TextMetrics.truncated("fc", toWidth: 100, fontSize: 12) == "fc")
    }

    @Test func thePaletteIsOkabeItoAndCycles() {
        let style = ChartStyle.standard
        let okabeIto: Set = ["#000000", "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7"]
        #expect(Set(style.palette) == okabeIto)
        #expect(style.colour(forSeries: style.palette.count) == style.colour(forSeries: 0))
    }
}
