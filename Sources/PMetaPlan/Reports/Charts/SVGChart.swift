/// A chart that draws itself as an SVG document; `svg()` renders it to markup.
public protocol SVGChart {
    /// The chart as an SVG drawing, for callers that want to add to it.
    func document() -> SVGDocument
}

extension SVGChart {
    /// The chart as SVG markup: a complete `svg` document, identical for identical charts.
    public func svg() -> String {
        document().render()
    }
}
