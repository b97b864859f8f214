import Foundation

/// Every printed cell of the paper's Tables 1-3 next to ours: what `pmeta-plan reproduce` prints.
public struct ReproductionReport: Sendable {
    /// The cells in table order.
    public var cells: [PaperCell]

    /// Creates a report.
    public init(cells: [PaperCell]) { self.cells = cells }

    /// How many cells round to the printed digits.
    public var matchedCount: Int { cells.filter(\.matches).count }

    /// The report as text, JSON or markdown.
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .json:
            return JSONWriter.write([
                "matched": .integer(matchedCount),
                "total": .integer(cells.count),
                "cells": .array(cells.map { cell in
                    var members: [(key: String, value: JSONValue)] = [
                        ("table", .integer(cell.table)), ("row", .string(cell.row)), ("column", .string(cell.column)),
                        ("printed", .string(cell.printed)), ("computed", .double(cell.computed)),
                        ("exact", .integer(cell.exact)), ("unit", .string(cell.unit)), ("matches", .bool(cell.matches)),
                    ]
                    if !cell.matches, let reason = cell.reasonForMismatch { members.append(("reason", .string(reason))) }
                    return .object(members)
                }),
            ])
        case .text: return TextWrapping.wrappingProse(table(markdown: false))
        case .markdown: return table(markdown: true)
        }
    }

    static let headers = ["Table", "Row", "Column", "Printed", "Ours", "Exact", "Error", "Match"]

    private func cells(of cell: PaperCell) -> [String] {
        let exact = DecimalFormatting.grouped(cell.exact) + (cell.unit == "MB" ? " B" : " MAC")
        let error = cell.matches ? "0" : (cell.error >= 0 ? "+" : "") + String(format: "%.2f", cell.error)
        return [String(cell.table), cell.row, cell.column, "\(cell.printed) \(cell.unit)", cell.computedAsPrinted, exact, error,
                cell.matches ? "yes" : "no (see note)"]
    }

    private func table(markdown: Bool) -> String {
        let alignments: [ColumnAlignment] = [.right, .left, .left, .right, .right, .right, .right, .left]
        let title = "p-Meta (KDD 2022) Tables 1-3: \(matchedCount) of \(cells.count) printed cells reproduced from the architecture graphs"
        var notes: [String] = []
        for cell in cells where !cell.matches {
            notes.append("Table \(cell.table), \(cell.row), \(cell.column): printed \(cell.printed), ours \(cell.computedAsPrinted). "
                + (cell.reasonForMismatch ?? "No explanation is known."))
        }
        let setup = "Setup: Table 1 batch 25 without accumulation (RL: 20 episodes x 200 observations); Table 2 one step with "
            + "gradient accumulation over micro-batches of 1 (1-shot = 5 samples, 5-shot = 25); Table 3 one step over "
            + "20 episodes accumulated one episode (200 observations) at a time. Profiles: `paper` (Tables 1-2 CNNs), "
            + "`paper-eq18` (MLP rows). \(ComparisonReport.conventions)"
        if markdown {
            var table = MarkdownTable(header: Self.headers, alignments: alignments)
            for cell in cells { table.append(cells(of: cell)) }
            return (["## \(title)", "", setup, "", table.render(), "### Cells that do not match", ""]
                + notes.map { "- \($0)" } + [""]).joined(separator: "\n")
        }
        var table = TextTable(headers: Self.headers, alignments: alignments)
        for cell in cells { table.append(cells(of: cell)) }
        return ([title, "", table.render(), "Cells that do not match:"] + notes.map { "- \($0)" } + ["", setup, ""]).joined(separator: "\n")
    }
}
