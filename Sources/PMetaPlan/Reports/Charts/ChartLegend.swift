/// The key of a chart with several series: a symbol in the series colour and the series name, in rows that wrap.
struct ChartLegend {
    /// How a series is drawn, and so how its key looks.
    enum Symbol {
        /// A filled square, for bars.
        case swatch
        /// A short line, for line series.
        case line
        /// A dot, for point series.
        case dot
    }

    /// One series in the key.
    struct Entry {
        var name: String
        var colour: String
        var symbol: Symbol
    }

    /// An entry placed in a row.
    struct PlacedEntry {
        var entry: Entry
        var displayName: String
        /// The left edge of the symbol, relative to the legend's left edge.
        var offset: Double
        var row: Int
    }

    let entries: [Entry]
    let style: ChartStyle

    /// The widest a series name may print before it is cut with an ellipsis.
    static let maximumNameWidth = 220.0
    private let symbolWidth = 16.0
    private let symbolGap = 6.0
    private let entryGap = 20.0

    /// The height of one row.
    var rowHeight: Double { style.lineHeight(fontSize: style.labelFontSize) + 2 }

    /// The entries laid out left to right, wrapping to a new row when `width` is used up.
    func layout(width: Double) -> [PlacedEntry] {
        var placed: [PlacedEntry] = []
        var offset = 0.0
        var row = 0
        for entry in entries {
            let name = TextMetrics.truncated(
                entry.name, toWidth: min(Self.maximumNameWidth, width - symbolWidth - symbolGap),
                fontSize: style.labelFontSize)
            let entryWidth = symbolWidth + symbolGap + TextMetrics.width(of: name, fontSize: style.labelFontSize)
            if offset > 0 && offset + entryWidth > width {
                row += 1
                offset = 0
            }
            placed.append(PlacedEntry(entry: entry, displayName: name, offset: offset, row: row))
            offset += entryWidth + entryGap
        }
        return placed
    }

    /// The height of the legend laid out in `width`.
    func height(width: Double) -> Double {
        guard let last = layout(width: width).last else { return 0 }
        return Double(last.row + 1) * rowHeight
    }

    /// Draws the legend with its top left corner at `origin`.
    func draw(on canvas: inout ChartCanvas, origin: SVGPoint, width: Double) {
        let fontSize = style.labelFontSize
        for placed in layout(width: width) {
            let rowTop = origin.y + Double(placed.row) * rowHeight
            let middle = rowTop + rowHeight / 2
            let left = origin.x + placed.offset
            let colour = placed.entry.colour
            switch placed.entry.symbol {
            case .swatch:
                canvas.document.rect(
                    x: left + 3, y: middle - 5, width: 10, height: 10, cornerRadius: 1.5,
                    paint: .filled(colour))
            case .line:
                canvas.document.line(
                    from: SVGPoint(x: left, y: middle), to: SVGPoint(x: left + symbolWidth, y: middle),
                    paint: .stroked(colour, width: 2.5))
            case .dot:
                canvas.document.circle(
                    center: SVGPoint(x: left + symbolWidth / 2, y: middle), radius: 4.5,
                    paint: .filled(colour))
            }
            let hover = placed.displayName == placed.entry.name ? nil : placed.entry.name
            canvas.label(
                placed.displayName,
                at: SVGPoint(
                    x: left + symbolWidth + symbolGap, y: middle + TextMetrics.centringOffset(fontSize: fontSize)),
                hoverText: hover)
        }
    }
}
