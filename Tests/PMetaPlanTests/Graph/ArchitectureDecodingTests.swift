import Testing
@testable import PMetaPlan

@Suite struct ArchitectureDecodingTests {
    /// Decodes `layers` (a JSON array text) under a 3x8x8 image input; returns the error text or nil.
    func errorText(layers: String, input: String = #"{"shape": [3, 8, 8], "element_bytes": 1}"#) -> String? {
        let text = #"{"format": 1, "name": "t", "input": \#(input), "layers": \#(layers)}"#
        do {
            _ = try ShapedGraph(jsonBytes: Array(text.utf8), file: "t.json")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func negativeKernelNamesFilePathAndValue() {
        #expect(errorText(layers: #"[{"op": "relu"}, {"op": "conv2d", "out_channels": 4, "kernel": -3}]"#)
                == "t.json: layers[1].kernel: expected a positive integer or [height, width], found -3")
    }

    @Test func unknownOpSuggestsTheClosestName() {
        #expect(errorText(layers: #"[{"op": "conv2"}]"#)?.hasPrefix("t.json: layers[0].op: unknown op 'conv2' (did you mean 'conv2d'?)") == true)
    }

    @Test func misspelledFieldIsRejected() {
        #expect(errorText(layers: #"[{"op": "conv2d", "out_channels": 4, "kernal": 3}]"#)?
            .hasPrefix("t.json: layers[0].kernal: unknown field (did you mean 'kernel'?)") == true)
    }

    @Test func missingFieldSaysWhatIsExpected() {
        #expect(errorText(layers: #"[{"op": "linear"}]"#) == "t.json: layers[0].out_features: missing; expected a positive integer")
    }

    @Test func mistypedFieldSaysWhatWasFound() {
        #expect(errorText(layers: #"[{"op": "conv2d", "out_channels": "four", "kernel": 3}]"#)
                == #"t.json: layers[0].out_channels: expected a positive integer, found "four""#)
    }

    @Test func addOfDifferentShapesIsAShapeMismatch() {
        let text = errorText(layers: #"[{"name": "a", "op": "conv2d", "out_channels": 4, "kernel": 1}, {"name": "b", "op": "conv2d", "inputs": ["input"], "out_channels": 5, "kernel": 1}, {"op": "add", "inputs": ["a", "b"]}]"#)
        #expect(text == "t.json: layers[2]: add 'add1': inputs do not broadcast: input 0 is [4, 8, 8] and input 1 is [5, 8, 8]")
    }

    @Test func laterOrUnknownInputIsRejectedAsACycle() {
        let text = errorText(layers: #"[{"name": "a", "op": "relu", "inputs": ["b"]}, {"name": "b", "op": "relu"}]"#)
        #expect(text?.hasPrefix("t.json: layers[0].inputs[0]: unknown input 'b'") == true)
        #expect(text?.contains("cycles are not allowed") == true)
    }

    @Test func duplicateNamesAreRejected() {
        #expect(errorText(layers: #"[{"name": "a", "op": "relu"}, {"name": "a", "op": "relu"}]"#)
                == "t.json: layers[1]: duplicate layer name 'a', already used by layers[0]")
    }

    @Test func emptyGraphIsRejected() {
        #expect(errorText(layers: "[]") == "t.json: layers: expected at least one layer, found an empty list")
    }

    @Test func malformedJSONGivesLineAndColumn() {
        let text = "{\"format\": 1,\n \"name\": \"t\",,}"
        do {
            _ = try ShapedGraph(jsonBytes: Array(text.utf8), file: "t.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("t.json: line 2, column 14: "))
        }
    }

    @Test func unusedLayerOutputIsRejected() {
        #expect(errorText(layers: #"[{"name": "a", "op": "relu"}, {"name": "b", "op": "relu", "inputs": ["input"]}]"#)
                == "t.json: layers[0]: the output of 'a' is never used; only the last layer may be the network output")
    }

    @Test func linearOnAnImageAsksForFlatten() {
        #expect(errorText(layers: #"[{"op": "linear", "out_features": 2}]"#)?.contains("put a flatten or global_avg_pool before it") == true)
    }

    @Test func overflowingSizesAreAnErrorNotATrap() {
        let text = errorText(layers: #"[{"op": "conv2d", "out_channels": 1073741824, "kernel": 1}, {"op": "conv2d", "out_channels": 1073741824, "kernel": 1}]"#,
                             input: #"{"shape": [1073741824, 1073741824, 1073741824]}"#)
        #expect(text?.contains("fit in 64 bits") == true, "\(text ?? "no error")")
    }

    @Test func repeatsExpandWithVariablesAndLocalNames() throws {
        let text = #"""
        {"format": 1, "name": "t", "input": {"shape": [3, 8, 8]}, "layers": [
          {"repeat": {"width": [4, 8]}, "name": "block", "layers": [
            {"name": "conv", "op": "conv2d", "out_channels": "$width", "kernel": 3, "padding": 1},
            {"name": "skip", "op": "conv2d", "inputs": ["$in"], "out_channels": "$width", "kernel": 1},
            {"op": "add", "inputs": ["conv", "skip"]}
          ]},
          {"op": "global_avg_pool"}, {"op": "linear", "out_features": 2}
        ]}
        """#
        let graph = try ShapedGraph(jsonBytes: Array(text.utf8))
        #expect(graph.layers.map(\.name) == ["block1.conv", "block1.skip", "block1.add1", "block2.conv", "block2.skip", "block2.add1", "gap1", "fc1"])
        #expect(graph.layers[4].inputs == [.layer(2)])  // block2.skip reads what entered block 2
        #expect(graph.outputShapes[5].dimensions == [8, 8, 8])
        #expect(graph.layers[3].sourcePath == "layers[0].layers[0]")
    }

    @Test(arguments: ShippedArchitectures.names)
    func shippedArchitectureDecodes(_ name: String) throws {
        let graph = try ShippedArchitectures.graph(name)
        #expect(graph.layerCount > 0)
    }
}
