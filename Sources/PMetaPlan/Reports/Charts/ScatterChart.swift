/// One point of a scatter chart.
public struct ScatterPoint: Hashable, Sendable {
    /// The abscissa, such as a plan's peak memory.
    public var x: Double
    /// The ordinate, such as a plan's accuracy.
    public var y: Double
    /// A label written next to the point when there is room, such as the plan's name; `nil` for none.
    public var label: String?
    /// Whether the point stands out: drawn larger with a ring and a bold label, placed before all others.
    public var isHighlighted: Bool

    /// Creates a point.
    /// - Parameters:
    ///   - x: The abscissa.
    ///   - y: The ordinate.
    ///   - label: A label written next to the point when there is room.
    ///   - isHighlighted: Whether the point stands out, such as the chosen plan.
    public init(x: Double, y: Double, label: String? = nil, isHighlighted: Bool = false) {
        self.x = x
        self.y = y
        self.label = label
        self.isHighlighted = isHighlighted
    }
}

/// One set of points of a scatter chart, optionally connected.
public struct ScatterSeries: Hashable, Sendable {
    /// How consecutive points (in increasing x) are joined.
    public enum Connection: Hashable, Sendable {
        /// Points only.
        case none
        /// Straight segments.
        case straight
        /// A step line that holds each point's y until the next point's x, as a Pareto frontier reads: the best
        /// value reachable within a memory budget.
        case steps
    }

    /// The series name shown in the legend.
    public var name: String
    /// The points, in any order.
    public var points: [ScatterPoint]
    /// The point colour, or `nil` for the style's palette colour at the series index.
    public var colour: String?
    /// How consecutive points are joined.
    public var connection: Connection

    /// Creates a series.
    /// - Parameters:
    ///   - name: The name shown in the legend.
    ///   - points: The points.
    ///   - colour: The colour, or `nil` for the palette colour.
    ///   - connection: How consecutive points are joined.
    public init(name: String, points: [ScatterPoint], colour: String? = nil, connection: Connection = .none) {
        self.name = name
        self.points = points
        self.colour = colour
        self.connection = connection
    }
}

/// Points on two numeric axes, drawn as SVG: a memory–accuracy frontier of plans, with the chosen plan highlighted
/// and the device's budget drawn as a vertical line.
///
/// Point labels are placed beside, above or below their point where they touch no other label, point, connecting
/// line or reference line, and are left out when there is no such place (the label stays available as hover
/// text). Reference line labels sit above the plot, stacked in rows when lines lie close.
///
/// ```swift
/// let chart = ScatterChart(
///     title: "Plans on the memory frontier",
///     series: [ScatterSeries(name: "plans", points: plans, connection: .steps)],
///     xAxis: ChartAxis(title: "Peak memory", unit: "MB"),
///     yAxis: ChartAxis(title: "Updated weights", unit: "%"),
///     referenceLines: [ReferenceLine(value: 0.256, label: "budget 256 kB")])
/// let markup = chart.svg()
/// ```
public struct ScatterChart: SVGChart, Sendable {
    /// The chart title.
    public var title: String
    /// A line of small print under the title, or `nil`.
    public var subtitle: String?
    /// The series; a legend is shown when there is more than one.
    public var series: [ScatterSeries]
    /// The horizontal axis, with its title and unit.
    public var xAxis: ChartAxis
    /// The vertical axis, with its title and unit.
    public var yAxis: ChartAxis
    /// Vertical lines at fixed x values, such as a memory budget.
    public var referenceLines: [ReferenceLine]
    /// The canvas width.
    public var width: Double
    /// The canvas height.
    public var height: Double
    /// Fonts, colours and spacing.
    public var style: ChartStyle

    /// Creates a scatter chart.
    /// - Parameters:
    ///   - title: The chart title.
    ///   - subtitle: Small print under the title.
    ///   - series: The series.
    ///   - xAxis: The horizontal axis.
    ///   - yAxis: The vertical axis.
    ///   - referenceLines: Vertical lines at fixed x values.
    ///   - width: The canvas width.
    ///   - height: The canvas height.
    ///   - style: Fonts, colours and spacing.
    public init(
        title: String, subtitle: String? = nil, series: [ScatterSeries], xAxis: ChartAxis, yAxis: ChartAxis,
        referenceLines: [ReferenceLine] = [], width: Double = 800, height: Double = 420, style: ChartStyle = .standard
    ) {
        self.title = title
        self.subtitle = subtitle
        self.series = series
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.referenceLines = referenceLines
        self.width = width
        self.height = height
        self.style = style
    }

    /// The chart as an SVG drawing, for callers that want to add to it.
    /// - Complexity: O(p^2) in the number of points, for placing labels.
    public func document() -> SVGDocument {
        ScatterLayout(chart: self).render()
    }

    // MARK: - Shared with the layout

    /// The colour of the series at `index`.
    func colour(ofSeries index: Int) -> String {
        series[index].colour ?? style.colour(forSeries: index)
    }

    /// The header with a legend when there is more than one series.
    var header: ChartHeader {
        ChartHeader(title: title, subtitle: subtitle, series: series.indices.map { (series[$0].name, colour(ofSeries: $0)) },
                    symbol: .dot, style: style)
    }

    /// The hover text of a point: `p-Meta: 0.25 MB, 71.2 %`.
    func hoverText(of point: ScatterPoint, series index: Int) -> String {
        let name = point.label ?? series[index].name
        return "\(name): \(xAxis.formattedValueWithUnit(point.x)), \(yAxis.formattedValueWithUnit(point.y))"
    }
}
