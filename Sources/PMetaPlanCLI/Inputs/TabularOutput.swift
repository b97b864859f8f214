import PMetaPlan

/// A command's result as a title, notes, tables and extra JSON members, rendered in each `--format`: text as the
/// command always printed it, markdown as a heading with tables, JSON as objects keyed by the tables' headers.
struct TabularOutput {
    /// The first line (`Planner benchmark: ...`).
    var title: String
    /// Sentences printed after the title (text and markdown) and listed under `notes` (JSON).
    var notes: [String] = []
    /// Named tables; JSON gets each under its name as an array of objects keyed by header.
    var tables: [(name: String, table: TextTable)] = []
    /// Extra JSON members, before the tables.
    var members: [(key: String, value: JSONValue)] = []
    /// The text output when the command's text differs from the generic layout (kept byte for byte).
    var text: String?

    /// The output in `format`.
    func render(_ format: OutputFormat) -> String {
        switch format {
        case .text:
            if let text { return text }
            var output = title + "\n"
            if !notes.isEmpty { output += notes.joined(separator: "\n") + "\n" }
            for (_, table) in tables { output += "\n" + table.render() }
            return output
        case .markdown:
            var output = "### \(title)\n\n"
            if !notes.isEmpty { output += notes.joined(separator: "\n\n") + "\n\n" }
            for (_, table) in tables {
                output += MarkdownTable(header: table.headers, alignments: table.alignments, rows: table.rows).render() + "\n"
            }
            return output
        case .json:
            var object: [(key: String, value: JSONValue)] = [("title", .string(title))]
            if !notes.isEmpty { object.append(("notes", .array(notes.map { .string($0) }))) }
            object += members
            for (name, table) in tables {
                let keys = table.headers.map(Self.jsonKey)
                object.append((name, .array(table.rows.map { row in
                    .object(zip(keys, row).map { (key: $0.0, value: JSONValue.string($0.1)) })
                })))
            }
            return JSONWriter.write(.object(object))
        }
    }

    /// `Lasso + exact search` becomes `lasso_exact_search`.
    static func jsonKey(_ header: String) -> String {
        var key = ""
        for character in header.lowercased() {
            if character.isLetter || character.isNumber {
                key.append(character)
            } else if !key.isEmpty && key.last != "_" {
                key.append("_")
            }
        }
        while key.last == "_" { key.removeLast() }
        return key.isEmpty ? "value" : key
    }
}
