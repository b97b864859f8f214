/// A plain-text table for terminals: padded columns, a rule under the header.
public struct TextTable: Sendable {
    /// The column headers.
    public var headers: [String]
    /// Each column's alignment.
    public var alignments: [ColumnAlignment]
    /// The rows; each has one cell per header.
    public var rows: [[String]] = []
    /// The widest a line may be: a left-aligned last column (a plan list) that would pass it wraps onto continuation
    /// lines under itself, breaking between list items (`TextWrapping.listItems`); nil never wraps.
    public var maximumLineWidth: Int?
    /// The narrowest the wrapped last column gets, however wide the columns before it are.
    public static let minimumWrappedColumnWidth = 40

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
        let last = headers.count - 1
        var wrapWidth: Int?
        if let maximumLineWidth, alignments[last] == .left {
            let before = widths.dropLast().reduce(0, +) + 2 * last
            let available = max(Self.minimumWrappedColumnWidth, headers[last].count, maximumLineWidth - before)
            if widths[last] > available {
                wrapWidth = available
                widths[last] = available
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (column, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: max(0, widths[column] - cell.count))
                parts.append(alignments[column] == .right ? padding + cell : cell + padding)
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text + "\n"
        }
        var output = line(headers)
        output += line(widths.map { String(repeating: "-", count: $0) })
        for row in rows {
            guard let wrapWidth, row[last].count > wrapWidth else {
                output += line(row)
                continue
            }
            let pieces = TextWrapping.lines(TextWrapping.listItems(row[last]), firstLinePrefix: "", continuationIndent: 0, width: wrapWidth)
            for (index, piece) in pieces.enumerated() {
                output += line(index == 0 ? row.dropLast() + [piece] : Array(repeating: "", count: last) + [piece])
            }
        }
        return output
    }
}
