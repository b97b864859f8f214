import Testing
@testable import PMetaPlan

/// One malformed document and the exact error a user sees for it.
struct MalformedJSON: Sendable, CustomTestStringConvertible {
    var text: String
    var description: String
    var testDescription: String { text.debugDescription }

    init(_ text: String, _ description: String) {
        self.text = text
        self.description = description
    }
}

@Suite struct JSONParserErrorTests {
    @Test func describesTheLineAndColumnFirst() {
        let error = JSONSyntaxError(line: 3, column: 17, message: "expected ',' or '}' after an object member")
        #expect(error.description == "line 3, column 17: expected ',' or '}' after an object member")
    }

    static let structureCases: [MalformedJSON] = [
        .init("", "line 1, column 1: the file is empty"),
        .init(" \n  ", "line 2, column 3: the file is empty"),
        .init("{\n  \"a\": 1,\n  \"b\": 2 \"c\": 3\n}", "line 3, column 10: expected ',' or '}' after an object member"),
        .init("[1 2]", "line 1, column 4: expected ',' or ']' after an array element"),
        .init("[1}", "line 1, column 3: expected ',' or ']' after an array element"),
        .init("[1,]", "line 1, column 3: trailing comma: remove the ',' before ']'"),
        .init("{\"a\": 1,\n}", "line 1, column 8: trailing comma: remove the ',' before '}'"),
        .init("{\"a\": 1} x", "line 1, column 10: unexpected 'x' after the top-level value; a JSON file holds exactly one value"),
        .init("[1]]", "line 1, column 4: unexpected ']' after the top-level value; a JSON file holds exactly one value"),
        .init("{\"name\": 1, \"kind\": 2,\n \"name\": 3}",
              "line 2, column 2: duplicate key \"name\" (first written at line 1, column 2)"),
        .init("{\"a\" 1}", "line 1, column 6: expected ':' after the key \"a\""),
        .init("{a: 1}", "line 1, column 2: expected a string key or '}', found 'a' (object keys are written in double quotes)"),
        .init("{\"a\": 1, 2}", "line 1, column 10: expected a string key after ','"),
        .init("[,]", "line 1, column 2: expected a value or ']', found ','"),
        .init("]", "line 1, column 1: expected a value, found ']'"),
        .init("{\"a\": }", "line 1, column 7: expected a value after ':', found '}'"),
        .init("['a']", "line 1, column 2: expected a value or ']', found ''' (JSON strings are written in double quotes)"),
        .init("// note\n{}", "line 1, column 1: expected a value, found '/' (JSON has no comments)"),
        .init("[.5]", "line 1, column 2: expected a value or ']', found '.' (JSON numbers need a digit before the point, as in 0.5)"),
        .init("[+1]", "line 1, column 2: expected a value or ']', found '+' (JSON numbers have no '+' sign)"),
        .init("[True]", "line 1, column 2: unknown word 'True'; the only JSON words are true, false and null"),
        .init("[nullx]", "line 1, column 2: unknown word 'nullx'; the only JSON words are true, false and null"),
    ]

    @Test(arguments: structureCases)
    func reportsStructuralMistakes(_ example: MalformedJSON) {
        expectError(example)
    }

    static let truncationCases: [MalformedJSON] = [
        .init("{", "line 1, column 2: unexpected end of file, expected a string key or '}'"),
        .init("[", "line 1, column 2: unexpected end of file, expected a value or ']'"),
        .init("[1,", "line 1, column 4: unexpected end of file, expected a value after ','"),
        .init("{\"a\":", "line 1, column 6: unexpected end of file, expected a value after ':'"),
        .init("{\"a\"", "line 1, column 5: unexpected end of file, expected ':' after the key \"a\""),
        .init("{\"a\": 1", "line 1, column 8: unexpected end of file, expected ',' or '}' after an object member"),
        .init("[1\n", "line 2, column 1: unexpected end of file, expected ',' or ']' after an array element"),
        .init("[\"ab", "line 1, column 5: unexpected end of file, expected the closing '\"' of the string that starts at line 1, column 2"),
        .init("\"\\", "line 1, column 3: unexpected end of file, expected an escape character after '\\'"),
        .init("\"\\u12", "line 1, column 6: unexpected end of file, expected 4 hex digits after '\\u'"),
        .init("tr", "line 1, column 3: unexpected end of file, expected 'true'"),
        .init("-", "line 1, column 2: unexpected end of file, expected a digit after '-'"),
        .init("1.", "line 1, column 3: unexpected end of file, expected a digit after the decimal point"),
        .init("1e+", "line 1, column 4: unexpected end of file, expected a digit in the exponent"),
    ]

    @Test(arguments: truncationCases)
    func reportsTruncatedInput(_ example: MalformedJSON) {
        expectError(example)
    }

    static let scalarCases: [MalformedJSON] = [
        .init("01", "line 1, column 1: numbers cannot start with a leading zero ('01')"),
        .init("[-007]", "line 1, column 2: numbers cannot start with a leading zero ('-007')"),
        .init("[1.e5]", "line 1, column 4: expected a digit after the decimal point"),
        .init("NaN", "line 1, column 1: 'NaN' is not a JSON number: JSON numbers must be finite"),
        .init("[-Infinity]", "line 1, column 2: '-Infinity' is not a JSON number: JSON numbers must be finite"),
        .init("\"a\\x\"", "line 1, column 3: invalid escape '\\x' in a string; the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX"),
        .init("\"\\u12G4\"", "line 1, column 2: invalid escape: '\\u' must be followed by 4 hex digits, found 'G'"),
        .init("\"\\ud800\"", "line 1, column 2: lone surrogate \\uD800 in a string: it needs a low surrogate \\uDC00-\\uDFFF after it"),
        .init("\"\\ud800\\u0041\"", "line 1, column 2: lone surrogate \\uD800 in a string: it needs a low surrogate \\uDC00-\\uDFFF after it"),
        .init("\"x\\uDC00\"", "line 1, column 3: lone surrogate \\uDC00 in a string: it needs a high surrogate \\uD800-\\uDBFF before it"),
        .init("\"a\tb\"", "line 1, column 3: control character U+0009 must be escaped in a string (write \\t)"),
        .init("\"a\u{1F}\"", "line 1, column 3: control character U+001F must be escaped in a string (write \\u001f)"),
        .init("{\"a\": \"open\n}", "line 1, column 12: line break inside a string; is a closing '\"' missing? (write \\n for a line break)"),
        .init("[\"é\", é]", "line 1, column 7: expected a value after ',', found 'é' (U+00E9)"),
    ]

    @Test(arguments: scalarCases)
    func reportsBadNumbersStringsAndWords(_ example: MalformedJSON) {
        expectError(example)
    }

    @Test(arguments: [
        ([0x22, 0xFF, 0x22], "line 1, column 2: invalid UTF-8 byte 0xFF; the file must be UTF-8"),
        ([0x22, 0xC0, 0xAF, 0x22], "line 1, column 2: invalid UTF-8 byte 0xC0; the file must be UTF-8"),
        ([0x22, 0xED, 0xA0, 0x80, 0x22], "line 1, column 2: invalid UTF-8 byte 0xED; the file must be UTF-8"),
        ([0x22, 0xE2, 0x82, 0x22], "line 1, column 2: invalid UTF-8 byte 0xE2; the file must be UTF-8"),
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "line 1, column 2: invalid UTF-8 byte 0xF4; the file must be UTF-8"),
        ([0x5B, 0x80, 0x5D], "line 1, column 2: invalid UTF-8 byte 0x80; the file must be UTF-8"),
    ] as [([UInt8], String)])
    func rejectsInvalidUTF8(bytes: [UInt8], description: String) {
        do {
            _ = try JSONParser.parse(bytes: bytes)
            Issue.record("expected an error for \(bytes)")
        } catch {
            #expect(String(describing: error) == description)
        }
    }

    @Test func countsColumnsInCharactersNotBytes() {
        expectError(.init("{\"名前\": 1 2}", "line 1, column 10: expected ',' or '}' after an object member"))
    }

    private func expectError(_ example: MalformedJSON, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let value = try JSONParser.parse(example.text)
            Issue.record("expected an error, parsed \(value)", sourceLocation: sourceLocation)
        } catch {
            #expect(String(describing: error) == example.description, sourceLocation: sourceLocation)
        }
    }
}
