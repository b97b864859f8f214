/// Renders rows as a markdown table (with a blank line before it) or an aligned text table, as report lines.
public func renderTable(_ headers: [String], _ alignments: [ColumnAlignment], _ rows: [[String]], markdown: Bool) -> [String] {
    if markdown {
        var table = MarkdownTable(header: headers, alignments: alignments)
        rows.forEach { table.append($0) }
        return ["", table.render()]
    }
    var table = TextTable(headers: headers, alignments: alignments)
    rows.forEach { table.append($0) }
    return [table.render()]
}
