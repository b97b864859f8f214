/// How a table column's cells line up, in text and markdown tables alike.
public enum ColumnAlignment: Sendable { case left, right }
