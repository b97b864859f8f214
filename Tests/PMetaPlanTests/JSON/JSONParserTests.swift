import Testing
@testable import PMetaPlan

@Suite struct JSONParserTests {
    @Test func readsAnArchitectureShapedDocumentKeepingOrderAndNumberText() throws {
        let text = """
        {
          "name": "4conv",
          "input": [3, 84, 84],
          "learning_rate": 0.0100,
          "big": 12345678901234567890,
          "layers": [{"kind": "conv2d", "bias": true}, {"kind": "fc", "note": null}]
        }
        """
        let value = try JSONParser.parse(text)
        let expected: JSONValue = [
            "name": "4conv",
            "input": [3, 84, 84],
            "learning_rate": .number("0.0100"),
            "big": .number("12345678901234567890"),
            "layers": [["kind": "conv2d", "bias": true], ["kind": "fc", "note": nil]],
        ]
        #expect(value == expected)
        #expect(value.objectValue?.map(\.key) == ["name", "input", "learning_rate", "big", "layers"])
    }

    @Test(arguments: [
        ("0", JSONValue.number("0")),
        ("-0", .number("-0")),
        ("-12.50e+003", .number("-12.50e+003")),
        ("1E-7", .number("1E-7")),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("null", .null),
        ("\"\"", .string("")),
        ("[]", .array([])),
        ("{}", .object([])),
        (" \t\r\n [ ] \n", .array([])),
    ])
    func readsEveryKindOfScalarAndEmptyContainer(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
    }

    @Test(arguments: [
        (#""a\"b\\c\/d""#, "a\"b\\c/d"),
        (#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t"),
        (#""\u00e9\u00E9 \u0000""#, "éé \u{0}"),
        (#""\ud83d\ude00 = 😀""#, "😀 = 😀"),
        (#""plain ascii""#, "plain ascii"),
        ("\"ünïcödé 中文\"", "ünïcödé 中文"),
    ])
    func decodesEscapesAndUTF8InStrings(text: String, expected: String) throws {
        #expect(try JSONParser.parse(text) == .string(expected))
    }

    @Test func skipsAUTF8ByteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("[1]".utf8)
        #expect(try JSONParser.parse(bytes: bytes) == [1])
    }

    @Test func acceptsNestingUpToTheMaximumDepth() throws {
        let text = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        var value = try JSONParser.parse(text)
        var depth = 0
        while let elements = value.arrayValue {
            depth += 1
            value = elements.first ?? .null
        }
        #expect(depth == 256)
        #expect(try JSONParser.parse("[[1]]", maximumDepth: 2) == [[1]])
        #expect(try JSONParser.parse("7", maximumDepth: 0) == 7)
    }

    @Test func hostileNestingThrowsInsteadOfOverflowingTheStack() {
        let text = String(repeating: "[", count: 1_000_000)
        #expect(throws: JSONSyntaxError(line: 1, column: 257,
                                        message: "arrays and objects nest deeper than the limit of 256")) {
            try JSONParser.parse(text)
        }
        #expect(throws: JSONSyntaxError(line: 1, column: 7,
                                        message: "arrays and objects nest deeper than the limit of 2")) {
            try JSONParser.parse(#"{"a":[{}]}"#, maximumDepth: 2)
        }
    }

    @Test func readsALongFlatArray() throws {
        let count = 20_000
        let text = "[" + (0..<count).map { "{\"id\": \($0), \"name\": \"layer\($0)\"}" }.joined(separator: ",") + "]"
        let elements = try #require(try JSONParser.parse(text).arrayValue)
        #expect(elements.count == count)
        #expect(elements[12_345]["id"]?.integerValue == 12_345)
        #expect(elements[12_345]["name"]?.stringValue == "layer12345")
    }

    @Test func documentWithMoreValuesThanTheLimitIsALocatedError() throws {
        #expect(try JSONParser.parse("[[1], 2]", maximumValues: 4).arrayValue?.count == 2)
        #expect(throws: JSONSyntaxError(line: 1, column: 7, message: "the document holds more than 3 values")) {
            try JSONParser.parse("[[1], 2]", maximumValues: 3)
        }
    }
}
