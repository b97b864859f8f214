import Testing
@testable import PMetaPlan

/// Shape inference of the operators real networks use, each output pinned to PyTorch's size formula by hand.
@Suite struct OperatorShapeTests {
    /// The output shapes of `layers` (a JSON array) on an input of `shape`.
    func shapes(_ layers: String, input shape: String = "[4, 8, 8]") throws -> [[Int]] {
        let text = #"{"format": 1, "name": "t", "input": {"shape": \#(shape)}, "layers": \#(layers)}"#
        return try ShapedGraph(jsonBytes: Array(text.utf8), file: "t.json").outputShapes.map(\.dimensions)
    }

    /// The error text of `layers`, or nil.
    func error(_ layers: String, input shape: String = "[4, 8, 8]") -> String? {
        do {
            _ = try shapes(layers, input: shape)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func samePaddingWithDilationKeepsTheSize() throws {
        // Dilation 2 spreads a 3-tap kernel over 5 pixels: "same" pads (3 - 1) x 2 = 4, 2 on each side.
        #expect(try shapes(#"[{"op": "conv2d", "out_channels": 6, "kernel": 3, "dilation": 2, "padding": "same"}]"#) == [[6, 8, 8]])
        // Without padding: 8 - 5 + 1 = 4.
        #expect(try shapes(#"[{"op": "conv2d", "out_channels": 6, "kernel": 3, "dilation": 2}]"#) == [[6, 4, 4]])
        #expect(error(#"[{"op": "conv2d", "out_channels": 6, "kernel": 3, "stride": 2, "padding": "same"}]"#)?
            .contains("\"same\" padding needs stride 1") == true)
    }

    @Test func asymmetricPaddingAndCeilMode() throws {
        // TensorFlow-style [top, left, bottom, right] = [0, 0, 1, 1] on 7x7, kernel 2 stride 2: (7 + 1 - 2) / 2 + 1 = 4.
        #expect(try shapes(#"[{"op": "conv2d", "out_channels": 1, "kernel": 2, "stride": 2, "padding": [0, 0, 1, 1]}]"#, input: "[1, 7, 7]")
                == [[1, 4, 4]])
        // PyTorch's ceil_mode: floor((7 - 2 + 1) / 2) + 1 = 4 windows where floor mode has 3.
        #expect(try shapes(#"[{"op": "max_pool", "kernel": 2, "ceil_mode": true}]"#, input: "[1, 7, 7]") == [[1, 4, 4]])
        #expect(try shapes(#"[{"op": "max_pool", "kernel": 2}]"#, input: "[1, 7, 7]") == [[1, 3, 3]])
        // 6 wide, kernel 3, stride 2, padding 1: ceil((6 + 2 - 3) / 2) + 1 = 4, and the 4th window starts at 6 < 6 + 1.
        #expect(try shapes(#"[{"op": "max_pool", "kernel": 3, "stride": 2, "padding": 1, "ceil_mode": true}]"#, input: "[1, 6, 6]") == [[1, 4, 4]])
        // 5 wide, kernel 2, stride 2, padding 1: ceil((5 + 2 - 2) / 2) + 1 = 4, but that window would start at 6 >= 5 + 1: 3.
        #expect(try shapes(#"[{"op": "max_pool", "kernel": 2, "stride": 2, "padding": 1, "ceil_mode": true}]"#, input: "[1, 5, 5]") == [[1, 3, 3]])
    }

    @Test func conv1dOverASequence() throws {
        // [C, L] = [4, 10], kernel 3, stride 2, padding 1: (10 + 2 - 3) / 2 + 1 = 5.
        #expect(try shapes(#"[{"op": "conv1d", "out_channels": 8, "kernel": 3, "stride": 2, "padding": 1}]"#, input: "[4, 10]") == [[8, 5]])
    }

    @Test func broadcastingProductOfASqueezeExciteGate() throws {
        let layers = #"[{"name": "gate", "op": "reduce_mean", "axes": [1, 2]}, {"op": "sigmoid"}, {"op": "mul", "inputs": ["input", "sigmoid1"]}]"#
        #expect(try shapes(layers) == [[4, 1, 1], [4, 1, 1], [4, 8, 8]])
        #expect(error(#"[{"op": "reduce_mean", "axes": [2], "keep_dims": false}, {"op": "mul", "inputs": ["input", "mean1"]}]"#)?
            .contains("inputs do not broadcast: input 0 is [4, 8, 8] and input 1 is [4, 8]") == true)
    }

    @Test func tokensThroughLinearLayerNormAndAttention() throws {
        let layers = #"""
        [{"name": "cls", "op": "parameter", "shape": [1, 16]},
         {"name": "tokens", "op": "concat", "axis": 0, "inputs": ["cls", "input"]},
         {"name": "ln", "op": "layer_norm"},
         {"name": "q", "op": "linear", "out_features": 16},
         {"name": "heads", "op": "reshape", "shape": [5, 2, -1]},
         {"name": "qh", "op": "transpose", "perm": [1, 0, 2]},
         {"name": "kt", "op": "transpose", "perm": [0, 2, 1], "inputs": ["qh"]},
         {"name": "scores", "op": "matmul", "inputs": ["qh", "kt"]},
         {"name": "attention", "op": "softmax"},
         {"name": "mixed", "op": "matmul", "inputs": ["attention", "qh"]},
         {"name": "first", "op": "gather", "axis": 1, "index": 0}]
        """#
        #expect(try shapes(layers, input: "[4, 16]") == [[1, 16], [5, 16], [5, 16], [5, 16], [5, 2, 8], [2, 5, 8], [2, 8, 5],
                                                         [2, 5, 5], [2, 5, 5], [2, 5, 8], [2, 8]])
    }

    @Test func splitExpandsToSlicesThatMustCoverTheAxis() throws {
        let layers = #"[{"name": "halves", "op": "split", "sizes": [1, 3]}, {"op": "concat", "inputs": ["halves.1", "halves.0"]}, {"op": "shuffle", "groups": 2}]"#
        #expect(try shapes(layers) == [[1, 8, 8], [3, 8, 8], [4, 8, 8], [4, 8, 8]])
        #expect(error(#"[{"name": "s", "op": "split", "sizes": [1, 2]}, {"op": "concat", "inputs": ["s.0", "s.1"]}]"#)
                == "t.json: layers[0].sizes: the parts add up to 3, but axis 0 of the input [4, 8, 8] has extent 4")
        #expect(try shapes(#"[{"op": "slice", "axis": -1, "start": 1, "end": 100, "step": 3}]"#) == [[4, 8, 3]])
        // A negative step reverses, with Python's bounds: x[:, :, ::-1] of [4, 8, 8] is [4, 8, 8]; [6:-9:-2] keeps 6, 4, 2, 0.
        #expect(try shapes(#"[{"op": "slice", "axis": 2, "start": -1, "end": -9, "step": -1}]"#) == [[4, 8, 8]])
        #expect(try shapes(#"[{"op": "slice", "axis": 1, "start": 6, "end": -9, "step": -2}]"#) == [[4, 4, 8]])
        #expect(error(#"[{"op": "slice", "end": 2, "step": 0}]"#) == "t.json: layers[0].step: expected a nonzero step (negative: in reverse), found 0")
        #expect(try shapes(#"[{"op": "upsample", "scale": [2, 3]}]"#) == [[4, 16, 24]])
        #expect(error(#"[{"op": "upsample", "scale": 2, "mode": "bicubic"}]"#) == #"t.json: layers[0].mode: expected "nearest" or "bilinear", found "bicubic""#)
        #expect(error(#"[{"op": "upsample", "scale": 0}]"#)?.hasPrefix("t.json: layers[0].scale: ") == true)
        #expect(error(#"[{"op": "upsample", "scale": 2}]"#, input: "[4, 8]")?.hasPrefix("t.json: layers[0]: upsample 'up1': ") == true)
    }

    @Test func badShapesAreOneLineErrorsNamingTheLayer() {
        #expect(error(#"[{"op": "reshape", "shape": [3, -1]}]"#) == "t.json: layers[0]: reshape 'reshape1': [4, 8, 8] has 256 elements, which [3, -1] cannot hold")
        #expect(error(#"[{"op": "reshape", "shape": [16, 8]}]"#)
                == "t.json: layers[0]: reshape 'reshape1': [4, 8, 8] has 256 elements but [16, 8] has 128; a reshape keeps the element count")
        #expect(error(#"[{"op": "softmax", "axis": 3}]"#)
                == "t.json: layers[0]: softmax 'softmax1': axis 3 is out of range for a rank-3 tensor (expected -3 to 2)")
        #expect(error(#"[{"op": "transpose", "perm": [0, 0, 1]}]"#)?.contains("is not a permutation") == true)
        #expect(error(#"[{"op": "matmul", "inputs": ["input", "input"]}]"#, input: "[2, 3, 4]")
                == "t.json: layers[0]: matmul 'matmul1': input 0 [2, 3, 4] has 4 columns but input 1 [2, 3, 4] has 3 rows")
        #expect(error(#"[{"op": "parameter", "shape": [2, 2], "inputs": ["input"]}, {"op": "add", "inputs": ["param1", "input"]}]"#)?
            .contains("expected no inputs, found 1") == true)
        #expect(error(#"[{"op": "dropout", "p": 1}]"#)?.contains("a drop probability from 0 up to (not including) 1") == true)
    }
}
