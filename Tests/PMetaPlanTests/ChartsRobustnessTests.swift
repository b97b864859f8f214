import PMetaPlan
import Testing

@Suite("Charts: empty and non-finite data")
struct ChartsRobustnessTests {
    static let axis = ChartAxis(title: "Memory", unit: "MB")

    @Test func emptyChartsStillRenderWellLaidOut() throws {
        try expectWellLaidOut(BarChart(title: "Empty", categories: [], series: [], valueAxis: Self.axis).svg())
        try expectWellLaidOut(
            BarChart(title: "Empty", categories: [], series: [], valueAxis: Self.axis, orientation: .horizontal).svg())
        try expectWellLaidOut(TimelineChart(title: "Empty", series: [], valueAxis: Self.axis).svg())
        try expectWellLaidOut(ScatterChart(title: "Empty", series: [], xAxis: Self.axis, yAxis: Self.axis).svg())
    }

    @Test func nonFiniteValuesAreSkipped() throws {
        let values: [Double?] = [1, .nan, .infinity, nil, 2]
        for orientation in [BarChart.Orientation.vertical, .horizontal] {
            let chart = BarChart(
                title: "NaN", categories: ["a", "b", "c", "d", "e"], series: [BarSeries(name: "s", values: values)],
                valueAxis: Self.axis, orientation: orientation, showsValueLabels: true)
            try expectWellLaidOut(chart.svg())
        }
        let timeline = TimelineChart(
            title: "NaN", series: [TimelineSeries(name: "s", values: [1, .nan, 3, 2])], valueAxis: Self.axis)
        try expectWellLaidOut(timeline.svg())
        let scatter = ScatterChart(
            title: "NaN",
            series: [
                ScatterSeries(
                    name: "s", points: [ScatterPoint(x: .nan, y: 1), ScatterPoint(x: 1, y: 2)],
                    connection: .steps)
            ],
            xAxis: Self.axis, yAxis: Self.axis)
        try expectWellLaidOut(scatter.svg())
    }
}
