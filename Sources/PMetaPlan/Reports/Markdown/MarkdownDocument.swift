/// A markdown document built block by block, rendered to the same text every time.
///
/// ```swift
/// var report = MarkdownDocument()
/// report.heading("Memory plan for ResNet-12")
/// report.paragraph("The plan fits a **256 kB** budget.")
/// report.image(altText: "Live memory over one step", path: "charts/timeline.svg")
/// report.table(table)
/// let text = report.render()
/// ```
public struct MarkdownDocument: Hashable, Sendable {
    /// One block of the document.
    public enum Block: Hashable, Sendable {
        /// A heading of level 1 to 6.
        case heading(level: Int, text: String)
        /// A paragraph of markdown text, written as given.
        case paragraph(String)
        /// A fenced code block, with an optional language for highlighting.
        case codeBlock(language: String?, code: String)
        /// An image, such as a chart written beside the document.
        case image(altText: String, path: String, title: String?)
        /// A bullet list; items may span several lines.
        case bulletList([String])
        /// A table.
        case table(MarkdownTable)
    }

    /// The blocks in order.
    public private(set) var blocks: [Block] = []

    /// Creates an empty document.
    public init() {}

    /// Appends a heading.
    /// - Parameters:
    ///   - text: The heading text; line breaks become spaces.
    ///   - level: 1 (`#`) to 6 (`######`).
    public mutating func heading(_ text: String, level: Int = 1) {
        precondition((1...6).contains(level), "MarkdownDocument.heading needs a level from 1 to 6, got \(level)")
        blocks.append(.heading(level: level, text: text))
    }

    /// Appends a paragraph of markdown text, written as given (so `**bold**` stays bold).
    /// - Parameter text: The paragraph.
    public mutating func paragraph(_ text: String) {
        blocks.append(.paragraph(text))
    }

    /// Appends a fenced code block; the fence is longer than any run of backticks in `code`.
    /// - Parameters:
    ///   - code: The code, written verbatim.
    ///   - language: The language for highlighting, such as `json`, or `nil`.
    public mutating func codeBlock(_ code: String, language: String? = nil) {
        blocks.append(.codeBlock(language: language, code: code))
    }

    /// Appends an image on a line of its own.
    /// - Parameters:
    ///   - altText: The description read when the image cannot be seen.
    ///   - path: The image's relative path or URL; spaces and parentheses are percent-encoded.
    ///   - title: Hover text, or `nil`.
    public mutating func image(altText: String, path: String, title: String? = nil) {
        blocks.append(.image(altText: altText, path: path, title: title))
    }

    /// Appends a bullet list.
    /// - Parameter items: The items; an item's later lines are indented under its first.
    public mutating func bulletList(_ items: [String]) {
        blocks.append(.bulletList(items))
    }

    /// Appends a table.
    /// - Parameter table: The table.
    public mutating func table(_ table: MarkdownTable) {
        blocks.append(.table(table))
    }

    /// The document as markdown: blocks separated by one blank line, ending with a single newline.
    /// - Complexity: O(n) in the length of the output.
    public func render() -> String {
        guard !blocks.isEmpty else { return "" }
        return blocks.map(Self.render).joined(separator: "\n\n") + "\n"
    }

    /// One block, without a trailing newline.
    private static func render(_ block: Block) -> String {
        switch block {
        case .heading(let level, let text):
            let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
            return String(repeating: "#", count: level) + " " + flat
        case .paragraph(let text):
            return trimmingTrailingNewlines(text)
        case .codeBlock(let language, let code):
            let fence = String(repeating: "`", count: max(3, longestBacktickRun(in: code) + 1))
            return fence + (language ?? "") + "\n" + trimmingTrailingNewlines(code) + "\n" + fence
        case .image(let altText, let path, let title):
            var destination = encodedPath(path)
            if let title {
                destination +=
                    " \""
                    + title.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "\"", with: "\\\"") + "\""
            }
            return "![\(escapedAltText(altText))](\(destination))"
        case .bulletList(let items):
            return items.map { item in
                let lines = trimmingTrailingNewlines(item).split(separator: "\n", omittingEmptySubsequences: false)
                return "- " + lines.joined(separator: "\n  ")
            }.joined(separator: "\n")
        case .table(let table):
            return trimmingTrailingNewlines(table.render())
        }
    }

    private static func trimmingTrailingNewlines(_ text: String) -> String {
        var result = Substring(text)
        while result.last?.isNewline == true { result = result.dropLast() }
        return String(result)
    }

    private static func longestBacktickRun(in text: String) -> Int {
        var longest = 0
        var current = 0
        for character in text {
            current = character == "`" ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }

    /// Alt text with the characters that would end or nest the brackets escaped.
    private static func escapedAltText(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\\", "[", "]": result += "\\" + String(character)
            case "\n", "\r", "\r\n": result += " "
            default: result.append(character)
            }
        }
        return result
    }

    /// A link destination with the characters that would end it percent-encoded.
    private static func encodedPath(_ path: String) -> String {
        var result = ""
        for character in path {
            switch character {
            case " ": result += "%20"
            case "(": result += "%28"
            case ")": result += "%29"
            case "<": result += "%3C"
            case ">": result += "%3E"
            default: result.append(character)
            }
        }
        return result
    }
}
