/// A labelled line at a fixed value across a plot, such as a device's memory budget.
public struct ReferenceLine: Hashable, Sendable {
    /// Where the line crosses the value axis, in the axis's unit.
    public var value: Double
    /// The label written next to the line, such as `budget 256 kB`.
    public var label: String
    /// The line and label colour, or `nil` for the style's reference colour (red).
    public var colour: String?
    /// Whether the line is dashed.
    public var isDashed: Bool

    /// Creates a reference line.
    /// - Parameters:
    ///   - value: Where the line crosses the value axis.
    ///   - label: The label written next to the line.
    ///   - colour: The colour, or `nil` for the style's reference colour.
    ///   - isDashed: Whether the line is dashed.
    public init(value: Double, label: String, colour: String? = nil, isDashed: Bool = true) {
        self.value = value
        self.label = label
        self.colour = colour
        self.isDashed = isDashed
    }
}
