/// The geometry of a ``BarChart`` whose bars grow rightwards, and its drawing.
///
/// Category labels sit left of the plot, right-aligned, so they never turn; the canvas grows taller when the
/// categories need more room than the requested height gives them.
struct HorizontalBarLayout {
    /// The widest a category label may print before it is cut with an ellipsis.
    static let maximumCategoryLabelWidth = 180.0
    /// The thinnest bar drawn when the canvas has to grow and bars carry no value labels.
    static let minimumBarThickness = 4.0
    /// The thickest bar drawn.
    static let maximumBarThickness = 28.0
    /// The narrowest plot drawn.
    static let minimumPlotWidth = 240.0

    let chart: BarChart
    let style: ChartStyle
    let scale: AxisScale
    let valueAxis: BottomValueAxis
    let categoryLabels: [String]
    let slotHeight: Double
    let barThickness: Double
    let showsValueLabels: Bool
    let plot: ChartRect
    let canvasWidth: Double
    let canvasHeight: Double

    init(chart: BarChart) {
        self.chart = chart
        style = chart.style
        scale = chart.scale
        valueAxis = BottomValueAxis(axis: chart.valueAxis, scale: scale, style: style)
        let fontSize = style.labelFontSize
        let smallFont = style.smallFontSize
        let lineHeight = style.lineHeight(fontSize: fontSize)
        let padding = style.canvasPadding
        categoryLabels = chart.categories.map {
            TextMetrics.truncated($0, toWidth: Self.maximumCategoryLabelWidth, fontSize: fontSize)
        }
        let widestLabel = categoryLabels.map { TextMetrics.width(of: $0, fontSize: fontSize) }.max() ?? 0
        let widestValue =
            chart.showsValueLabels
            ? chart.series.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite)
                .map { TextMetrics.width(of: chart.valueAxis.formattedValue($0), fontSize: smallFont) }.max() ?? 0
            : 0
        let categoryCount = Double(max(chart.categories.count, 1))
        let seriesCount = Double(max(chart.series.count, 1))

        var left = padding.left + widestLabel + style.labelGap + AxisMetrics.tickLength
        if chart.categoryAxisTitle != nil { left += lineHeight + style.labelGap }
        let right =
            padding.right + max(valueAxis.overhang, chart.showsValueLabels ? widestValue + style.labelGap + 2 : 0)
        canvasWidth = max(chart.width, left + Self.minimumPlotWidth + right)
        let top = chart.header.height(canvasWidth: canvasWidth)
        let bottom = valueAxis.requiredHeight + padding.bottom

        // A bar carrying a value label is as thick as the label's text, plus the 1-unit gap between bars.
        let labelledThickness = (TextMetrics.ascent + TextMetrics.descent) * smallFont + 1.5
        let minimumThickness = chart.showsValueLabels ? labelledThickness : Self.minimumBarThickness
        let minimumSlot = max(lineHeight + 2, VerticalBarLayout.slot(forGroup: seriesCount * minimumThickness))
        let slot = max(minimumSlot, (chart.height - top - bottom) / categoryCount)
        slotHeight = slot
        barThickness = min(Self.maximumBarThickness, VerticalBarLayout.group(inSlot: slot) / seriesCount)
        showsValueLabels = chart.showsValueLabels && barThickness >= labelledThickness - 0.01
        let plotHeight = slot * categoryCount
        canvasHeight = top + plotHeight + bottom
        plot = ChartRect(x: left, y: top, width: canvasWidth - left - right, height: plotHeight)
    }

    /// The chart drawn.
    func render() -> SVGDocument {
        var canvas = ChartCanvas(width: canvasWidth, height: canvasHeight, title: chart.title, style: style)
        chart.header.draw(on: &canvas)
        valueAxis.drawGrid(on: &canvas, plot: plot)
        drawBars(on: &canvas)
        valueAxis.drawAxis(on: &canvas, plot: plot)
        drawCategoryAxis(on: &canvas)
        return canvas.document
    }

    private func drawBars(on canvas: inout ChartCanvas) {
        let seriesCount = Double(max(chart.series.count, 1))
        let groupHeight = barThickness * seriesCount
        let drawnThickness = barThickness >= 6 ? barThickness - 1 : barThickness
        let smallFont = style.smallFontSize
        for (seriesIndex, series) in chart.series.enumerated() {
            var valueLabels: [(String, SVGPoint)] = []
            canvas.document.group(paint: .filled(chart.colour(ofSeries: seriesIndex))) { group in
                for (category, value) in series.values.enumerated() {
                    guard let value,
                        let (base, tip) = chart.barExtent(of: value, scale: scale, from: plot.minX, to: plot.maxX)
                    else { continue }
                    let top =
                        plot.minY + (Double(category) + 0.5) * slotHeight - groupHeight / 2
                        + Double(seriesIndex) * barThickness
                    group.rect(
                        x: min(base, tip), y: top, width: abs(tip - base), height: drawnThickness,
                        paint: SVGPaint(),
                        hoverText: chart.hoverText(category: category, series: seriesIndex, value: value))
                    if showsValueLabels && value >= 0 {
                        let baseline = top + drawnThickness / 2 + TextMetrics.centringOffset(fontSize: smallFont)
                        valueLabels.append(
                            (
                                chart.valueAxis.formattedValue(value),
                                SVGPoint(x: tip + style.labelGap, y: baseline)
                            ))
                    }
                }
            }
            for (text, point) in valueLabels {
                canvas.label(
                    text, at: point, fontSize: smallFont, fill: style.mutedTextColour,
                    haloColour: style.backgroundColour)
            }
        }
    }

    private func drawCategoryAxis(on canvas: inout ChartCanvas) {
        let fontSize = style.labelFontSize
        canvas.document.line(
            from: SVGPoint(x: plot.minX, y: plot.minY), to: SVGPoint(x: plot.minX, y: plot.maxY),
            paint: .stroked(style.axisColour))
        for (index, label) in categoryLabels.enumerated() {
            let centre = plot.minY + (Double(index) + 0.5) * slotHeight
            canvas.document.line(
                from: SVGPoint(x: plot.minX - AxisMetrics.tickLength, y: centre),
                to: SVGPoint(x: plot.minX, y: centre), paint: .stroked(style.axisColour))
            let hover = label == chart.categories[index] ? nil : chart.categories[index]
            canvas.label(
                label,
                at: SVGPoint(
                    x: plot.minX - AxisMetrics.tickLength - style.labelGap,
                    y: centre + TextMetrics.centringOffset(fontSize: fontSize)),
                anchor: .end, hoverText: hover)
        }
        if let title = chart.categoryAxisTitle {
            let shown = TextMetrics.truncated(title, toWidth: plot.height, fontSize: fontSize)
            canvas.label(
                shown, at: SVGPoint(x: style.canvasPadding.left + TextMetrics.ascent * fontSize, y: plot.midY),
                anchor: .middle, rotation: -90, hoverText: shown == title ? nil : title)
        }
    }
}
