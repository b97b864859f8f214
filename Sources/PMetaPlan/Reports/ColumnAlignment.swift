/// How a table column's cells line up, in text and markdown tables alike.
public enum ColumnAlignment: Hashable, Sendable {
    /// Flush left (names).
    case left
    /// Flush right (numbers).
    case right
    /// Centred (markdown only; text tables treat it as left).
    case center
}
