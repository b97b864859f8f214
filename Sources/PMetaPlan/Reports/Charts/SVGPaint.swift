/// How a shape is filled and stroked.
///
/// Colours are any SVG colour text (`#0072b2`, `none`); `nil` properties are left out of the markup so that SVG's
/// defaults (or a parent group's values) apply.
public struct SVGPaint: Hashable, Sendable {
    /// The fill colour, or `nil` to omit the attribute. Lines, polylines and paths are never filled when `nil`.
    public var fill: String?
    /// The fill opacity from 0 to 1, or `nil` for opaque.
    public var fillOpacity: Double?
    /// The stroke colour, or `nil` for no stroke.
    public var stroke: String?
    /// The stroke width in user units, or `nil` for SVG's default of 1.
    public var strokeWidth: Double?
    /// Dash and gap lengths for a dashed stroke (`[6, 4]`); empty for a solid stroke.
    public var dashPattern: [Double]

    /// Creates a paint.
    /// - Parameters:
    ///   - fill: The fill colour, or `nil` to omit it.
    ///   - fillOpacity: The fill opacity from 0 to 1, or `nil` for opaque.
    ///   - stroke: The stroke colour, or `nil` for none.
    ///   - strokeWidth: The stroke width, or `nil` for 1.
    ///   - dashPattern: Dash and gap lengths; empty for solid.
    public init(
        fill: String? = nil, fillOpacity: Double? = nil, stroke: String? = nil, strokeWidth: Double? = nil,
        dashPattern: [Double] = []
    ) {
        self.fill = fill
        self.fillOpacity = fillOpacity
        self.stroke = stroke
        self.strokeWidth = strokeWidth
        self.dashPattern = dashPattern
    }

    /// A solid fill without stroke.
    /// - Parameter colour: The fill colour.
    /// - Returns: The paint.
    public static func filled(_ colour: String) -> SVGPaint { SVGPaint(fill: colour) }

    /// A stroke without fill.
    /// - Parameters:
    ///   - colour: The stroke colour.
    ///   - width: The stroke width.
    ///   - dashPattern: Dash and gap lengths; empty for solid.
    /// - Returns: The paint.
    public static func stroked(_ colour: String, width: Double = 1, dashPattern: [Double] = []) -> SVGPaint {
        SVGPaint(stroke: colour, strokeWidth: width, dashPattern: dashPattern)
    }

    /// The presentation attributes, in a fixed order.
    /// - Parameter fillsByDefault: Whether the shape is filled when `fill` is `nil` (rectangles, circles, text);
    ///   when `false`, a missing fill is written as `fill="none"`.
    func attributes(fillsByDefault: Bool) -> [SVGNode.Attribute] {
        var result: [SVGNode.Attribute] = []
        if let fill {
            result.append(.init(name: "fill", value: fill))
        } else if !fillsByDefault {
            result.append(.init(name: "fill", value: "none"))
        }
        if let fillOpacity { result.append(.init(name: "fill-opacity", value: ChartNumberFormat.svg(fillOpacity))) }
        if let stroke { result.append(.init(name: "stroke", value: stroke)) }
        if let strokeWidth { result.append(.init(name: "stroke-width", value: ChartNumberFormat.svg(strokeWidth))) }
        if !dashPattern.isEmpty {
            let dashes = dashPattern.map(ChartNumberFormat.svg).joined(separator: " ")
            result.append(.init(name: "stroke-dasharray", value: dashes))
        }
        return result
    }
}
