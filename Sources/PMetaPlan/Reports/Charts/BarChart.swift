/// One series of a bar chart: a name for the legend and one value per category.
public struct BarSeries: Hashable, Sendable {
    /// The series name shown in the legend, such as `p-Meta`.
    public var name: String
    /// One value per category, in the category order; `nil` draws no bar.
    public var values: [Double?]
    /// The bar colour, or `nil` for the style's palette colour at the series index.
    public var colour: String?

    /// Creates a series.
    /// - Parameters:
    ///   - name: The name shown in the legend.
    ///   - values: One value per category; `nil` for a missing bar.
    ///   - colour: The bar colour, or `nil` for the palette colour.
    public init(name: String, values: [Double?], colour: String? = nil) {
        self.name = name
        self.values = values
        self.colour = colour
    }
}

/// A grouped bar chart: one group of bars per category, one bar per series, drawn as SVG.
///
/// The chart keeps its labels readable by itself: category labels turn to -45° and then to vertical when they
/// would collide, the canvas grows wider (or, horizontal, taller) when there are too many categories for the
/// requested size, long names are cut with an ellipsis (the full name shows on hover), and value labels are left
/// out when the bars are too thin to carry them. With many categories, the horizontal orientation reads best: it
/// grows downwards, which a markdown page scrolls, instead of sideways, which it shrinks.
///
/// ```swift
/// let chart = BarChart(
///     title: "Saved activations per layer",
///     categories: ["conv1", "gn1", "relu1"],
///     series: [BarSeries(name: "MAML", values: [1.2, 1.2, 0.4]), BarSeries(name: "p-Meta", values: [0.3, 0, 0.1])],
///     valueAxis: ChartAxis(title: "Memory", unit: "MB"),
///     categoryAxisTitle: "Layer")
/// let markup = chart.svg()
/// ```
public struct BarChart: SVGChart, Sendable {
    /// Which way the bars grow.
    public enum Orientation: Hashable, Sendable {
        /// Bars grow upwards from a horizontal category axis; the canvas grows wider with many categories.
        case vertical
        /// Bars grow rightwards from a vertical category axis; the canvas grows taller with many categories.
        case horizontal
    }

    /// The chart title.
    public var title: String
    /// A line of small print under the title, or `nil`.
    public var subtitle: String?
    /// The category names, such as layer names `b1.conv1`, in display order.
    public var categories: [String]
    /// The series; each has one value per category. A legend is shown when there is more than one.
    public var series: [BarSeries]
    /// The axis of bar lengths, with its title and unit.
    public var valueAxis: ChartAxis
    /// The title of the category axis, such as `Layer`, or `nil`.
    public var categoryAxisTitle: String?
    /// Which way the bars grow.
    public var orientation: Orientation
    /// Whether each bar carries its value; labels are left out when bars are too thin to carry them.
    public var showsValueLabels: Bool
    /// The preferred canvas width; a vertical chart grows wider when its categories need more room.
    public var width: Double
    /// The preferred canvas height; a horizontal chart grows taller when its categories need more room.
    public var height: Double
    /// Fonts, colours and spacing.
    public var style: ChartStyle

    /// Creates a bar chart.
    /// - Parameters:
    ///   - title: The chart title.
    ///   - subtitle: Small print under the title.
    ///   - categories: The category names in display order.
    ///   - series: The series, each with one value per category.
    ///   - valueAxis: The axis of bar lengths; a logarithmic axis suits values spanning orders of magnitude.
    ///   - categoryAxisTitle: The title of the category axis.
    ///   - orientation: Which way the bars grow.
    ///   - showsValueLabels: Whether each bar carries its value.
    ///   - width: The preferred canvas width.
    ///   - height: The preferred canvas height.
    ///   - style: Fonts, colours and spacing.
    public init(
        title: String, subtitle: String? = nil, categories: [String], series: [BarSeries], valueAxis: ChartAxis,
        categoryAxisTitle: String? = nil, orientation: Orientation = .vertical, showsValueLabels: Bool = false,
        width: Double = 800, height: Double = 420, style: ChartStyle = .standard
    ) {
        self.title = title
        self.subtitle = subtitle
        self.categories = categories
        self.series = series
        self.valueAxis = valueAxis
        self.categoryAxisTitle = categoryAxisTitle
        self.orientation = orientation
        self.showsValueLabels = showsValueLabels
        self.width = width
        self.height = height
        self.style = style
    }

    /// The chart as an SVG drawing, for callers that want to add to it.
    /// - Precondition: Every series has one value per category.
    /// - Complexity: O(categories x series).
    public func document() -> SVGDocument {
        for entry in series {
            precondition(
                entry.values.count == categories.count,
                "BarChart: series '\(entry.name)' has \(entry.values.count) values for \(categories.count) categories")
        }
        switch orientation {
        case .vertical: return VerticalBarLayout(chart: self).render()
        case .horizontal: return HorizontalBarLayout(chart: self).render()
        }
    }

    // MARK: - Shared by both orientations

    /// The value axis scale covering every bar.
    var scale: AxisScale {
        valueAxis.scale(covering: series.flatMap { $0.values.compactMap { $0 } })
    }

    /// The colour of the series at `index`.
    func colour(ofSeries index: Int) -> String {
        series[index].colour ?? style.colour(forSeries: index)
    }

    /// The header with a legend when there is more than one series.
    var header: ChartHeader {
        ChartHeader(title: title, subtitle: subtitle, series: series.indices.map { (series[$0].name, colour(ofSeries: $0)) },
                    symbol: .swatch, style: style)
    }

    /// The hover text of one bar: `b1.conv1 · MAML: 12.5 MB`.
    func hoverText(category: Int, series index: Int, value: Double) -> String {
        let name = series.count > 1 ? " \u{00B7} \(series[index].name)" : ""
        return "\(categories[category])\(name): \(valueAxis.formattedValueWithUnit(value))"
    }

    /// The extent of a bar along the value axis: from the zero line (or a logarithmic axis's lower bound) to the
    /// value, at least one unit long for non-zero values so that tiny values stay visible and hoverable; `nil` for
    /// values a logarithmic axis cannot show.
    func barExtent(of value: Double, scale: AxisScale, from start: Double, to end: Double) -> (Double, Double)? {
        guard value.isFinite else { return nil }
        let base: Double
        switch scale.kind {
        case .linear: base = scale.coordinate(of: min(max(0, scale.lowerBound), scale.upperBound), from: start, to: end)
        case .logarithmic:
            guard value > 0 else { return nil }
            base = start
        }
        var tip = scale.coordinate(of: value, from: start, to: end)
        if value != 0 && abs(tip - base) < 1 { tip = base + (end > start ? 1 : -1) * (value > 0 ? 1 : -1) }
        return (base, tip)
    }
}
