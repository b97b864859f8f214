/// Breaking text into lines of a terminal's width: help paragraphs by words, plan lists by their items.
public enum TextWrapping {
    /// The widest line a text report prints where it can break one (plan lists, the sweep's table): wide enough for
    /// a table's figures beside a readable plan, narrow enough for a terminal split in two.
    public static let reportWidth = 120

    /// Lines of at most `width` characters built from `tokens`, the first after `firstLinePrefix` and the
    /// others after `continuationIndent` spaces.
    ///
    /// A space separates the prefix from the first token unless the prefix is empty or ends with a space.
    /// Tokens are never split: one longer than a line gets a line of its own.
    /// - Complexity: O(total length of the tokens).
    public static func lines(_ tokens: [String], firstLinePrefix: String, continuationIndent: Int, width: Int = 80) -> [String] {
        var lines: [String] = []
        var line = firstLinePrefix
        var lineHasToken = false
        var needsSeparator = !(firstLinePrefix.isEmpty || firstLinePrefix.hasSuffix(" "))
        for token in tokens where !token.isEmpty {
            if lineHasToken && line.count + 1 + token.count > width {
                lines.append(line)
                line = String(repeating: " ", count: continuationIndent)
                needsSeparator = false
            }
            line += (needsSeparator ? " " : "") + token
            lineHasToken = true
            needsSeparator = true
        }
        lines.append(line)
        return lines
    }

    /// The words of a sentence, split at spaces.
    private static func words(_ text: String) -> [String] {
        text.split(separator: " ").map(String.init)
    }

    /// The items of a list such as a compact plan (`k=1: block2: conv 1/2, bn 1; fc 1 | k=2: fc 1`), each kept whole:
    /// a line breaks only after a `,` or `;` or around a `|`, never between a layer and its ratio.
    public static func listItems(_ text: String) -> [String] {
        var items: [String] = []
        for word in text.split(separator: " ").map(String.init) {
            if let last = items.last, !(last.hasSuffix(",") || last.hasSuffix(";") || last == "|" || word == "|") {
                items[items.count - 1] = last + " " + word
            } else {
                items.append(word)
            }
        }
        return items
    }

    /// The words of a report sentence, with the places a line must not break glued: a figure and its unit
    /// (`409.60 kB`, `2.68 GMAC`) and a lone operator with both neighbours (`w_after - w_received`, `TinyMetaFed / full`).
    public static func proseWords(_ text: String) -> [String] {
        var glued: [String] = []
        var glueNext = false
        for word in words(text) {
            let isOperator = operators.contains(word)
            let isUnitOfFigure = units.contains(word.trimmingTrailingPunctuation)
                && (glued.last?.last?.isNumber ?? false)
            if let last = glued.last, glueNext || isOperator || isUnitOfFigure {
                glued[glued.count - 1] = last + " " + word
            } else {
                glued.append(word)
            }
            glueNext = isOperator
        }
        return glued
    }

    private static let operators: Set<String> = ["-", "+", "/", "=", "x", "~", "<", ">", "<=", ">="]
    private static let units: Set<String> = [
        "B", "kB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "MAC", "kMAC", "MMAC", "GMAC", "TMAC", "%", "s", "ms",
    ]

    /// Report lines with each prose line longer than `width` wrapped at words, its continuation indented two spaces
    /// past the line's own indent; a line whose text holds two spaces in a row is a table row, and a row is never
    /// broken (its columns would no longer line up).
    /// - Complexity: O(total length of the lines).
    public static func wrappingProse(_ lines: [String], width: Int = reportWidth) -> [String] {
        lines.flatMap { line -> [String] in
            let indent = line.prefix { $0 == " " }
            let text = line.dropFirst(indent.count)
            guard line.count > width, !text.contains("  ") else { return [line] }
            return Self.lines(proseWords(String(text)), firstLinePrefix: String(indent), continuationIndent: indent.count + 2, width: width)
        }
    }

    /// `text` with its long prose lines wrapped as `wrappingProse(_:width:)` wraps lines.
    public static func wrappingProse(_ text: String, width: Int = reportWidth) -> String {
        wrappingProse(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), width: width)
            .joined(separator: "\n")
    }
}

private extension String {
    /// The word without the punctuation a sentence puts after it (`kB,` -> `kB`, `MB).` -> `MB`).
    var trimmingTrailingPunctuation: String {
        var word = Substring(self)
        while let last = word.last, ",.;:)".contains(last) { word = word.dropLast() }
        return String(word)
    }
}
