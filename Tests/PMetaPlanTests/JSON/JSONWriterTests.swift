import Testing
@testable import PMetaPlan

@Suite struct JSONWriterTests {
    @Test func writesPrettyTextWithScalarArraysOnOneLine() {
        let value: JSONValue = [
            "name": "4conv",
            "input": [3, 84, 84],
            "ratio": .double(0.25),
            "tags": [],
            "options": [:],
            "layers": [["kind": "conv2d", "bias": true], ["kind": "fc", "note": nil]],
            "nested": [[1, 2], []],
        ]
        #expect(JSONWriter.write(value) == """
        {
          "name": "4conv",
          "input": [3, 84, 84],
          "ratio": 0.25,
          "tags": [],
          "options": {},
          "layers": [
            {
              "kind": "conv2d",
              "bias": true
            },
            {
              "kind": "fc",
              "note": null
            }
          ],
          "nested": [
            [1, 2],
            []
          ]
        }

        """)
    }

    @Test func writesCompactTextWithoutSpacesOrFinalNewline() {
        let value: JSONValue = ["a": [1, [2, 3]], "b": [:], "c": "x y"]
        #expect(JSONWriter.write(value, pretty: false) == #"{"a":[1,[2,3]],"b":{},"c":"x y"}"#)
    }

    @Test func writesScalarsAtTheTopLevel() {
        #expect(JSONWriter.write(7) == "7\n")
        #expect(JSONWriter.write(nil, pretty: false) == "null")
        #expect(JSONWriter.write([], pretty: true) == "[]\n")
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        let text = "q\" b\\ s/ \u{8}\u{C}\n\r\t \u{0}\u{1F} é 😀"
        #expect(JSONWriter.write(.string(text), pretty: false)
            == #""q\" b\\ s/ \b\f\n\r\t \u0000\u001f é 😀""#)
    }

    static let roundTripValues: [JSONValue] = [
        .null, true, 0, .number("-12.5e-3"), .double(1e-9), "",
        "all \u{1} kinds \"of\" \\ text\n😀",
        [], [:], [[[]]], [1, "two", nil, false, [3], ["k": 4]],
        ["": "empty key", "é": ["x": [1, 2, ["deep": [[], [:]]]]], "keys in order": ["b": 1, "a": 2]],
    ]

    @Test(arguments: roundTripValues)
    func readsBackWhatItWrites(value: JSONValue) throws {
        #expect(try JSONParser.parse(JSONWriter.write(value)) == value)
        #expect(try JSONParser.parse(JSONWriter.write(value, pretty: false)) == value)
    }

    @Test func rewritesAParsedDocumentIdentically() throws {
        let text = """
        {
          "shape": [25, 3, 84, 84],
          "weights": 1.50E+3,
          "children": [
            {
              "id": -0
            }
          ]
        }

        """
        #expect(JSONWriter.write(try JSONParser.parse(text)) == text)
    }
}
