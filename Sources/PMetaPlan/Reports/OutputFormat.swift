/// How a command prints its result.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// Aligned text for a terminal.
    case text
    /// Stable keys and exact integers, for CI and scripts.
    case json
    /// GitHub-flavoured markdown, for pull requests and reports.
    case markdown
}
