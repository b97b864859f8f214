/// One line of a timeline chart: a value per event, such as the live memory after each step of a training pass.
public struct TimelineSeries: Hashable, Sendable {
    /// The series name shown in the legend, such as `MAML`.
    public var name: String
    /// One value per event, in event order; each holds until the next event.
    public var values: [Double]
    /// The line colour, or `nil` for the style's palette colour at the series index.
    public var colour: String?
    /// Whether the series' highest value gets a dot and a label naming its value and event.
    public var marksPeak: Bool

    /// Creates a series.
    /// - Parameters:
    ///   - name: The name shown in the legend.
    ///   - values: One value per event.
    ///   - colour: The line colour, or `nil` for the palette colour.
    ///   - marksPeak: Whether the highest value is marked and labelled.
    public init(name: String, values: [Double], colour: String? = nil, marksPeak: Bool = true) {
        self.name = name
        self.values = values
        self.colour = colour
        self.marksPeak = marksPeak
    }
}

/// A labelled span of events, such as the forward pass.
public struct TimelineRegion: Hashable, Sendable {
    /// The label written above the plot, centred over the span, such as `forward`.
    public var label: String
    /// The events the region covers.
    public var events: Range<Int>
    /// Whether the span is shaded behind the data.
    public var isShaded: Bool

    /// Creates a region.
    /// - Parameters:
    ///   - label: The label written above the plot.
    ///   - events: The events covered.
    ///   - isShaded: Whether the span is shaded.
    public init(label: String, events: Range<Int>, isShaded: Bool = true) {
        self.label = label
        self.events = events
        self.isShaded = isShaded
    }
}

/// A step line of values over events, drawn as SVG: live memory through the forward and then the backward pass of
/// one training step, with the peak marked and the memory budget drawn across.
///
/// Event `i` spans the x interval `[i, i + 1)`, so a value holds from its event to the next. Reference lines carry
/// their labels in the right margin, beside the line's end and pushed apart when lines lie close; the peak label
/// goes where it touches no line, dot or other label.
///
/// ```swift
/// let chart = TimelineChart(
///     title: "Live memory during one adaptation step",
///     series: [TimelineSeries(name: "p-Meta", values: liveMegabytes)],
///     valueAxis: ChartAxis(title: "Live memory", unit: "MB"),
///     eventNames: layerNames,
///     regions: [TimelineRegion(label: "forward", events: 0..<9),
///               TimelineRegion(label: "backward", events: 9..<18, isShaded: false)],
///     referenceLines: [ReferenceLine(value: 0.256, label: "budget 256 kB")])
/// let markup = chart.svg()
/// ```
public struct TimelineChart: SVGChart, Sendable {
    /// The chart title.
    public var title: String
    /// A line of small print under the title, or `nil`.
    public var subtitle: String?
    /// The series; a legend is shown when there is more than one.
    public var series: [TimelineSeries]
    /// The axis of events, with its title.
    public var eventAxis: ChartAxis
    /// The axis of values, with its title and unit.
    public var valueAxis: ChartAxis
    /// The name of each event, such as the layer it belongs to; used in the peak label and in hover text.
    public var eventNames: [String]
    /// Labelled spans of events.
    public var regions: [TimelineRegion]
    /// Horizontal lines at fixed values, such as a memory budget.
    public var referenceLines: [ReferenceLine]
    /// The canvas width.
    public var width: Double
    /// The canvas height.
    public var height: Double
    /// Fonts, colours and spacing.
    public var style: ChartStyle

    /// Creates a timeline chart.
    /// - Parameters:
    ///   - title: The chart title.
    ///   - subtitle: Small print under the title.
    ///   - series: The series, each with one value per event.
    ///   - eventAxis: The axis of events.
    ///   - valueAxis: The axis of values.
    ///   - eventNames: The name of each event (may be empty).
    ///   - regions: Labelled spans of events.
    ///   - referenceLines: Horizontal lines at fixed values.
    ///   - width: The canvas width.
    ///   - height: The canvas height.
    ///   - style: Fonts, colours and spacing.
    public init(
        title: String, subtitle: String? = nil, series: [TimelineSeries],
        eventAxis: ChartAxis = ChartAxis(title: "Event (forward, then backward pass)"), valueAxis: ChartAxis,
        eventNames: [String] = [], regions: [TimelineRegion] = [], referenceLines: [ReferenceLine] = [],
        width: Double = 800, height: Double = 420, style: ChartStyle = .standard
    ) {
        self.title = title
        self.subtitle = subtitle
        self.series = series
        self.eventAxis = eventAxis
        self.valueAxis = valueAxis
        self.eventNames = eventNames
        self.regions = regions
        self.referenceLines = referenceLines
        self.width = width
        self.height = height
        self.style = style
    }

    /// The chart as an SVG drawing, for callers that want to add to it.
    /// - Complexity: O(events x series) plus O(series x (events + reference lines)) for placing peak labels.
    public func document() -> SVGDocument {
        TimelineLayout(chart: self).render()
    }

    // MARK: - Shared with the layout

    /// The number of events: the longest series.
    var eventCount: Int { series.map(\.values.count).max() ?? 0 }

    /// The colour of the series at `index`.
    func colour(ofSeries index: Int) -> String {
        series[index].colour ?? style.colour(forSeries: index)
    }

    /// The header with a legend when there is more than one series.
    var header: ChartHeader {
        ChartHeader(title: title, subtitle: subtitle, series: series.indices.map { (series[$0].name, colour(ofSeries: $0)) },
                    symbol: .line, style: style)
    }

    /// The label of a series' peak: `peak 12.5 MB at b3.conv2`, prefixed with the series name when there are several.
    func peakLabel(series index: Int, event: Int, value: Double) -> String {
        var text = "peak \(valueAxis.formattedValueWithUnit(value))"
        if event < eventNames.count && !eventNames[event].isEmpty { text += " at \(eventNames[event])" }
        return series.count > 1 ? "\(series[index].name) \(text)" : text
    }
}
