import PMetaPlan

/// A value of `model.json` and its JSON path, for error messages that say where and what was expected.
struct ModelFileField {
    let value: JSONValue
    let path: String

    func error(_ message: String) -> DataError { DataError(path: path, message: message) }

    func member(_ key: String) -> ModelFileField? {
        value[key].map { ModelFileField(value: $0, path: path.isEmpty ? key : "\(path).\(key)") }
    }

    func required(_ key: String, _ expected: String) throws(DataError) -> ModelFileField {
        guard value.objectValue != nil else { throw error("expected an object, found \(value.kindDescription)") }
        guard let field = member(key) else { throw error("missing '\(key)': expected \(expected)") }
        return field
    }

    func bool() throws(DataError) -> Bool {
        guard case .bool(let flag) = value else { throw error("expected true or false, found \(value.kindDescription)") }
        return flag
    }

    func string() throws(DataError) -> String {
        guard let text = value.stringValue else { throw error("expected a string, found \(value.kindDescription)") }
        return text
    }

    func integer(in range: ClosedRange<Int>, _ expected: String) throws(DataError) -> Int {
        guard let number = value.integerValue, range.contains(number) else { throw error("expected \(expected), found \(value.kindDescription)") }
        return number
    }

    func number(in range: ClosedRange<Double>, _ expected: String) throws(DataError) -> Double {
        guard let number = value.doubleValue, range.contains(number) else { throw error("expected \(expected), found \(value.kindDescription)") }
        return number
    }

    /// A non-negative integer that may exceed `Int.max` (a 64-bit seed).
    func unsigned(_ expected: String) throws(DataError) -> UInt64 {
        guard case .number(let text) = value, let number = UInt64(text) else {
            throw error("expected \(expected), a whole number from 0 to 2^64 - 1, found \(value.kindDescription)")
        }
        return number
    }
}
