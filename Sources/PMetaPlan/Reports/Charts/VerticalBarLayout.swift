/// The geometry of a ``BarChart`` whose bars grow upwards, and its drawing.
///
/// Sizes are decided in this order: the category slot width (wide enough for the bars and for the category labels
/// in the most readable orientation that fits), then the canvas width, then the header (whose legend wraps to the
/// width), then the space under the plot (which depends on how the category labels turn).
struct VerticalBarLayout {
    /// How the category labels are written.
    enum LabelTurn {
        case horizontal
        case diagonal
        case vertical
    }

    /// The widest a category label may print before it is cut with an ellipsis.
    static let maximumCategoryLabelWidth = 160.0
    /// The narrowest bar drawn when the canvas has to grow.
    static let minimumBarWidth = 3.0
    /// The widest bar drawn.
    static let maximumBarWidth = 40.0
    /// The widest canvas grown for diagonal labels; beyond it labels turn vertical, which packs tighter.
    static let maximumWidthForDiagonalLabels = 2000.0
    /// The lowest plot drawn.
    static let minimumPlotHeight = 180.0

    let chart: BarChart
    let style: ChartStyle
    let scale: AxisScale
    let valueAxis: LeftValueAxis
    let categoryLabels: [String]
    let slotWidth: Double
    let labelTurn: LabelTurn
    let plot: ChartRect
    let canvasWidth: Double
    let canvasHeight: Double
    let valueLabelTurn: LabelTurn?

    init(chart: BarChart) {
        self.chart = chart
        style = chart.style
        scale = chart.scale
        valueAxis = LeftValueAxis(axis: chart.valueAxis, scale: scale, style: style)
        let fontSize = style.labelFontSize
        let lineHeight = style.lineHeight(fontSize: fontSize)
        categoryLabels = chart.categories.map {
            TextMetrics.truncated($0, toWidth: Self.maximumCategoryLabelWidth, fontSize: fontSize)
        }
        let labelWidths = categoryLabels.map { TextMetrics.width(of: $0, fontSize: fontSize) }
        let widestLabel = labelWidths.max() ?? 0
        let categoryCount = max(chart.categories.count, 1)
        let seriesCount = Double(max(chart.series.count, 1))

        // Slot width: the requested canvas if it fits bars and labels, else the least that does.
        let padding = style.canvasPadding
        let axisLeft = padding.left + valueAxis.requiredWidth
        let rightMargin = padding.right + 8
        let slotForBars = Self.slot(forGroup: seriesCount * Self.minimumBarWidth)
        let labelGap = style.labelGap
        let turn = { (slot: Double) -> LabelTurn? in
            if widestLabel + 2 * labelGap <= slot { return .horizontal }
            if slot >= lineHeight * 2.0.squareRoot() { return .diagonal }
            if slot >= lineHeight { return .vertical }
            return nil
        }
        let requestedSlot = (chart.width - axisLeft - rightMargin) / Double(categoryCount)
        var slot = requestedSlot
        if requestedSlot < slotForBars || turn(requestedSlot) == nil {
            slot = max(slotForBars, lineHeight * 2.0.squareRoot() + 0.5)
            if axisLeft + slot * Double(categoryCount) + rightMargin > Self.maximumWidthForDiagonalLabels {
                slot = max(slotForBars, lineHeight + 0.5)
            }
        }
        slotWidth = slot
        let labelTurn = turn(slot) ?? .vertical
        self.labelTurn = labelTurn

        // Diagonal labels hang down to the left of their category and may need more room than the value axis.
        var plotLeft = axisLeft
        if labelTurn == .diagonal {
            for (index, labelWidth) in labelWidths.enumerated() {
                let reach =
                    (labelWidth + TextMetrics.ascent * fontSize) * 0.5.squareRoot() - Self.diagonalShift(fontSize)
                plotLeft = max(plotLeft, padding.left + reach - (Double(index) + 0.5) * slot)
            }
        }
        let plotWidth = slot * Double(categoryCount)
        canvasWidth = max(chart.width, plotLeft + plotWidth + rightMargin)

        // Value labels: horizontal above the bar when they fit between their neighbours, vertical when the bar is
        // as wide as a line.
        let barWidth = Self.barWidth(slot: slot, seriesCount: seriesCount)
        let smallFont = style.smallFontSize
        var valueLabelTurn: LabelTurn?
        // Each label's length above its bar, and where the bar ends as a fraction of the plot height.
        var valueLabelReaches: [(length: Double, fraction: Double)] = []
        if chart.showsValueLabels {
            let shownValues = chart.series.flatMap { $0.values.compactMap { $0 } }.filter { $0.isFinite && $0 >= 0 }
            let widths = shownValues.map {
                TextMetrics.width(of: chart.valueAxis.formattedValue($0), fontSize: smallFont)
            }
            let widestValue = widths.max() ?? 0
            // Neighbouring labels sit one bar apart, or one category apart when each category has a single bar.
            let labelPitch = chart.series.count == 1 ? slot : barWidth
            if widestValue + 2 <= labelPitch {
                valueLabelTurn = .horizontal
            } else if barWidth >= style.lineHeight(fontSize: smallFont) {
                valueLabelTurn = .vertical
            }
            for (value, width) in zip(shownValues, widths) where valueLabelTurn != nil {
                let length = valueLabelTurn == .horizontal ? style.lineHeight(fontSize: smallFont) : width
                let fraction = min(1, max(0, scale.fraction(of: value)))
                valueLabelReaches.append((length + style.labelGap + 2, fraction))
            }
        }
        self.valueLabelTurn = valueLabelTurn

        let labelDepth: Double
        switch labelTurn {
        case .horizontal: labelDepth = lineHeight
        case .diagonal:
            labelDepth = (widestLabel + (TextMetrics.ascent + TextMetrics.descent) * fontSize) * 0.5.squareRoot()
        case .vertical: labelDepth = widestLabel
        }
        var bottom = AxisMetrics.tickLength + style.labelGap + labelDepth + padding.bottom
        if chart.categoryAxisTitle != nil { bottom += style.labelGap + lineHeight }
        // Reserve above the plot only what labels of tall bars need: first assume every label needs its whole
        // length, then measure the overhang with the plot that leaves; a smaller reserve only makes the plot taller,
        // which leaves more room above every bar, so the second measure is safe.
        let headerHeight = chart.header.height(canvasWidth: canvasWidth)
        func overhang(plotHeight: Double) -> Double {
            valueLabelReaches.map { $0.length - (1 - $0.fraction) * plotHeight }.max().map { max(0, $0) } ?? 0
        }
        let fullReach = valueLabelReaches.map(\.length).max() ?? 0
        let shortestPlot = max(Self.minimumPlotHeight, chart.height - headerHeight - bottom - fullReach)
        let reserve = overhang(plotHeight: shortestPlot)
        let top = headerHeight + reserve
        let plotHeight = max(Self.minimumPlotHeight, chart.height - top - bottom)
        canvasHeight = top + plotHeight + bottom
        plot = ChartRect(x: plotLeft, y: top, width: plotWidth, height: plotHeight)
    }

    /// How far a diagonal label's anchor sits right of its category centre, so the slanted text looks centred.
    static func diagonalShift(_ fontSize: Double) -> Double { 0.4 * fontSize * 0.5.squareRoot() }

    /// The width of one bar in a slot.
    static func barWidth(slot: Double, seriesCount: Double) -> Double {
        min(maximumBarWidth, group(inSlot: slot) / seriesCount)
    }

    /// The part of a category slot the bars take; the rest separates neighbouring groups.
    static func group(inSlot slot: Double) -> Double {
        max(slot - max(4, slot * 0.2), 1)
    }

    /// The least slot whose bar group is `group` wide; the inverse of ``group(inSlot:)``.
    static func slot(forGroup group: Double) -> Double {
        max(group + 4, group / 0.8)
    }

    /// The chart drawn.
    func render() -> SVGDocument {
        var canvas = ChartCanvas(width: canvasWidth, height: canvasHeight, title: chart.title, style: style)
        chart.header.draw(on: &canvas)
        valueAxis.drawGrid(on: &canvas, plot: plot)
        drawBars(on: &canvas)
        valueAxis.drawAxis(on: &canvas, plot: plot, titleLeft: style.canvasPadding.left)
        drawCategoryAxis(on: &canvas)
        return canvas.document
    }

    private func drawBars(on canvas: inout ChartCanvas) {
        let seriesCount = Double(max(chart.series.count, 1))
        let barWidth = Self.barWidth(slot: slotWidth, seriesCount: seriesCount)
        let groupWidth = barWidth * seriesCount
        let drawnWidth = barWidth >= 6 ? barWidth - 1 : barWidth
        let smallFont = style.smallFontSize
        for (seriesIndex, series) in chart.series.enumerated() {
            var valueLabels: [(String, SVGPoint)] = []
            canvas.document.group(paint: .filled(chart.colour(ofSeries: seriesIndex))) { group in
                for (category, value) in series.values.enumerated() {
                    guard let value,
                        let (base, tip) = chart.barExtent(of: value, scale: scale, from: plot.maxY, to: plot.minY)
                    else { continue }
                    let left =
                        plot.minX + (Double(category) + 0.5) * slotWidth - groupWidth / 2
                        + Double(seriesIndex) * barWidth
                    group.rect(
                        x: left, y: min(base, tip), width: drawnWidth, height: abs(tip - base), paint: SVGPaint(),
                        hoverText: chart.hoverText(category: category, series: seriesIndex, value: value))
                    if valueLabelTurn != nil && value >= 0 {
                        valueLabels.append(
                            (
                                chart.valueAxis.formattedValue(value),
                                SVGPoint(x: left + drawnWidth / 2, y: tip - style.labelGap / 2)
                            ))
                    }
                }
            }
            for (text, point) in valueLabels {
                if valueLabelTurn == .vertical {
                    canvas.label(
                        text, at: SVGPoint(x: point.x + TextMetrics.centringOffset(fontSize: smallFont), y: point.y),
                        fontSize: smallFont, fill: style.mutedTextColour, rotation: -90)
                } else {
                    canvas.label(
                        text, at: SVGPoint(x: point.x, y: point.y - TextMetrics.descent * smallFont),
                        anchor: .middle, fontSize: smallFont, fill: style.mutedTextColour)
                }
            }
        }
    }

    private func drawCategoryAxis(on canvas: inout ChartCanvas) {
        let fontSize = style.labelFontSize
        canvas.document.line(
            from: SVGPoint(x: plot.minX, y: plot.maxY), to: SVGPoint(x: plot.maxX, y: plot.maxY),
            paint: .stroked(style.axisColour))
        let labelTop = plot.maxY + AxisMetrics.tickLength + style.labelGap
        var labelBottom = labelTop
        for (index, label) in categoryLabels.enumerated() {
            let centre = plot.minX + (Double(index) + 0.5) * slotWidth
            canvas.document.line(
                from: SVGPoint(x: centre, y: plot.maxY),
                to: SVGPoint(x: centre, y: plot.maxY + AxisMetrics.tickLength),
                paint: .stroked(style.axisColour))
            let hover = label == chart.categories[index] ? nil : chart.categories[index]
            let labelWidth = TextMetrics.width(of: label, fontSize: fontSize)
            switch labelTurn {
            case .horizontal:
                canvas.label(
                    label, at: SVGPoint(x: centre, y: labelTop + TextMetrics.ascent * fontSize), anchor: .middle,
                    hoverText: hover)
                labelBottom = max(labelBottom, labelTop + style.lineHeight(fontSize: fontSize))
            case .diagonal:
                let lift = TextMetrics.ascent * fontSize * 0.5.squareRoot()
                canvas.label(
                    label, at: SVGPoint(x: centre + Self.diagonalShift(fontSize), y: labelTop + lift),
                    anchor: .end, rotation: -45, hoverText: hover)
                let depth = (labelWidth + (TextMetrics.ascent + TextMetrics.descent) * fontSize) * 0.5.squareRoot()
                labelBottom = max(labelBottom, labelTop + depth)
            case .vertical:
                canvas.label(
                    label, at: SVGPoint(x: centre + TextMetrics.centringOffset(fontSize: fontSize), y: labelTop),
                    anchor: .end, rotation: -90, hoverText: hover)
                labelBottom = max(labelBottom, labelTop + labelWidth)
            }
        }
        if let title = chart.categoryAxisTitle {
            let shown = TextMetrics.truncated(title, toWidth: plot.width, fontSize: fontSize)
            canvas.label(
                shown, at: SVGPoint(x: plot.midX, y: labelBottom + style.labelGap + TextMetrics.ascent * fontSize + 1),
                anchor: .middle, hoverText: shown == title ? nil : title)
        }
    }
}
