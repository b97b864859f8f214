/// The geometry of a ``TimelineChart`` and its drawing.
struct TimelineLayout {
    /// The widest a reference line label may print before it is cut with an ellipsis.
    static let maximumReferenceLabelWidth = 200.0
    /// The lowest plot drawn.
    static let minimumPlotHeight = 160.0
    /// The radius of a peak dot.
    static let peakDotRadius = 4.0

    let chart: TimelineChart
    let style: ChartStyle
    let valueAxis: LeftValueAxis
    let eventAxis: BottomValueAxis
    let referenceLabels: [String]
    let plot: ChartRect
    let canvasWidth: Double
    let canvasHeight: Double

    init(chart: TimelineChart) {
        self.chart = chart
        style = chart.style
        let fontSize = style.labelFontSize
        let lineHeight = style.lineHeight(fontSize: fontSize)
        let padding = style.canvasPadding

        // Leave room above the highest peak for its label.
        var shownValues = chart.series.flatMap(\.values) + chart.referenceLines.map(\.value)
        let peaks = chart.series.filter(\.marksPeak).compactMap { $0.values.filter(\.isFinite).max() }
        if let highest = peaks.max() {
            shownValues.append(chart.valueAxis.scaleKind == .linear ? highest * 1.15 : highest * 2)
        }
        valueAxis = LeftValueAxis(
            axis: chart.valueAxis, scale: chart.valueAxis.scale(covering: shownValues), style: style)
        let eventCount = max(chart.eventCount, 1)
        let eventScale = AxisScale(covering: 0...Double(eventCount), maximumIntervalCount: min(6, eventCount))
            .clamped(to: 0...Double(eventCount))
        eventAxis = BottomValueAxis(axis: chart.eventAxis, scale: eventScale, style: style)

        referenceLabels = chart.referenceLines.map {
            TextMetrics.truncated($0.label, toWidth: Self.maximumReferenceLabelWidth, fontSize: fontSize)
        }
        let widestReference = referenceLabels.map { TextMetrics.width(of: $0, fontSize: fontSize) }.max()
        let referenceMargin = widestReference.map { $0 + 3 * chart.style.labelGap } ?? 8
        let right = padding.right + max(eventAxis.overhang, referenceMargin)
        let left = padding.left + valueAxis.requiredWidth
        canvasWidth = max(chart.width, left + 240 + right)
        var top = chart.header.height(canvasWidth: canvasWidth)
        if chart.regions.contains(where: { !$0.label.isEmpty }) { top += lineHeight + style.labelGap }
        let bottom = eventAxis.requiredHeight + padding.bottom
        let plotHeight = max(Self.minimumPlotHeight, chart.height - top - bottom)
        canvasHeight = top + plotHeight + bottom
        plot = ChartRect(x: left, y: top, width: canvasWidth - left - right, height: plotHeight)
    }

    /// The x coordinate where event `index` begins.
    func x(event index: Double) -> Double { eventAxis.x(index, in: plot) }

    /// The y coordinate of `value`.
    func y(_ value: Double) -> Double { valueAxis.y(value, in: plot) }

    /// The vertices of a series' step line.
    func stepPoints(of series: TimelineSeries) -> [SVGPoint] {
        var points: [SVGPoint] = []
        for (index, value) in series.values.enumerated() where value.isFinite {
            let y = self.y(value)
            points.append(SVGPoint(x: x(event: Double(index)), y: y))
            points.append(SVGPoint(x: x(event: Double(index + 1)), y: y))
        }
        return points
    }

    /// The chart drawn.
    func render() -> SVGDocument {
        var canvas = ChartCanvas(width: canvasWidth, height: canvasHeight, title: chart.title, style: style)
        chart.header.draw(on: &canvas)
        drawRegions(on: &canvas)
        valueAxis.drawGrid(on: &canvas, plot: plot)
        eventAxis.drawGrid(on: &canvas, plot: plot)
        drawHoverColumns(on: &canvas)
        for (index, series) in chart.series.enumerated() {
            var outline = SVGPath()
            for (offset, point) in stepPoints(of: series).enumerated() {
                if offset == 0 { outline.move(to: point) } else { outline.line(to: point) }
            }
            canvas.document.path(
                outline, paint: .stroked(chart.colour(ofSeries: index), width: 2),
                hoverText: series.name)
        }
        drawReferenceLines(on: &canvas)
        drawPeaks(on: &canvas)
        valueAxis.drawAxis(on: &canvas, plot: plot, titleLeft: style.canvasPadding.left)
        eventAxis.drawAxis(on: &canvas, plot: plot)
        return canvas.document
    }

    // MARK: - Regions

    private func drawRegions(on canvas: inout ChartCanvas) {
        let fontSize = style.labelFontSize
        var labelled: [(text: String, centre: Double, width: Double)] = []
        for region in chart.regions {
            let start = x(event: Double(max(0, region.events.lowerBound)))
            let end = x(event: Double(min(chart.eventCount, region.events.upperBound)))
            guard end > start else { continue }
            if region.isShaded {
                canvas.document.rect(
                    x: start, y: plot.minY, width: end - start, height: plot.height,
                    paint: .filled(style.regionColour), hoverText: region.label)
            }
            if !region.label.isEmpty {
                let text = TextMetrics.truncated(region.label, toWidth: plot.width, fontSize: fontSize)
                labelled.append((text, (start + end) / 2, TextMetrics.width(of: text, fontSize: fontSize)))
            }
        }
        let centres = LabelPlacement.spread(
            centres: labelled.map(\.centre), extents: labelled.map(\.width), gap: 2 * style.labelGap,
            within: plot.minX...plot.maxX)
        let baseline = plot.minY - style.labelGap - TextMetrics.descent * fontSize
        for (label, centre) in zip(labelled, centres) {
            let point = SVGPoint(x: centre, y: baseline)
            let box = TextMetrics.boundingBox(of: label.text, at: point, anchor: .middle, fontSize: fontSize)
            // Labels that could not be pushed apart within the plot's width are left out rather than overlapped.
            guard canvas.isClear(box.expanded(by: 1)), box.minX >= 0, box.maxX <= canvasWidth else { continue }
            canvas.label(label.text, at: point, anchor: .middle, fill: style.mutedTextColour)
        }
    }

    /// Transparent columns, one per event, whose hover text lists every series' value at that event.
    private func drawHoverColumns(on canvas: inout ChartCanvas) {
        let count = chart.eventCount
        guard count > 0 else { return }
        canvas.document.group(paint: SVGPaint(fill: style.backgroundColour, fillOpacity: 0)) { group in
            for event in 0..<count {
                var text = "event \(event)"
                if event < chart.eventNames.count && !chart.eventNames[event].isEmpty {
                    text += " (\(chart.eventNames[event]))"
                }
                let values = chart.series.compactMap { series -> String? in
                    guard event < series.values.count else { return nil }
                    return "\(series.name) \(chart.valueAxis.formattedValueWithUnit(series.values[event]))"
                }
                text += ": " + values.joined(separator: ", ")
                let left = x(event: Double(event))
                group.rect(
                    x: left, y: plot.minY, width: x(event: Double(event + 1)) - left, height: plot.height,
                    paint: SVGPaint(), hoverText: text)
            }
        }
    }

    // MARK: - Reference lines

    private func drawReferenceLines(on canvas: inout ChartCanvas) {
        let fontSize = style.labelFontSize
        let lineHeight = style.lineHeight(fontSize: fontSize)
        let lineYs = chart.referenceLines.map { y($0.value) }
        for (line, lineY) in zip(chart.referenceLines, lineYs) {
            canvas.document.line(
                from: SVGPoint(x: plot.minX, y: lineY), to: SVGPoint(x: plot.maxX, y: lineY),
                paint: .stroked(
                    line.colour ?? style.referenceColour, width: 1.5, dashPattern: line.isDashed ? [6, 4] : []),
                hoverText: line.label)
        }
        let centres = LabelPlacement.spread(
            centres: lineYs, extents: lineYs.map { _ in lineHeight }, gap: 0,
            within: (plot.minY - lineHeight / 2)...(plot.maxY + lineHeight / 2))
        let labelLeft = plot.maxX + 2 * style.labelGap
        for (index, line) in chart.referenceLines.enumerated() {
            let colour = line.colour ?? style.referenceColour
            if abs(centres[index] - lineYs[index]) > 1 {
                canvas.document.line(
                    from: SVGPoint(x: plot.maxX, y: lineYs[index]),
                    to: SVGPoint(x: labelLeft - 2, y: centres[index]), paint: .stroked(colour))
            }
            let text = referenceLabels[index]
            canvas.label(
                text, at: SVGPoint(x: labelLeft, y: centres[index] + TextMetrics.centringOffset(fontSize: fontSize)),
                fill: colour, hoverText: text == line.label ? nil : line.label)
        }
    }

    // MARK: - Peaks

    private func drawPeaks(on canvas: inout ChartCanvas) {
        let fontSize = style.labelFontSize
        let radius = Self.peakDotRadius
        var lineObstacles = chart.series.flatMap { LabelPlacement.segmentBoxes(stepPoints(of: $0), thickness: 3) }
        lineObstacles += chart.referenceLines.map {
            ChartRect(x: plot.minX, y: y($0.value) - 1.5, width: plot.width, height: 3)
        }
        var peaks: [(series: Int, event: Int, value: Double, centre: SVGPoint)] = []
        for (index, series) in chart.series.enumerated() where series.marksPeak {
            // The first event at the highest value: where memory reaches its peak.
            guard let value = series.values.filter(\.isFinite).max(),
                let first = series.values.firstIndex(of: value)
            else { continue }
            peaks.append((index, first, value, SVGPoint(x: x(event: Double(first) + 0.5), y: y(value))))
        }
        let dotBoxes = peaks.map {
            ChartRect(x: $0.centre.x - radius, y: $0.centre.y - radius, width: 2 * radius, height: 2 * radius)
        }
        var placedLabels: [ChartRect] = []
        for peak in peaks {
            let colour = chart.colour(ofSeries: peak.series)
            canvas.document.circle(
                center: peak.centre, radius: radius,
                paint: SVGPaint(fill: colour, stroke: style.backgroundColour, strokeWidth: 1.5))
            let text = chart.peakLabel(series: peak.series, event: peak.event, value: peak.value)
            let candidates = LabelPlacement.candidates(
                around: peak.centre, radius: radius, fontSize: fontSize, prefersAbove: true, includesDistant: true)
            let boxes = candidates.map {
                TextMetrics.boundingBox(of: text, at: $0.point, anchor: $0.anchor, fontSize: fontSize, weight: .bold)
            }
            let labelObstacles = placedLabels.map { $0.expanded(by: 2) } + dotBoxes
            let choice =
                LabelPlacement.firstClear(boxes, within: plot, avoiding: labelObstacles + lineObstacles)
                ?? LabelPlacement.firstClear(boxes, within: plot, avoiding: labelObstacles)
            guard let choice else { continue }
            if candidates[choice].isDistant {
                canvas.leader(from: peak.centre, radius: radius, to: boxes[choice], colour: colour)
            }
            canvas.label(
                text, at: candidates[choice].point, anchor: candidates[choice].anchor, weight: .bold,
                fill: style.textColour, haloColour: style.backgroundColour)
            placedLabels.append(boxes[choice])
        }
    }
}
