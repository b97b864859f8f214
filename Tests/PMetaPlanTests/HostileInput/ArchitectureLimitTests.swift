import Testing
@testable import PMetaPlan

/// Every limit of `ArchitectureLimits` and of the JSON reader is a clear error naming the file and the place.
@Suite struct ArchitectureLimitTests {
    /// The error that reading and costing a document of `layers` on `input` throws, attributed to `t.json`; nil if none.
    func errorText(layers: String, input: String = #"{"shape": [2]}"#) -> String? {
        let text = #"{"format": 1, "name": "t", "input": \#(input), "layers": \#(layers)}"#
        do {
            _ = try CostModel(try ShapedGraph(jsonBytes: Array(text.utf8), file: "t.json"))
            return nil
        } catch {
            return error.inFile("t.json").description
        }
    }

    @Test func namesLongerThan256BytesAreErrors() {
        let longest = String(repeating: "a", count: 256)
        #expect(errorText(layers: #"[{"name": "\#(longest)", "op": "relu"}]"#) == nil)
        #expect(errorText(layers: #"[{"name": "\#(longest)a", "op": "relu"}]"#)?
            .hasPrefix("t.json: layers[0].name: expected a name of letters, digits, '_' and '-', with dots only between parts (not 'input'), at most 256 bytes") == true)
        // 200 + "1." + 100 bytes: each name fits, the full name does not.
        let block = String(repeating: "b", count: 200)
        let layer = String(repeating: "c", count: 100)
        #expect(errorText(layers: #"[{"repeat": 1, "name": "\#(block)", "layers": [{"name": "\#(layer)", "op": "relu"}]}]"#)?
            .hasPrefix("t.json: layers[0].layers[0]: the layer's full name '\(block)1.\(layer)' is longer than 256 bytes") == true)
        // 200 combining marks after an 'a' make one character of 401 bytes: the limit counts bytes.
        let fused = "a" + String(repeating: "\u{301}", count: 200)
        #expect(errorText(layers: #"[{"name": "\#(fused)", "op": "relu"}]"#)?.contains("at most 256 bytes") == true)
    }

    @Test func oddKeysAreQuotedInPathsAndMessagesStayOnOneLine() {
        let text = errorText(layers: #"[{"op": "relu", "ker\nnel": 3}]"#)
        #expect(text?.hasPrefix(#"t.json: layers[0]["ker\nnel"]: unknown field"#) == true, "\(text ?? "no error")")
        let op = errorText(layers: #"[{"op": "re\u0000lu"}]"#)
        #expect(op?.hasPrefix(#"t.json: layers[0].op: unknown op 're\u0000lu'"#) == true, "\(op ?? "no error")")
        let input = errorText(layers: #"[{"op": "relu", "inputs": ["\r\n"]}]"#)
        #expect(input?.hasPrefix(#"t.json: layers[0].inputs[0]: unknown input '\r\n'"#) == true, "\(input ?? "no error")")
        for message in [text, op, input] { #expect(message?.contains("\n") == false) }
    }

    @Test func unknownInputAmongManyLongNamesIsReportedWithoutASuggestion() {
        // 2,000 ReLUs with 100-character names: too long to suggest among, so the message names only the input.
        let name = String(repeating: "n", count: 99)
        let text = errorText(layers: #"[{"op": "linear", "out_features": 2}, {"repeat": 2000, "name": "b", "layers": [{"name": "\#(name)", "op": "relu"}]}, "#
                             + #"{"op": "relu", "inputs": ["b1.\#(name)x"]}]"#)
        #expect(text?.hasPrefix("t.json: layers[2].inputs[0]: unknown input 'b1.\(name.prefix(37))...'; an input must name") == true, "\(text ?? "no error")")
    }
}
