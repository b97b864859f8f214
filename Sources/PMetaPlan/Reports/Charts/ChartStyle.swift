/// Distances from the four edges of a rectangle.
public struct ChartInsets: Hashable, Sendable {
    /// Space at the top.
    public var top: Double
    /// Space at the left.
    public var left: Double
    /// Space at the bottom.
    public var bottom: Double
    /// Space at the right.
    public var right: Double

    /// Creates insets.
    public init(top: Double, left: Double, bottom: Double, right: Double) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }

    /// The same inset on all four edges.
    /// - Parameter value: The inset.
    /// - Returns: The insets.
    public static func uniform(_ value: Double) -> ChartInsets {
        ChartInsets(top: value, left: value, bottom: value, right: value)
    }
}

/// Fonts, colours and spacing shared by every chart, so that all figures of a report look alike.
///
/// The default palette is Okabe and Ito's colour-blind-safe set ("Color Universal Design", 2008), ordered so that
/// the first colours differ most in lightness too; yellow, hard to see on white, comes last.
public struct ChartStyle: Hashable, Sendable {
    /// The font family list written on the `svg` root: system sans-serif faces first, generic last.
    public var fontFamily: String
    /// The size of axis labels, tick labels, legend entries and annotations.
    public var labelFontSize: Double
    /// The size of the chart title.
    public var titleFontSize: Double
    /// The size of small print: bar value labels and the subtitle.
    public var smallFontSize: Double
    /// Series colours, used in order and repeated when there are more series than colours.
    public var palette: [String]
    /// The colour of titles and labels.
    public var textColour: String
    /// The colour of secondary text: subtitles, tick labels, region labels.
    public var mutedTextColour: String
    /// The colour of axis lines and tick marks.
    public var axisColour: String
    /// The colour of grid lines.
    public var gridColour: String
    /// The canvas colour; also used for the halo behind labels that sit over lines.
    public var backgroundColour: String
    /// The default colour of reference lines such as a memory budget.
    public var referenceColour: String
    /// The fill of shaded regions such as the forward pass.
    public var regionColour: String
    /// Empty space between the canvas edge and any content.
    public var canvasPadding: ChartInsets
    /// The gap between neighbouring labels, and between a label and what it labels.
    public var labelGap: Double

    /// Creates a style; every parameter defaults to ``standard``'s value.
    public init(
        fontFamily: String =
            "-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, 'DejaVu Sans', sans-serif",
        labelFontSize: Double = 12, titleFontSize: Double = 16, smallFontSize: Double = 10,
        palette: [String] = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000", "#f0e442"],
        textColour: String = "#222222", mutedTextColour: String = "#555555", axisColour: String = "#333333",
        gridColour: String = "#e6e6e6", backgroundColour: String = "#ffffff", referenceColour: String = "#c8102e",
        regionColour: String = "#eef2f7", canvasPadding: ChartInsets = .uniform(16), labelGap: Double = 4
    ) {
        precondition(!palette.isEmpty, "ChartStyle needs at least one palette colour")
        self.fontFamily = fontFamily
        self.labelFontSize = labelFontSize
        self.titleFontSize = titleFontSize
        self.smallFontSize = smallFontSize
        self.palette = palette
        self.textColour = textColour
        self.mutedTextColour = mutedTextColour
        self.axisColour = axisColour
        self.gridColour = gridColour
        self.backgroundColour = backgroundColour
        self.referenceColour = referenceColour
        self.regionColour = regionColour
        self.canvasPadding = canvasPadding
        self.labelGap = labelGap
    }

    /// The house style: 12 px labels, 16 px bold titles, Okabe–Ito colours, white background.
    public static let standard = ChartStyle()

    /// The colour of the series at `index`, cycling through the palette.
    /// - Parameter index: A non-negative series index.
    /// - Returns: A palette colour.
    public func colour(forSeries index: Int) -> String {
        palette[index % palette.count]
    }

    /// The height of one line of text at `fontSize`, including a little leading.
    /// - Parameter fontSize: The font size.
    /// - Returns: The line height.
    public func lineHeight(fontSize: Double) -> Double {
        (TextMetrics.ascent + TextMetrics.descent) * fontSize + 2
    }
}
