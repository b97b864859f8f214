import Testing
@testable import PMetaPlan

@Suite struct ArchitectureEncodingTests {
    @Test func flatFormSpellsOutNamesInputsAndEveryAttribute() throws {
        let text = #"""
        {"format": 1, "name": "t", "input": {"shape": [3, 8, 8], "element_bytes": 1},
         "workload": {"samples": 4, "micro_batch": 2},
         "free_parameters": [{"name": "log_std", "count": 2}],
         "layers": [
          {"repeat": 1, "name": "block", "layers": [
            {"name": "conv", "op": "conv2d", "out_channels": 4, "kernel": [3, 1], "padding": [1, 0], "bias": false},
            {"op": "leaky_relu", "negative_slope": 0.1},
            {"op": "add", "inputs": ["$in", "lrelu1"]}
          ]},
          {"op": "max_pool", "kernel": 2}, {"op": "flatten"}, {"op": "linear", "out_features": 2}
        ]}
        """#
        let graph = try ArchitectureGraph(jsonBytes: Array(text.utf8))
        #expect(JSONWriter.write(graph.json, pretty: false) == #"{"format":1,"name":"t","input":{"shape":[3,8,8],"element_bytes":1},"#
            + #""free_parameters":[{"name":"log_std","count":2}],"workload":{"samples":4,"micro_batch":2,"propagation":"batched"},"layers":["#
            + #"{"name":"block1.conv","op":"conv2d","inputs":["input"],"out_channels":4,"kernel":[3,1],"stride":1,"padding":[1,0],"dilation":1,"groups":1,"bias":false},"#
            + #"{"name":"block1.lrelu1","op":"leaky_relu","inputs":["block1.conv"],"negative_slope":0.1},"#
            + #"{"name":"block1.add1","op":"add","inputs":["input","block1.lrelu1"]},"#
            + #"{"name":"maxpool1","op":"max_pool","inputs":["block1.add1"],"kernel":2,"stride":2,"padding":0,"ceil_mode":false},"#
            + #"{"name":"flatten1","op":"flatten","inputs":["maxpool1"]},"#
            + #"{"name":"fc1","op":"linear","inputs":["flatten1"],"out_features":2,"bias":true}]}"#)
    }

    @Test(arguments: ShippedArchitectures.names)
    func shippedArchitectureSurvivesTheFlatForm(_ name: String) throws {
        let model = try ShippedArchitectures.costModel(name)
        let text = JSONWriter.write(model.graph.graph.json)
        let again = try ShapedGraph(jsonBytes: Array(text.utf8), file: "\(name)-flat.json")
        #expect(again.graph == model.graph.graph)
        #expect(again == model.graph)
        let againModel = try CostModel(again)
        #expect(againModel.layerCosts == model.layerCosts)
        #expect(try againModel.staticMemory(samples: 25) == model.staticMemory(samples: 25))
        #expect(try againModel.inference() == model.inference())
        for method in AdaptationMethod.allCases {
            let plan = method.plan(for: again, innerSteps: 2)
            #expect(try againModel.adaptation(of: plan, workload: .fewShotAccumulated) == model.adaptation(of: plan, workload: .fewShotAccumulated),
                    "\(name), \(method.rawValue)")
        }
    }

    @Test func dottedNamesAreAcceptedOnlyBetweenParts() {
        func decodes(_ name: String) -> Bool {
            let text = #"{"format": 1, "name": "t", "input": {"shape": [2]}, "layers": [{"name": \#(JSONWriter.write(.string(name), pretty: false)), "op": "relu"}]}"#
            return (try? ArchitectureGraph(jsonBytes: Array(text.utf8))) != nil
        }
        #expect(decodes("block1.conv1"))
        #expect(decodes("stage2.block1.expand_bn"))
        #expect(decodes("größe.é"))
        #expect(!decodes(".conv"))
        #expect(!decodes("conv."))
        #expect(!decodes("block1..conv"))
        #expect(!decodes("input"))
        #expect(!decodes("$in"))
        // A combining mark cannot start a part: after a repeat's dot it would fuse with the dot into one character.
        #expect(!decodes("block1.\u{301}a"))
    }

    @Test func layerEqualityIgnoresWhereTheLayerWasWritten() {
        let written = Layer(name: "a", operation: .relu, inputs: [.graphInput], sourcePath: "layers[0].layers[3]")
        let flat = Layer(name: "a", operation: .relu, inputs: [.graphInput], sourcePath: "layers[3]")
        #expect(written == flat)
        #expect(written.hashValue == flat.hashValue)
        #expect(written != Layer(name: "b", operation: .relu, inputs: [.graphInput]))
    }
}
