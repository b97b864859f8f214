import Foundation
import Testing
@testable import PMetaPlan

/// The plan files python/pmeta_torch.py reads: layers by the module path the ONNX import recovered, the tensors each
/// update changes by initializer name, the inner step and the channel selection; reading stays strict.
@Suite struct PlanFileNamingTests {
    static func onnxGraph(_ name: String) throws -> ShapedGraph {
        try ShapedGraph(try ArchitectureGraph(json: try ONNXFixtures.document(name)))
    }

    static func plan(_ graph: ShapedGraph, _ updates: [String: LayerUpdate], steps: Int = 1) -> UpdatePlan {
        var layers = [LayerUpdate](repeating: .frozen, count: graph.layerCount)
        for (name, update) in updates { layers[graph.layers.firstIndex { $0.name == name }!] = update }
        return UpdatePlan(steps: Array(repeating: StepUpdates(layers: layers), count: steps))
    }

    /// The written updates of step `k` (0-based) by layer name.
    static func writtenUpdates(_ document: JSONValue, step: Int = 0) -> [String: JSONValue] {
        var byName: [String: JSONValue] = [:]
        for update in document["steps"]?.arrayValue?[step]["updates"]?.arrayValue ?? [] {
            byName[update["layer"]?.stringValue ?? ""] = update
        }
        return byName
    }

    static func strings(_ value: JSONValue?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }

    @Test func aPlanForTheTrainingExportOfResNet18NamesModulePathsAndInitializers() throws {
        let graph = try Self.onnxGraph("resnet18_training")
        let plan = Self.plan(graph, [
            "layer3.1.conv2": LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(1, 4)),
            "layer3.1.bn2": .full,
            "layer4.0.bn1": LayerUpdate(parameters: .biasOnly),
            "fc": .full,
        ], steps: 2).selectingChannels(by: .magnitude)
        let document = plan.json(for: graph)
        let updates = Self.writtenUpdates(document, step: 1)
        // torchvision's module tree: layer3[1].conv2 holds `layer3.1.conv2.weight` (no bias), its batch norm gamma
        // and beta, fc a weight and a bias (the names torch.onnx gives the initializers).
        #expect(Self.strings(updates["layer3.1.conv2"]?["parameter_names"]) == ["layer3.1.conv2.weight"])
        #expect(updates["layer3.1.conv2"]?["input_ratio"]?.stringValue == "1/4")
        #expect(updates["layer3.1.conv2"]?["channel_selection"]?.stringValue == "magnitude")
        #expect(Self.strings(updates["layer3.1.bn2"]?["parameter_names"]) == ["layer3.1.bn2.weight", "layer3.1.bn2.bias"])
        #expect(updates["layer3.1.bn2"]?["channel_selection"] == nil, "every channel kept: no selection to state")
        #expect(Self.strings(updates["layer4.0.bn1"]?["parameter_names"]) == ["layer4.0.bn1.bias"])
        #expect(updates["layer4.0.bn1"]?["parameters"]?.stringValue == "bias")
        #expect(Self.strings(updates["fc"]?["parameter_names"]) == ["fc.weight", "fc.bias"])
        #expect(document["steps"]?.arrayValue?.map { $0["inner_step"]?.integerValue } == [1, 2])
        // Read back: the same plan, channel selection included.
        let read = try UpdatePlan(json: try JSONParser.parse(JSONWriter.write(document)), for: graph)
        #expect(read == plan)
        let conv = graph.layers.firstIndex { $0.name == "layer3.1.conv2" }!
        #expect(read.steps[1].layers[conv].channelSelection == .magnitude)
    }

    @Test func aPlanForAnArchitectureFileNamesTheLayersTensorsAfterTheLayer() throws {
        let graph = try ShippedArchitectures.graph("resnet18")
        let plan = Self.plan(graph, ["block8.conv2": LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(1, 8)),
                                     "block8.bn2": LayerUpdate(parameters: .biasOnly), "head": .full])
        let updates = Self.writtenUpdates(plan.json(for: graph))
        #expect(Self.strings(updates["block8.conv2"]?["parameter_names"]) == ["block8.conv2.weight"])
        #expect(updates["block8.conv2"]?["channel_selection"]?.stringValue == "first")
        #expect(Self.strings(updates["block8.bn2"]?["parameter_names"]) == ["block8.bn2.bias"])
        #expect(Self.strings(updates["head"]?["parameter_names"]) == ["head.weight", "head.bias"])
    }

    @Test func anInferenceExportKeepsTheFoldedInitializersNames() throws {
        // Folding batch norm into the conv leaves the exporter's anonymous names; the helper finds the layer by its
        // module path then (docs/pytorch-plans.md).
        let graph = try Self.onnxGraph("mobilenet_v2")
        let plan = Self.plan(graph, ["features.18.0": LayerUpdate(parameters: .biasOnly), "classifier.1": .full])
        let updates = Self.writtenUpdates(plan.json(for: graph))
        let names = Self.strings(updates["features.18.0"]?["parameter_names"])
        #expect(names.count == 1 && names[0].hasPrefix("onnx::Conv_"), "\(names)")
        #expect(Self.strings(updates["classifier.1"]?["parameter_names"]) == ["classifier.1.weight", "classifier.1.bias"])
    }

    @Test func theCostedFormLeavesTheAnnotationsOut() throws {
        // `check` hashes this form, so a plan hashes as it did before plan files named tensors.
        let graph = try ShippedArchitectures.graph("4conv")
        let plan = Self.plan(graph, ["block4.conv": LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(1, 2)), "head": .full])
        let text = JSONWriter.write(plan.json(for: graph, annotated: false), pretty: false)
        #expect(text == #"{"format":1,"kind":"update-plan","architecture":"4Conv","inner_steps":1,"steps":[{"updates":[{"layer":"block4.conv","input_ratio":"1/2"},{"layer":"head"}]}]}"#)
        let magnitude = JSONWriter.write(plan.selectingChannels(by: .magnitude).json(for: graph, annotated: false), pretty: false)
        #expect(magnitude.contains(#""input_ratio":"1/2","channel_selection":"magnitude""#))
    }

    @Test func thePlansThePythonHelperShipsWithStillRead() throws {
        // Written before plans named tensors: no inner_step, parameter_names or channel_selection.
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("python/plans")
        for (file, architecture) in [("4conv-last-blocks.json", "4conv"), ("resnet12-last-block.json", "resnet12")] {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let plan = try UpdatePlan(json: try JSONParser.parse(text), for: try ShippedArchitectures.graph(architecture))
            #expect(plan.steps.allSatisfy { $0.layers.allSatisfy { $0.channelSelection == .first } })
        }
    }

    static let badPlans: [(String, String)] = [
        (#"{"format": 1, "steps": [{"inner_step": 2, "updates": [{"layer": "head"}]}]}"#,
         "steps[0].inner_step: expected 1: steps are listed in order, found 2"),
        (#"{"format": 1, "steps": [{"updates": [{"layer": "head", "channel_selection": "largest"}]}]}"#,
         #"steps[0].updates[0].channel_selection: expected "first" or "magnitude", found "largest""#),
        (#"{"format": 1, "steps": [{"updates": [{"layer": "head", "parameter_names": ["fc.weight"]}]}]}"#,
         "steps[0].updates[0].parameter_names[0]: 'fc.weight': it is not a parameter of 'head' (it changes 'head.weight', 'head.bias')"),
        (#"{"format": 1, "steps": [{"updates": [{"layer": "head", "parameters": "bias", "parameter_names": ["head.weight"]}]}]}"#,
         "steps[0].updates[0].parameter_names[0]: 'head.weight': a bias-only update of 'head' does not change it (it changes 'head.bias')"),
        (#"{"format": 1, "steps": [{"updates": [{"layer": "head", "parameter_name": ["head.weight"]}]}]}"#,
         "steps[0].updates[0].parameter_name: unknown field"),
    ]

    @Test(arguments: badPlans)
    func aMalformedAnnotationIsAnErrorNamingItsPlace(_ text: String, _ message: String) throws {
        let graph = try ShippedArchitectures.graph("4conv")
        let error = #expect(throws: DataError.self) { try UpdatePlan(json: try JSONParser.parse(text), for: graph) }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
    }
}
