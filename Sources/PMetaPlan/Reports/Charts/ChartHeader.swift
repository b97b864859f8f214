/// The top of every chart: the title, an optional subtitle and, for several series, the legend.
struct ChartHeader {
    let title: String
    let subtitle: String?
    let legend: ChartLegend?
    let style: ChartStyle

    /// A header whose legend keys `series` (name and colour of each) with `symbol`, shown only for two or more series.
    init(title: String, subtitle: String?, series: [(name: String, colour: String)], symbol: ChartLegend.Symbol, style: ChartStyle) {
        self.title = title
        self.subtitle = subtitle
        legend = series.count > 1
            ? ChartLegend(entries: series.map { .init(name: $0.name, colour: $0.colour, symbol: symbol) }, style: style)
            : nil
        self.style = style
    }

    /// The space below the header before the plot begins.
    private let bottomGap = 16.0

    /// The header's height, from the canvas top (padding included) to where the plot may begin.
    /// - Parameter canvasWidth: The width of the whole canvas.
    func height(canvasWidth: Double) -> Double {
        let contentWidth = canvasWidth - style.canvasPadding.left - style.canvasPadding.right
        var height = style.canvasPadding.top + (TextMetrics.ascent + TextMetrics.descent) * style.titleFontSize
        if subtitle != nil { height += 4 + (TextMetrics.ascent + TextMetrics.descent) * style.smallFontSize + 2 }
        if let legend { height += 8 + legend.height(width: contentWidth) }
        return height + bottomGap
    }

    /// Draws the header at the top of `canvas`.
    func draw(on canvas: inout ChartCanvas) {
        let left = style.canvasPadding.left
        let contentWidth = canvas.document.width - style.canvasPadding.left - style.canvasPadding.right
        var cursor = style.canvasPadding.top
        let shownTitle = TextMetrics.truncated(
            title, toWidth: contentWidth, fontSize: style.titleFontSize, weight: .bold)
        canvas.label(
            shownTitle, at: SVGPoint(x: left, y: cursor + TextMetrics.ascent * style.titleFontSize),
            fontSize: style.titleFontSize, weight: .bold, hoverText: shownTitle == title ? nil : title)
        cursor += (TextMetrics.ascent + TextMetrics.descent) * style.titleFontSize
        if let subtitle {
            cursor += 4
            let shown = TextMetrics.truncated(subtitle, toWidth: contentWidth, fontSize: style.smallFontSize)
            canvas.label(
                shown, at: SVGPoint(x: left, y: cursor + TextMetrics.ascent * style.smallFontSize),
                fontSize: style.smallFontSize, fill: style.mutedTextColour,
                hoverText: shown == subtitle ? nil : subtitle)
            cursor += (TextMetrics.ascent + TextMetrics.descent) * style.smallFontSize + 2
        }
        if let legend {
            cursor += 8
            legend.draw(on: &canvas, origin: SVGPoint(x: left, y: cursor), width: contentWidth)
        }
    }
}
