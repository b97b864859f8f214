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

    @Test func moreThanAHundredThousandLayersIsAnError() {
        // 10 x 10,000 ReLUs after one fc: layer 100,001 is one too many.
        let text = errorText(layers: #"[{"op": "linear", "out_features": 2}, {"repeat": 10, "layers": [{"repeat": 10000, "layers": [{"op": "relu"}]}]}]"#)
        #expect(text == "t.json: layers[1].layers[0].layers[0]: the network has more than 100000 layers")
    }

    @Test func moreThanAMillionInputReferencesIsAnError() {
        // 1,000 adds of 1,001 inputs each: 999 of them make 999,999 references, the 1,000th would pass 1,000,000.
        let inputs = Array(repeating: #""$in""#, count: 1_001).joined(separator: ", ")
        let text = errorText(layers: #"[{"repeat": 1000, "layers": [{"op": "add", "inputs": [\#(inputs)]}]}]"#)
        #expect(text == "t.json: layers[0].layers[0].inputs: the network has more than 1000000 input references in all")
    }

    @Test func repeatLimitsAreErrors() {
        #expect(errorText(layers: #"[{"repeat": 10001, "layers": [{"op": "relu"}]}]"#)
                == "t.json: layers[0].repeat: expected a repeat count from 1 to 10000, found 10001")
        let values = (0...10_000).map(String.init).joined(separator: ", ")
        #expect(errorText(layers: #"[{"repeat": {"w": [\#(values)]}, "layers": [{"op": "relu"}]}]"#)
                == "t.json: layers[0].repeat.w: expected at most 10000 iterations, found 10001")
        let nested = String(repeating: #"{"repeat": 1, "layers": ["#, count: 9) + #"{"op": "relu"}"# + String(repeating: "]}", count: 9)
        #expect(errorText(layers: "[\(nested)]")
                == "t.json: " + String(repeating: "layers[0].", count: 9) + "repeat: repeats are nested more than 8 deep")
        let variables = (1...33).map { #""v\#($0)": [1]"# }.joined(separator: ", ")
        #expect(errorText(layers: #"[{"repeat": {\#(variables)}, "layers": [{"op": "relu"}]}]"#)
                == "t.json: layers[0].repeat: expected at most 32 variables, found 33")
    }

    @Test func repeatValuesAreScalarsOrPairs() {
        #expect(errorText(layers: #"[{"repeat": {"k": [[3, 1, 2]]}, "layers": [{"op": "relu"}]}]"#)
                == "t.json: layers[0].repeat.k[0]: expected a number, a string, true or false, or a pair of them like [3, 1], found an array")
        #expect(errorText(layers: #"[{"repeat": {"k": [{"a": 1}]}, "layers": [{"op": "relu"}]}]"#)
                == "t.json: layers[0].repeat.k[0]: expected a number, a string, true or false, or a pair of them like [3, 1], found an object")
        #expect(errorText(layers: #"[{"repeat": {"k": [[3, 1]]}, "layers": [{"op": "max_pool", "kernel": "$k"}]}]"#, input: #"{"shape": [1, 4, 4]}"#) == nil)
    }

    @Test func dimensionsAndWindowsBeyondTheLimitsAreErrors() {
        #expect(errorText(layers: #"[{"op": "relu"}]"#, input: #"{"shape": [1073741825]}"#)
                == "t.json: input.shape[0]: expected a positive integer dimension, found 1073741825")
        #expect(errorText(layers: #"[{"op": "linear", "out_features": 1073741825}]"#)
                == "t.json: layers[0].out_features: expected a positive integer, found 1073741825")
        #expect(errorText(layers: #"[{"op": "conv2d", "out_channels": 1, "kernel": 65537}]"#, input: #"{"shape": [1, 4, 4]}"#)
                == "t.json: layers[0].kernel: expected a positive integer or [height, width], found 65537")
        #expect(errorText(layers: #"[{"op": "relu"}]"#, input: #"{"shape": [1, 2, 3, 4]}"#)
                == "t.json: input.shape: expected 1 to 3 dimensions ([C, H, W] or [features]), found 4")
        #expect(errorText(layers: #"[{"op": "relu"}]"#, input: #"{"shape": [2], "element_bytes": 17}"#)
                == "t.json: input.element_bytes: expected a byte count from 1 to 16, found 17")
    }

    @Test func productsBeyondSixtyFourBitsNameTheLayer() {
        // 2^30 x 2^30 x 2^30 elements do not fit in 64 bits.
        #expect(errorText(layers: #"[{"op": "relu"}]"#, input: #"{"shape": [1073741824, 1073741824, 1073741824]}"#)
                == "t.json: input.shape: [1073741824, 1073741824, 1073741824] has more elements than fit in 64 bits")
        // 2^30 x 2^30 weights of 2^16 x 2^16 kernels on a 2^30-channel image.
        let text = errorText(layers: #"[{"op": "conv2d", "out_channels": 1073741824, "kernel": 65536}]"#,
                             input: #"{"shape": [1073741824, 65536, 65536]}"#)
        #expect(text?.hasPrefix("t.json: layers[0]: layer 'conv1': weight elements: the value does not fit in a 64-bit integer") == true, "\(text ?? "no error")")
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

    @Test func jsonNestedDeeperThan256IsALocatedError() {
        let text = errorText(layers: String(repeating: "[", count: 300) + String(repeating: "]", count: 300))
        #expect(text == "t.json: line 1, column 318: arrays and objects nest deeper than the limit of 256")
    }

    @Test func moreThanFourMillionJSONValuesIsALocatedError() {
        // The object, "input" and "shape" and 3,999,998 zeros: the last zero, at column 21 + 2 x 3,999,997 + 1, is one too many.
        let text = #"{"input": {"shape": ["# + String(repeating: "0,", count: 3_999_997) + "0]}}"
        #expect(throws: DataError(file: "t.json", path: "line 1, column 8000016", message: "the document holds more than 4,000,000 values")) {
            try ArchitectureGraph(jsonBytes: Array(text.utf8), file: "t.json")
        }
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
