// Stand-in until the JSON parser branch lands; deleted at merge.
extension JSONValue {
    var integerValue: Int? { if case .number(let t) = self { return Int(t) }; return nil }
    var doubleValue: Double? { if case .number(let t) = self { return Double(t) }; return nil }
    var stringValue: String? { if case .string(let t) = self { return t }; return nil }
    var boolValue: Bool? { if case .bool(let t) = self { return t }; return nil }
    var arrayValue: [JSONValue]? { if case .array(let t) = self { return t }; return nil }
    var objectValue: [(key: String, value: JSONValue)]? { if case .object(let t) = self { return t }; return nil }
    subscript(key: String) -> JSONValue? { objectValue?.first { $0.key == key }?.value }
    var kindDescription: String { "\(self)" }
}
