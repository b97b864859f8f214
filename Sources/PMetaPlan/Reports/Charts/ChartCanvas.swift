/// An SVG document being drawn by a chart, with the boxes of the labels placed so far.
///
/// Charts place every label through ``label(_:at:anchor:fontSize:weight:fill:haloColour:rotation:hoverText:)``
/// so that later labels can be placed around earlier ones.
struct ChartCanvas {
    /// The drawing.
    var document: SVGDocument
    /// Fonts, colours and spacing.
    let style: ChartStyle
    /// The boxes of unrotated labels placed so far.
    private(set) var labelBoxes: [ChartRect] = []

    /// Creates a white canvas with the style's fonts.
    init(width: Double, height: Double, title: String, style: ChartStyle) {
        document = SVGDocument(
            width: width, height: height, title: title, background: style.backgroundColour,
            fontFamily: style.fontFamily, fontSize: style.labelFontSize)
        self.style = style
    }

    /// Whether `box` is clear of every label placed so far.
    func isClear(_ box: ChartRect) -> Bool {
        !labelBoxes.contains { $0.intersects(box) }
    }

    /// Draws a label and remembers its box (when unrotated).
    mutating func label(
        _ text: String, at point: SVGPoint, anchor: SVGTextAnchor = .start, fontSize: Double? = nil,
        weight: SVGFontWeight = .regular, fill: String? = nil, haloColour: String? = nil, rotation: Double = 0,
        hoverText: String? = nil
    ) {
        let size = fontSize ?? style.labelFontSize
        document.text(
            text, at: point, anchor: anchor, rotation: rotation, fontSize: size == style.labelFontSize ? nil : size,
            weight: weight, fill: fill ?? style.textColour, haloColour: haloColour, hoverText: hoverText)
        if rotation == 0 {
            labelBoxes.append(
                TextMetrics.boundingBox(of: text, at: point, anchor: anchor, fontSize: size, weight: weight))
        }
    }
}
