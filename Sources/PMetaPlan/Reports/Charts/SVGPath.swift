/// The outline of an SVG `path`, built command by command in absolute coordinates.
///
/// ```swift
/// var outline = SVGPath()
/// outline.move(to: SVGPoint(x: 0, y: 10))
/// outline.horizontalLine(to: 5)
/// outline.verticalLine(to: 2)
/// outline.data  // "M0 10H5V2"
/// ```
public struct SVGPath: Hashable, Sendable {
    /// The `d` attribute text so far.
    public private(set) var data: String = ""

    /// Creates an empty path.
    public init() {}

    /// Whether no command has been added.
    public var isEmpty: Bool { data.isEmpty }

    /// Starts a new subpath at `point` (`M`).
    public mutating func move(to point: SVGPoint) {
        data += "M\(ChartNumberFormat.svg(point.x)) \(ChartNumberFormat.svg(point.y))"
    }

    /// Draws a straight line to `point` (`L`).
    public mutating func line(to point: SVGPoint) {
        data += "L\(ChartNumberFormat.svg(point.x)) \(ChartNumberFormat.svg(point.y))"
    }

    /// Draws a horizontal line to the abscissa `x` (`H`).
    public mutating func horizontalLine(to x: Double) {
        data += "H\(ChartNumberFormat.svg(x))"
    }

    /// Draws a vertical line to the ordinate `y` (`V`).
    public mutating func verticalLine(to y: Double) {
        data += "V\(ChartNumberFormat.svg(y))"
    }

    /// Closes the current subpath (`Z`).
    public mutating func close() {
        data += "Z"
    }
}
