/// A JSON value with the path that leads to it, so every decoding error can say where it happened.
struct JSONField {
    /// The value.
    var value: JSONValue
    /// `layers[7].kernel`.
    var path: String

    /// An error at this field.
    func error(_ message: String) -> DataError {
        DataError(path: path, message: message)
    }

    /// The member `key` of this object, if present.
    func member(_ key: String) -> JSONField? {
        guard let found = value[key] else { return nil }
        return JSONField(value: found, path: memberPath(key))
    }

    /// The path of member `key`: `layers[0].kernel`, or `layers[0]["odd key"]` for a key that is not a plain
    /// ASCII name (quoted, escaped and cut as `kindDescription` shows strings, so a path is one short line).
    func memberPath(_ key: String) -> String {
        let isPlain = !key.isEmpty && key.utf8.count <= 40 && key.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard isPlain else { return "\(path)[\(JSONValue.string(key).kindDescription)]" }
        return path.isEmpty ? key : "\(path).\(key)"
    }

    /// The member `key`, which must be present.
    func required(_ key: String, _ expectation: String) throws(DataError) -> JSONField {
        guard value.objectValue != nil else { throw error("expected an object, found \(value.kindDescription)") }
        guard let field = member(key) else {
            throw DataError(path: memberPath(key), message: "missing; expected \(expectation)")
        }
        return field
    }

    /// The elements of this array.
    func elements(_ expectation: String) throws(DataError) -> [JSONField] {
        guard let array = value.arrayValue else { throw error("expected \(expectation), found \(value.kindDescription)") }
        return array.enumerated().map { JSONField(value: $1, path: "\(path)[\($0)]") }
    }

    /// The members of this object, in file order.
    func members() throws(DataError) -> [(key: String, field: JSONField)] {
        guard let object = value.objectValue else { throw error("expected an object, found \(value.kindDescription)") }
        return object.map { (key: $0.key, field: JSONField(value: $0.value, path: memberPath($0.key))) }
    }

    /// This value as a string.
    func string() throws(DataError) -> String {
        guard let text = value.stringValue else { throw error("expected a string, found \(value.kindDescription)") }
        return text
    }

    /// This value as a boolean.
    func bool() throws(DataError) -> Bool {
        guard let flag = value.boolValue else { throw error("expected true or false, found \(value.kindDescription)") }
        return flag
    }

    /// This value as an integer in `range`, described as `expectation` in errors.
    func integer(in range: ClosedRange<Int>, _ expectation: String) throws(DataError) -> Int {
        guard let number = value.integerValue, range.contains(number) else {
            throw error("expected \(expectation), found \(value.kindDescription)")
        }
        return number
    }

    /// This value as a finite number in `range`.
    func number(in range: ClosedRange<Double>, _ expectation: String) throws(DataError) -> Double {
        guard let number = value.doubleValue, number.isFinite, range.contains(number) else {
            throw error("expected \(expectation), found \(value.kindDescription)")
        }
        return number
    }
}
