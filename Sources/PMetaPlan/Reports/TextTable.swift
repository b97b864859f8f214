/// A plain-text table for terminals: padded columns, a rule under the header.
public struct TextTable: Sendable {
    /// The column headers.
    public var headers: [String]
    /// Each column's alignment.
    public var alignments: [ColumnAlignment]
    /// The rows; each has one cell per header.
    public var rows: [[String]] = []

    /// Creates an empty table.
    public init(headers: [String], alignments: [ColumnAlignment]) {
        precondition(headers.count == alignments.count, "TextTable needs one alignment per header")
        self.headers = headers
        self.alignments = alignments
    }

    /// Appends a row.
    public mutating func append(_ row: [String]) {
        precondition(row.count == headers.count, "TextTable row needs one cell per header")
        rows.append(row)
    }

    /// The table, each line ending in a newline, columns separated by two spaces.
    public func render() -> String {
        var widths = headers.map(\.count)
        for row in rows { for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) } }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (column, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                parts.append(alignments[column] == .right ? padding + cell : cell + padding)
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text + "\n"
        }
        var output = line(headers)
        output += line(widths.map { String(repeating: "-", count: $0) })
        for row in rows { output += line(row) }
        return output
    }
}
