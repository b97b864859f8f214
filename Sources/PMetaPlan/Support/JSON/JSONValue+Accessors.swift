extension JSONValue {
    /// The value as an `Int`, only when it is a number written as a plain integer (`-3`, `84`) that fits.
    ///
    /// `2.0` and `1e3` give nil: a size or a channel count written with a point is more likely a slip
    /// than a choice, and saying so beats guessing.
    public var integerValue: Int? {
        guard case .number(let text) = self else { return nil }
        let digits = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        guard !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return Int(text)
    }

    /// The value as the nearest `Double`, for any number whose magnitude a `Double` can hold; nil otherwise.
    public var doubleValue: Double? {
        guard case .number(let text) = self, JSONNumberGrammar.isNumber(text),
              let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The text of a string value; nil for anything else.
    public var stringValue: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// The flag of `true` or `false`; nil for anything else.
    public var boolValue: Bool? {
        guard case .bool(let flag) = self else { return nil }
        return flag
    }

    /// The elements of an array; nil for anything else.
    public var arrayValue: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    /// The members of an object in file order; nil for anything else.
    public var objectValue: [(key: String, value: JSONValue)]? {
        guard case .object(let members) = self else { return nil }
        return members
    }

    /// The value of the member named `key`; nil when this is not an object or has no such member.
    /// - Complexity: O(n) in the number of members.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }
}
