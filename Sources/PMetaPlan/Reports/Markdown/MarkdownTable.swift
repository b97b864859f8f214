/// A GitHub-flavoured markdown table whose raw text lines up in columns.
///
/// ```swift
/// var table = MarkdownTable(header: ["Method", "Peak (MB)"], alignments: [.left, .right])
/// table.append(["MAML", "54.69"])
/// table.append(["p-Meta", "12.50"])
/// table.render()
/// // | Method | Peak (MB) |
/// // | :----- | --------: |
/// // | MAML   |     54.69 |
/// // | p-Meta |     12.50 |
/// ```
public struct MarkdownTable: Hashable, Sendable {
    /// How a column lines up (shared with `TextTable`).
    public typealias Alignment = ColumnAlignment

    /// The column titles.
    public var header: [String]
    /// One alignment per column.
    public var alignments: [Alignment]
    /// The rows; each has at most one cell per column, and missing trailing cells print empty.
    public private(set) var rows: [[String]] = []

    /// Creates a table without rows.
    /// - Parameters:
    ///   - header: The column titles (at least one).
    ///   - alignments: One alignment per column, or empty for all left.
    public init(header: [String], alignments: [Alignment] = []) {
        precondition(!header.isEmpty, "MarkdownTable needs at least one column")
        precondition(
            alignments.isEmpty || alignments.count == header.count,
            "MarkdownTable: \(alignments.count) alignments for \(header.count) columns")
        self.header = header
        self.alignments = alignments.isEmpty ? Array(repeating: .left, count: header.count) : alignments
    }

    /// Creates a table with rows.
    /// - Parameters:
    ///   - header: The column titles (at least one).
    ///   - alignments: One alignment per column, or empty for all left.
    ///   - rows: The rows, each with at most one cell per column.
    public init(header: [String], alignments: [Alignment] = [], rows: [[String]]) {
        self.init(header: header, alignments: alignments)
        for row in rows { append(row) }
    }

    /// Appends a row.
    /// - Parameter cells: At most one cell per column; missing trailing cells print empty.
    public mutating func append(_ cells: [String]) {
        precondition(
            cells.count <= header.count, "MarkdownTable: a row of \(cells.count) cells for \(header.count) columns")
        rows.append(cells)
    }

    /// The table as markdown, one line per row, each line ending with a newline.
    ///
    /// Cells are escaped (`|` becomes `\|`, line breaks become `<br>`) and padded with spaces to the widest cell of
    /// their column, so the raw text reads as a table too. The delimiter row marks every column's alignment
    /// (`:---`, `---:`, `:---:`) and is at least three dashes wide.
    /// - Complexity: O(n) in the total length of the cells.
    public func render() -> String {
        let escapedHeader = header.map(Self.escaped)
        let escapedRows = rows.map { row in
            (0..<header.count).map { $0 < row.count ? Self.escaped(row[$0]) : "" }
        }
        let widths = (0..<header.count).map { column in
            max(3, ([escapedHeader] + escapedRows).map { $0[column].count }.max() ?? 0)
        }
        var output = line(escapedHeader, widths: widths)
        let delimiters = zip(alignments, widths).map { alignment, width -> String in
            switch alignment {
            case .left: return ":" + String(repeating: "-", count: width - 1)
            case .right: return String(repeating: "-", count: width - 1) + ":"
            case .center: return ":" + String(repeating: "-", count: width - 2) + ":"
            }
        }
        output += "| " + delimiters.joined(separator: " | ") + " |\n"
        for row in escapedRows { output += line(row, widths: widths) }
        return output
    }

    /// One row with every cell padded to its column's width.
    private func line(_ cells: [String], widths: [Int]) -> String {
        let padded = cells.indices.map { column -> String in
            let cell = cells[column]
            let padding = String(repeating: " ", count: widths[column] - cell.count)
            switch alignments[column] {
            case .left: return cell + padding
            case .right: return padding + cell
            case .center:
                let before = padding.count / 2
                return String(repeating: " ", count: before) + cell
                    + String(repeating: " ", count: padding.count - before)
            }
        }
        return "| " + padded.joined(separator: " | ") + " |\n"
    }

    /// A cell made safe inside a table row.
    static func escaped(_ cell: String) -> String {
        var result = ""
        for character in cell {
            switch character {
            case "|": result += "\\|"
            case "\r\n", "\n", "\r": result += "<br>"
            default: result.append(character)
            }
        }
        return result
    }
}
