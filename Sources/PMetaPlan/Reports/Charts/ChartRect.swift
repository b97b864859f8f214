/// An axis-aligned rectangle in SVG user units, used for layout and overlap checks.
public struct ChartRect: Hashable, Sendable {
    /// The left edge.
    public var x: Double
    /// The top edge.
    public var y: Double
    /// The width.
    public var width: Double
    /// The height.
    public var height: Double

    /// Creates a rectangle.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The left edge.
    public var minX: Double { x }
    /// The right edge.
    public var maxX: Double { x + width }
    /// The top edge.
    public var minY: Double { y }
    /// The bottom edge.
    public var maxY: Double { y + height }
    /// The horizontal centre.
    public var midX: Double { x + width / 2 }
    /// The vertical centre.
    public var midY: Double { y + height / 2 }

    /// Whether the two rectangles share interior area (touching edges do not count).
    /// - Parameter other: Another rectangle.
    /// - Returns: `true` when they overlap.
    public func intersects(_ other: ChartRect) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }

    /// Whether `other` lies entirely inside this rectangle, edges included.
    /// - Parameter other: Another rectangle.
    /// - Returns: `true` when it is contained.
    public func contains(_ other: ChartRect) -> Bool {
        other.minX >= minX && other.maxX <= maxX && other.minY >= minY && other.maxY <= maxY
    }

    /// The rectangle grown by `amount` on every side (shrunk when negative).
    /// - Parameter amount: The distance to move each edge outwards.
    /// - Returns: The grown rectangle.
    public func expanded(by amount: Double) -> ChartRect {
        ChartRect(x: x - amount, y: y - amount, width: width + 2 * amount, height: height + 2 * amount)
    }
}
