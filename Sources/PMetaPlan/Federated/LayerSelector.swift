import Foundation

/// A list of layer names with a trailing `*` wildcard, as `--local` takes it: `head`, `block4.*,head`.
public struct LayerSelector: Hashable, Sendable, CustomStringConvertible {
    /// One entry of the list.
    public enum Pattern: Hashable, Sendable, CustomStringConvertible {
        /// Exactly this name.
        case name(String)
        /// Every name starting with this prefix (written `prefix*`).
        case prefix(String)

        /// Whether `name` matches.
        public func matches(_ name: String) -> Bool {
            switch self {
            case .name(let exact): name == exact
            case .prefix(let prefix): name.hasPrefix(prefix)
            }
        }

        /// `head` or `block4.*`.
        public var description: String {
            switch self {
            case .name(let exact): exact
            case .prefix(let prefix): prefix + "*"
            }
        }
    }

    /// The patterns in the order written.
    public var patterns: [Pattern]

    /// Creates a selector.
    public init(_ patterns: [Pattern]) {
        self.patterns = patterns
    }

    /// Reads a comma-separated list of names, each optionally ending in `*`; spaces around names are ignored.
    /// - Throws: `LayerSelectorSyntaxError` for an empty list or entry, or a `*` before the end of a name.
    public init(parsing text: String) throws(LayerSelectorSyntaxError) {
        var patterns: [Pattern] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = part.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty else {
                throw LayerSelectorSyntaxError(text: text, problem: "an empty entry; write names separated by commas, e.g. block4.*,head")
            }
            let stars = entry.filter { $0 == "*" }.count
            if stars == 0 {
                patterns.append(.name(entry))
            } else if stars == 1 && entry.hasSuffix("*") {
                patterns.append(.prefix(String(entry.dropLast())))
            } else {
                throw LayerSelectorSyntaxError(text: text, problem: "'\(entry)': a '*' may only end a name, as in block4.*")
            }
        }
        self.init(patterns)
    }

    /// Whether any pattern matches `name`.
    public func matches(_ name: String) -> Bool { patterns.contains { $0.matches(name) } }

    /// The list as written: `block4.*,head`.
    public var description: String { patterns.map(\.description).joined(separator: ",") }
}
