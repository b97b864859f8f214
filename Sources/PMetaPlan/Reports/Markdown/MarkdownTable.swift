import Foundation

/// A GitHub-flavoured markdown table whose raw text lines up.
public struct MarkdownTable: Sendable {
    /// The column headers.
    public var headers: [String]
    /// Each column's alignment.
    public var alignments: [ColumnAlignment]
    /// The rows; each has one cell per header.
    public private(set) var rows: [[String]] = []

    /// Creates an empty table.
    public init(headers: [String], alignments: [ColumnAlignment]) {
        precondition(headers.count == alignments.count, "MarkdownTable needs one alignment per header")
        self.headers = headers
        self.alignments = alignments
    }

    /// Appends a row; `|` in a cell is escaped.
    public mutating func appendRow(_ row: [String]) {
        precondition(row.count == headers.count, "MarkdownTable row needs one cell per header")
        rows.append(row.map { $0.replacingOccurrences(of: "|", with: "\\|") })
    }

    /// The table, each line ending in a newline.
    public func render() -> String {
        var widths = headers.map { max($0.count, 3) }
        for row in rows { for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) } }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return alignments[column] == .left ? cell + padding : padding + cell
            }
            return "| " + padded.joined(separator: " | ") + " |\n"
        }
        let rule = "|" + widths.enumerated().map { column, width in
            alignments[column] == .left ? ":" + String(repeating: "-", count: width + 1) : String(repeating: "-", count: width + 1) + ":"
        }.joined(separator: "|") + "|\n"
        return line(headers) + rule + rows.map(line).joined()
    }
}
