import Testing
@testable import PMetaPlan

@Suite struct JSONValueAccessorTests {
    static let integerTexts: [(String, Int)] = [
        ("0", 0), ("-3", -3), ("84", 84), ("-0", 0),
        ("9223372036854775807", Int.max), ("-9223372036854775808", Int.min),
    ]

    @Test(arguments: integerTexts)
    func readsPlainIntegerText(text: String, expected: Int) {
        #expect(JSONValue.number(text).integerValue == expected)
    }

    @Test(arguments: ["2.0", "1e3", "9223372036854775808", "-9223372036854775809", "+5", "", "-", "0x10"])
    func refusesAnythingButPlainIntegerText(text: String) {
        #expect(JSONValue.number(text).integerValue == nil)
    }

    @Test func otherKindsAreNotIntegers() {
        #expect(JSONValue.string("3").integerValue == nil)
        #expect(JSONValue.bool(true).integerValue == nil)
    }

    @Test func readsDoublesAndRefusesWhatIsNoJSONNumber() {
        #expect(JSONValue.number("0.25").doubleValue == 0.25)
        #expect(JSONValue.number("-1E3").doubleValue == -1000)
        #expect(JSONValue.number("7").doubleValue == 7)
        #expect(JSONValue.number("1e400").doubleValue == nil)
        #expect(JSONValue.number("nan").doubleValue == nil)
        #expect(JSONValue.number("0x10").doubleValue == nil)
        #expect(JSONValue.string("0.5").doubleValue == nil)
    }

    @Test func readsStringsBooleansArraysAndObjects() {
        let object: JSONValue = ["kind": "conv2d", "bias": false, "kernel": [3, 3]]
        #expect(object["kind"]?.stringValue == "conv2d")
        #expect(object["bias"]?.boolValue == false)
        #expect(object["kernel"]?.arrayValue == [3, 3])
        #expect(object["missing"] == nil)
        #expect(object.objectValue?.map(\.key) == ["kind", "bias", "kernel"])
        #expect(JSONValue.array([1])["kind"] == nil)
        #expect(JSONValue.null.stringValue == nil)
        #expect(JSONValue.string("x").boolValue == nil)
        #expect(JSONValue.null.arrayValue == nil)
        #expect(JSONValue.array([]).objectValue == nil)
    }

    static let foundDescriptions: [(JSONValue, String)] = [
        (.number("-3"), "-3"),
        (.string("abc"), "\"abc\""),
        (.string("say \"hi\"\n"), #""say \"hi\"\n""#),
        (.string(String(repeating: "x", count: 40)), "\"" + String(repeating: "x", count: 40) + "\""),
        (.string(String(repeating: "y", count: 41)), "\"" + String(repeating: "y", count: 40) + "...\""),
        (.bool(true), "true"),
        (.bool(false), "false"),
        (.null, "null"),
        (.array([1, 2]), "an array"),
        (.object([]), "an object"),
    ]

    @Test(arguments: foundDescriptions)
    func describesWhatWasFound(value: JSONValue, expected: String) {
        #expect(value.kindDescription == expected)
    }

    @Test func buildsIntegersWithTheirExactText() {
        #expect(JSONValue.integer(-3) == .number("-3"))
        #expect(JSONValue.integer(Int.max) == .number("9223372036854775807"))
        #expect(JSONValue.integer(2_064_416).integerValue == 2_064_416)
    }

    static let shortestTexts: [(Double, String)] = [
        (0.25, "0.25"), (0.1, "0.1"), (2.0, "2.0"), (-0.0, "-0.0"), (1e-4, "0.0001"),
        (1_000_000.0, "1000000.0"), (9_007_199_254_740_992.0, "9007199254740992.0"),
        (1e-5, "1e-5"), (1e16, "1e16"), (-1.5e-7, "-1.5e-7"),
        (1.7976931348623157e308, "1.7976931348623157e308"), (Double.leastNonzeroMagnitude, "5e-324"),
    ]

    @Test(arguments: shortestTexts)
    func buildsDoublesWithTheShortestRoundTrippingText(value: Double, expected: String) throws {
        let number = JSONValue.double(value)
        #expect(number == .number(expected))
        let readBack = try #require(number.doubleValue)
        #expect(readBack.bitPattern == value.bitPattern)
    }

    @Test func literalsBuildTheMatchingCases() {
        let value: JSONValue = ["z": 1, "a": [true, nil, "s"], "m": [:]]
        let expected = JSONValue.object([
            (key: "z", value: .number("1")),
            (key: "a", value: .array([.bool(true), .null, .string("s")])),
            (key: "m", value: .object([])),
        ])
        #expect(value == expected)
    }
}
