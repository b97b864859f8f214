/// GitHub Actions workflow commands (`::error file=...,line=...::message`), escaped as the runner expects.
enum GitHubAnnotation {
    /// A message: `%`, CR and LF percent-encoded.
    static func escapedData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// A property value (`file=`, `title=`): also `:` and `,`.
    static func escapedProperty(_ text: String) -> String {
        escapedData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// The annotation of a bad-input error (exit 65): `Error: FILE: line L, column C: ...` becomes
    /// `::error file=FILE,line=L,col=C,title=pmeta-plan: bad input::...`; without a line and column the annotation
    /// points at line 1, column 1 of the file.
    /// - Parameter message: The one-line message, starting with the file name.
    static func badInput(_ message: String) -> String {
        var file = ""
        var rest = Substring(message)
        if let separator = message.range(of: ": ") {
            file = String(message[..<separator.lowerBound])
            rest = message[separator.upperBound...]
        }
        var line = 1
        var column = 1
        if rest.hasPrefix("line "), let comma = rest.range(of: ", column "), let end = rest[comma.upperBound...].range(of: ": "),
           let parsedLine = Int(rest[rest.index(rest.startIndex, offsetBy: 5)..<comma.lowerBound]),
           let parsedColumn = Int(rest[comma.upperBound..<end.lowerBound]) {
            (line, column) = (parsedLine, parsedColumn)
            rest = rest[end.upperBound...]
        }
        return "::error file=\(escapedProperty(file)),line=\(line),col=\(column),title=pmeta-plan%3A bad input::\(escapedData(String(rest)))\n"
    }
}
