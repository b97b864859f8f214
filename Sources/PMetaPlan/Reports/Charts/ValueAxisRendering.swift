extension AxisScale {
    /// The coordinate of `value` on an axis drawn from `start` (at `lowerBound`) to `end` (at `upperBound`).
    func coordinate(of value: Double, from start: Double, to end: Double) -> Double {
        start + fraction(of: value) * (end - start)
    }
}

/// Lengths shared by the axes of all charts.
enum AxisMetrics {
    /// The length of a tick mark outside the plot.
    static let tickLength = 4.0
}

/// A numeric axis along the left edge of a plot: grid lines, ticks, tick labels and the rotated title.
struct LeftValueAxis {
    let axis: ChartAxis
    let scale: AxisScale
    let style: ChartStyle

    /// The tick labels, in tick order.
    var tickLabels: [String] { scale.ticks.map { axis.tickLabel(for: $0, on: scale) } }

    /// The width from the canvas padding to the plot's left edge.
    var requiredWidth: Double {
        let fontSize = style.labelFontSize
        let widest = tickLabels.map { TextMetrics.width(of: $0, fontSize: fontSize) }.max() ?? 0
        return (TextMetrics.ascent + TextMetrics.descent) * fontSize + 2 * style.labelGap + widest
            + AxisMetrics.tickLength + style.labelGap
    }

    /// The y coordinate of `value` in `plot`.
    func y(_ value: Double, in plot: ChartRect) -> Double {
        scale.coordinate(of: value, from: plot.maxY, to: plot.minY)
    }

    /// Draws the grid lines across `plot`, which should be painted before the data.
    func drawGrid(on canvas: inout ChartCanvas, plot: ChartRect) {
        for tick in scale.ticks where tick != scale.lowerBound {
            let y = self.y(tick, in: plot)
            canvas.document.line(
                from: SVGPoint(x: plot.minX, y: y), to: SVGPoint(x: plot.maxX, y: y),
                paint: .stroked(style.gridColour))
        }
    }

    /// Draws the axis line, ticks, tick labels (dropping those that would touch their neighbour) and the title,
    /// whose left edge is at `titleLeft`.
    func drawAxis(on canvas: inout ChartCanvas, plot: ChartRect, titleLeft: Double) {
        let fontSize = style.labelFontSize
        canvas.document.line(
            from: SVGPoint(x: plot.minX, y: plot.minY), to: SVGPoint(x: plot.minX, y: plot.maxY),
            paint: .stroked(style.axisColour))
        var lastBox: ChartRect?
        for (tick, text) in zip(scale.ticks, tickLabels) {
            let y = self.y(tick, in: plot)
            canvas.document.line(
                from: SVGPoint(x: plot.minX - AxisMetrics.tickLength, y: y),
                to: SVGPoint(x: plot.minX, y: y), paint: .stroked(style.axisColour))
            let point = SVGPoint(
                x: plot.minX - AxisMetrics.tickLength - style.labelGap,
                y: y + TextMetrics.centringOffset(fontSize: fontSize))
            let box = TextMetrics.boundingBox(of: text, at: point, anchor: .end, fontSize: fontSize)
            if let lastBox, lastBox.expanded(by: 1).intersects(box) { continue }
            canvas.label(text, at: point, anchor: .end, fill: style.mutedTextColour)
            lastBox = box
        }
        let title = axis.displayTitle
        let shown = TextMetrics.truncated(title, toWidth: plot.height, fontSize: fontSize)
        canvas.label(
            shown, at: SVGPoint(x: titleLeft + TextMetrics.ascent * fontSize, y: plot.midY),
            anchor: .middle, rotation: -90, hoverText: shown == title ? nil : title)
    }
}

/// A numeric axis along the bottom edge of a plot: grid lines, ticks, tick labels and the title.
struct BottomValueAxis {
    let axis: ChartAxis
    let scale: AxisScale
    let style: ChartStyle

    /// The tick labels, in tick order.
    var tickLabels: [String] { scale.ticks.map { axis.tickLabel(for: $0, on: scale) } }

    /// The height from the plot's bottom edge to the bottom of the title.
    var requiredHeight: Double {
        let lineHeight = style.lineHeight(fontSize: style.labelFontSize)
        return AxisMetrics.tickLength + style.labelGap + lineHeight + style.labelGap + lineHeight
    }

    /// How far the widest tick label may reach beyond either end of the axis.
    var overhang: Double {
        (tickLabels.map { TextMetrics.width(of: $0, fontSize: style.labelFontSize) }.max() ?? 0) / 2
    }

    /// The x coordinate of `value` in `plot`.
    func x(_ value: Double, in plot: ChartRect) -> Double {
        scale.coordinate(of: value, from: plot.minX, to: plot.maxX)
    }

    /// Draws the grid lines across `plot`, which should be painted before the data.
    func drawGrid(on canvas: inout ChartCanvas, plot: ChartRect) {
        for tick in scale.ticks where tick != scale.lowerBound {
            let x = self.x(tick, in: plot)
            canvas.document.line(
                from: SVGPoint(x: x, y: plot.minY), to: SVGPoint(x: x, y: plot.maxY),
                paint: .stroked(style.gridColour))
        }
    }

    /// Draws the axis line, ticks, tick labels (dropping those that would touch their neighbour) and the title.
    func drawAxis(on canvas: inout ChartCanvas, plot: ChartRect) {
        let fontSize = style.labelFontSize
        canvas.document.line(
            from: SVGPoint(x: plot.minX, y: plot.maxY), to: SVGPoint(x: plot.maxX, y: plot.maxY),
            paint: .stroked(style.axisColour))
        let baseline = plot.maxY + AxisMetrics.tickLength + style.labelGap + TextMetrics.ascent * fontSize
        var lastBox: ChartRect?
        for (tick, text) in zip(scale.ticks, tickLabels) {
            let x = self.x(tick, in: plot)
            canvas.document.line(
                from: SVGPoint(x: x, y: plot.maxY),
                to: SVGPoint(x: x, y: plot.maxY + AxisMetrics.tickLength),
                paint: .stroked(style.axisColour))
            let point = SVGPoint(x: x, y: baseline)
            let box = TextMetrics.boundingBox(of: text, at: point, anchor: .middle, fontSize: fontSize)
            if let lastBox, lastBox.expanded(by: style.labelGap).intersects(box) { continue }
            canvas.label(text, at: point, anchor: .middle, fill: style.mutedTextColour)
            lastBox = box
        }
        let title = axis.displayTitle
        let shown = TextMetrics.truncated(title, toWidth: plot.width, fontSize: fontSize)
        let titleBaseline = baseline + style.lineHeight(fontSize: fontSize) + style.labelGap
        canvas.label(
            shown, at: SVGPoint(x: plot.midX, y: titleBaseline), anchor: .middle,
            hoverText: shown == title ? nil : title)
    }
}
