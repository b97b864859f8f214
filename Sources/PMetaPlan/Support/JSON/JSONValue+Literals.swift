extension JSONValue: ExpressibleByNilLiteral {
    /// `nil` is `null`.
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    /// `true` and `false` are the JSON literals.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    /// An integer literal is a number with its exact decimal text.
    public init(integerLiteral value: Int) { self = .integer(value) }
}

extension JSONValue: ExpressibleByStringLiteral {
    /// A string literal is a JSON string.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    /// An array literal is a JSON array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// A dictionary literal is a JSON object whose members keep the order they are written in.
    ///
    /// A key written twice is a programming error, as the parser rejects it in files.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var seen = Set<String>()
        for (key, _) in elements {
            precondition(seen.insert(key).inserted, "JSON object literal repeats the key \"\(key)\"")
        }
        self = .object(elements.map { (key: $0.0, value: $0.1) })
    }
}
