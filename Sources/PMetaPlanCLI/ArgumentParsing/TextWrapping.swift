import PMetaPlan
/// Lines of at most `width` characters built from `tokens`, the first after `firstLinePrefix` and the
/// others after `continuationIndent` spaces.
///
/// A space separates the prefix from the first token unless the prefix is empty or ends with a space.
/// Tokens are never split: one longer than a line gets a line of its own.
/// - Complexity: O(total length of the tokens).
func wrapped(_ tokens: [String], firstLinePrefix: String, continuationIndent: Int, width: Int = 80) -> [String] {
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
func words(_ text: String) -> [String] {
    text.split(separator: " ").map(String.init)
}
