/// A parsed JSON document that keeps what a careful reader of hand-written files needs:
/// object keys in file order, numbers as written (so integers stay exact), and where each value stood.
public indirect enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// A number as written in the file (`"-3"`, `"0.25"`, `"1e3"`); see `JSONValue.integer` and `JSONValue.double`.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Key-value pairs in file order (duplicate keys are rejected by the parser).
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(1); hasher.combine(value)
        case .number(let text): hasher.combine(2); hasher.combine(text)
        case .string(let text): hasher.combine(3); hasher.combine(text)
        case .array(let values): hasher.combine(4); hasher.combine(values)
        case .object(let pairs):
            hasher.combine(5)
            for pair in pairs { hasher.combine(pair.key); hasher.combine(pair.value) }
        }
    }
}
