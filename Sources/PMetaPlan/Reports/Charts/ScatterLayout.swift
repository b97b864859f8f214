/// The geometry of a ``ScatterChart`` and its drawing.
struct ScatterLayout {
    /// The widest a point label may print before it is cut with an ellipsis.
    static let maximumPointLabelWidth = 180.0
    /// The widest a reference line label may print before it is cut with an ellipsis.
    static let maximumReferenceLabelWidth = 220.0
    /// The lowest plot drawn.
    static let minimumPlotHeight = 160.0
    /// The radius of an ordinary point.
    static let pointRadius = 4.0
    /// The radius of a highlighted point.
    static let highlightedRadius = 6.5
    /// The space between the plot and the reference labels above it: more than the top tick label reaches above
    /// the plot (about half a line), since a label over a line near the left edge may stretch over the tick labels.
    static let referenceBandGap = 8.0

    /// A reference line label placed in the band above the plot.
    struct ReferenceLabel {
        var text: String
        var centre: Double
        var row: Int
    }

    let chart: ScatterChart
    let style: ChartStyle
    let xAxis: BottomValueAxis
    let yAxis: LeftValueAxis
    let referenceLabels: [ReferenceLabel]
    let plot: ChartRect
    let canvasWidth: Double
    let canvasHeight: Double

    init(chart: ScatterChart) {
        self.chart = chart
        style = chart.style
        let fontSize = style.labelFontSize
        let lineHeight = style.lineHeight(fontSize: fontSize)
        let padding = style.canvasPadding
        let points = chart.series.flatMap(\.points)
        let xScale = chart.xAxis.scale(covering: points.map(\.x) + chart.referenceLines.map(\.value))
        xAxis = BottomValueAxis(axis: chart.xAxis, scale: xScale, style: style)
        yAxis = LeftValueAxis(axis: chart.yAxis, scale: chart.yAxis.scale(covering: points.map(\.y)), style: style)

        let left = padding.left + yAxis.requiredWidth
        let right = padding.right + max(xAxis.overhang, Self.highlightedRadius)
        let canvasWidth = max(chart.width, left + 240 + right)
        self.canvasWidth = canvasWidth
        let plotWidth = canvasWidth - left - right

        // Reference labels: centred over their line where the canvas allows, in the first row where they fit.
        var placed = chart.referenceLines.map { _ in ReferenceLabel(text: "", centre: 0, row: 0) }
        var rowBoxes: [[ClosedRange<Double>]] = []
        let order = chart.referenceLines.indices.sorted {
            (chart.referenceLines[$0].value, $0) < (chart.referenceLines[$1].value, $1)
        }
        for index in order {
            let line = chart.referenceLines[index]
            let text = TextMetrics.truncated(line.label, toWidth: Self.maximumReferenceLabelWidth, fontSize: fontSize)
            let width = TextMetrics.width(of: text, fontSize: fontSize)
            let lineX = left + xScale.fraction(of: line.value) * plotWidth
            let centre = min(max(lineX, padding.left + width / 2), canvasWidth - padding.right - width / 2)
            let span = (centre - width / 2 - style.labelGap)...(centre + width / 2 + style.labelGap)
            var row = 0
            while row < rowBoxes.count && rowBoxes[row].contains(where: { $0.overlaps(span) }) { row += 1 }
            if row == rowBoxes.count { rowBoxes.append([]) }
            rowBoxes[row].append(span)
            placed[index] = ReferenceLabel(text: text, centre: centre, row: row)
        }
        referenceLabels = placed

        var top = chart.header.height(canvasWidth: canvasWidth)
        if !rowBoxes.isEmpty { top += Double(rowBoxes.count) * lineHeight + Self.referenceBandGap }
        let bottom = xAxis.requiredHeight + padding.bottom
        let plotHeight = max(Self.minimumPlotHeight, chart.height - top - bottom)
        canvasHeight = top + plotHeight + bottom
        plot = ChartRect(x: left, y: top, width: plotWidth, height: plotHeight)
    }

    /// The position of `point` on the canvas.
    func position(of point: ScatterPoint) -> SVGPoint {
        SVGPoint(x: xAxis.x(point.x, in: plot), y: yAxis.y(point.y, in: plot))
    }

    /// The vertices of a series' connecting line, in increasing x.
    func connectionPoints(of series: ScatterSeries) -> [SVGPoint] {
        let sorted = series.points.filter { $0.x.isFinite && $0.y.isFinite }
            .enumerated().sorted { ($0.element.x, $0.offset) < ($1.element.x, $1.offset) }.map {
                position(of: $0.element)
            }
        switch series.connection {
        case .none: return []
        case .straight: return sorted
        case .steps:
            var points: [SVGPoint] = []
            for (index, point) in sorted.enumerated() {
                if index > 0 { points.append(SVGPoint(x: point.x, y: points[points.count - 1].y)) }
                points.append(point)
            }
            return points
        }
    }

    /// The chart drawn.
    func render() -> SVGDocument {
        var canvas = ChartCanvas(width: canvasWidth, height: canvasHeight, title: chart.title, style: style)
        chart.header.draw(on: &canvas)
        yAxis.drawGrid(on: &canvas, plot: plot)
        xAxis.drawGrid(on: &canvas, plot: plot)
        drawReferenceLines(on: &canvas)
        for (index, series) in chart.series.enumerated() where series.connection != .none {
            let points = connectionPoints(of: series)
            guard points.count > 1 else { continue }
            canvas.document.polyline(points, paint: .stroked(chart.colour(ofSeries: index), width: 1.5))
        }
        drawPoints(on: &canvas)
        drawPointLabels(on: &canvas)
        yAxis.drawAxis(on: &canvas, plot: plot, titleLeft: style.canvasPadding.left)
        xAxis.drawAxis(on: &canvas, plot: plot)
        return canvas.document
    }

    // MARK: - Reference lines

    private func drawReferenceLines(on canvas: inout ChartCanvas) {
        let fontSize = style.labelFontSize
        let lineHeight = style.lineHeight(fontSize: fontSize)
        for (line, label) in zip(chart.referenceLines, referenceLabels) {
            let colour = line.colour ?? style.referenceColour
            let x = xAxis.x(line.value, in: plot)
            canvas.document.line(
                from: SVGPoint(x: x, y: plot.minY), to: SVGPoint(x: x, y: plot.maxY),
                paint: .stroked(colour, width: 1.5, dashPattern: line.isDashed ? [6, 4] : []),
                hoverText: line.label)
            // Row 0 is nearest the plot.
            let rowBottom = plot.minY - Self.referenceBandGap - Double(label.row) * lineHeight
            let baseline = rowBottom - TextMetrics.descent * fontSize
            canvas.label(
                label.text, at: SVGPoint(x: label.centre, y: baseline), anchor: .middle, fill: colour,
                hoverText: label.text == line.label ? nil : line.label)
        }
    }

    // MARK: - Points

    /// Every point with its series, highlighted points last so that they paint on top.
    private var paintingOrder: [(series: Int, point: ScatterPoint)] {
        let all = chart.series.enumerated().flatMap { index, series in
            series.points.filter { $0.x.isFinite && $0.y.isFinite }.map { (series: index, point: $0) }
        }
        return all.filter { !$0.point.isHighlighted } + all.filter(\.point.isHighlighted)
    }

    private func radius(of point: ScatterPoint) -> Double {
        point.isHighlighted ? Self.highlightedRadius : Self.pointRadius
    }

    private func drawPoints(on canvas: inout ChartCanvas) {
        for (series, point) in paintingOrder {
            let colour = chart.colour(ofSeries: series)
            let paint =
                point.isHighlighted
                ? SVGPaint(fill: colour, stroke: style.textColour, strokeWidth: 2)
                : SVGPaint(fill: colour, stroke: style.backgroundColour, strokeWidth: 1)
            canvas.document.circle(
                center: position(of: point), radius: radius(of: point), paint: paint,
                hoverText: chart.hoverText(of: point, series: series))
        }
    }

    private func drawPointLabels(on canvas: inout ChartCanvas) {
        let fontSize = style.labelFontSize
        let order = paintingOrder
        let markerBoxes = order.map { entry -> ChartRect in
            let centre = position(of: entry.point)
            let radius = radius(of: entry.point)
            return ChartRect(x: centre.x - radius, y: centre.y - radius, width: 2 * radius, height: 2 * radius)
        }
        var obstacles = chart.series.filter { $0.connection == .steps }
            .flatMap { LabelPlacement.segmentBoxes(connectionPoints(of: $0), thickness: 2) }
        obstacles += chart.referenceLines.map {
            ChartRect(x: xAxis.x($0.value, in: plot) - 3, y: plot.minY, width: 6, height: plot.height)
        }
        var placedLabels: [ChartRect] = []
        // Highlighted labels are placed first so that they get the best spots.
        let labelOrder =
            order.indices.filter { order[$0].point.isHighlighted }
            + order.indices.filter { !order[$0].point.isHighlighted }
        for index in labelOrder {
            let (series, point) = order[index]
            guard let label = point.label, !label.isEmpty else { continue }
            let text = TextMetrics.truncated(label, toWidth: Self.maximumPointLabelWidth, fontSize: fontSize)
            let weight: SVGFontWeight = point.isHighlighted ? .bold : .regular
            let centre = position(of: point)
            let candidates = LabelPlacement.candidates(
                around: centre, radius: radius(of: point), fontSize: fontSize, prefersAbove: false,
                includesDistant: point.isHighlighted)
            let boxes = candidates.map {
                TextMetrics.boundingBox(of: text, at: $0.point, anchor: $0.anchor, fontSize: fontSize, weight: weight)
            }
            let others = markerBoxes.indices.filter { $0 != index }.map { markerBoxes[$0] }
            let labelObstacles = others + placedLabels.map { $0.expanded(by: 2) }
            var choice = LabelPlacement.firstClear(boxes, within: plot, avoiding: obstacles + labelObstacles)
            // The highlighted point's label matters most: rather over a line than left out.
            if choice == nil && point.isHighlighted {
                choice = LabelPlacement.firstClear(boxes, within: plot, avoiding: labelObstacles)
            }
            guard let choice else { continue }
            if candidates[choice].isDistant {
                canvas.leader(
                    from: centre, radius: radius(of: point), to: boxes[choice],
                    colour: chart.colour(ofSeries: series))
            }
            canvas.label(
                text, at: candidates[choice].point, anchor: candidates[choice].anchor, weight: weight,
                fill: style.textColour, haloColour: style.backgroundColour,
                hoverText: text == label ? nil : chart.hoverText(of: point, series: series))
            placedLabels.append(boxes[choice])
        }
    }
}
