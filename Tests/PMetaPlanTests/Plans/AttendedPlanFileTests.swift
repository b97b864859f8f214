import Testing
@testable import PMetaPlan

/// Plan files with meta attention: an attended update's `attention` member, written and read back exactly, refused
/// where it cannot apply; files without it read as before.
@Suite struct AttendedPlanFileTests {
    let graph: ShapedGraph
    init() throws { graph = try ShapedGraph(jsonBytes: Array(MetaAttentionHandCountTests.json.utf8)) }

    func read(_ updates: String) throws -> UpdatePlan {
        try UpdatePlan(json: try JSONParser.parse(#"{"format": 1, "kind": "update-plan", "steps": [{"updates": [\#(updates)]}]}"#), for: graph)
    }

    func error(_ updates: String) -> String {
        let error = #expect(throws: DataError.self) { try read(updates) }
        return error.map { "\($0)" } ?? ""
    }

    @Test func anAttendedUpdateIsWrittenWithItsClipRatiosAndReadBackTheSame() throws {
        var layers = [LayerUpdate](repeating: .frozen, count: graph.layerCount)
        layers[2] = .attended(MetaAttentionRatios(forward: ChannelRatio(3, 10), backward: ChannelRatio(1, 10)))
        layers[5] = .full
        let plan = UpdatePlan(steps: [StepUpdates(layers: layers)])
        let document = plan.json(for: graph)
        let written = document["steps"]?.arrayValue?[0]["updates"]?.arrayValue?[0]["attention"]
        #expect(written?["rho_forward"]?.stringValue == "3/10")
        #expect(written?["rho_backward"]?.stringValue == "1/10")
        #expect(try UpdatePlan(json: try JSONParser.parse(JSONWriter.write(document)), for: graph) == plan)
        // What is costed changes with attention, so the hash of the unannotated plan does too.
        var dense = plan
        dense.steps[0].layers[2] = .full
        #expect(JSONWriter.write(plan.json(for: graph, annotated: false)) != JSONWriter.write(dense.json(for: graph, annotated: false)))
        #expect(plan.compactDescription(for: graph) == ["k=1: conv2 att(3/10,1/10), head 1"])
    }

    @Test func aPlanWithoutAttentionReadsAsBefore() throws {
        let plan = try read(#"{"layer": "conv2", "input_ratio": "1/2"}, {"layer": "head"}"#)
        #expect(!plan.usesAttention)
        #expect(plan.steps[0].layers[2] == LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(1, 2)))
    }

    @Test func attentionIsRefusedWhereItCannotApply() {
        #expect(error(#"{"layer": "head", "attention": {"rho_forward": "0.3", "rho_backward": "0"}}"#)
            .contains("'head' cannot be attended"))
        #expect(error(#"{"layer": "conv2", "parameters": "bias", "attention": {"rho_forward": "0.3", "rho_backward": "0"}}"#)
            .contains("bias-only update"))
        #expect(error(#"{"layer": "conv2", "input_ratio": "1/2", "attention": {"rho_forward": "0.3", "rho_backward": "0"}}"#)
            .contains("drop input_ratio and output_ratio"))
        #expect(error(#"{"layer": "conv2", "attention": {"rho_forward": "1", "rho_backward": "0"}}"#)
            .contains("steps[0].updates[0].attention.rho_forward: a clip ratio must be below 1"))
        #expect(error(#"{"layer": "conv2", "attention": {"rho_forward": "0.3"}}"#).contains("rho_backward"))
        #expect(error(#"{"layer": "conv2", "attention": {"rho_forward": "0.3", "rho_backward": "0", "rho": 1}}"#).contains("unknown field"))
        #expect(error(#"{"layer": "conv2", "attention": 0.3}"#).contains("expected an object"))
    }

    @Test func attendingAPlanAttendsEveryFullUpdateOfAnAttendableLayer() {
        var layers = [LayerUpdate](repeating: .frozen, count: graph.layerCount)
        layers[0] = LayerUpdate(parameters: .biasOnly)
        layers[2] = LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(1, 4))
        layers[5] = .full
        let ratios = MetaAttentionRatios(forward: ChannelRatio(3, 10))
        let attended = UpdatePlan(steps: [StepUpdates(layers: layers)]).attending(with: ratios, on: graph)
        // A bias-only update has no channels to choose; the head is not attendable.
        #expect(attended.steps[0].layers[0] == LayerUpdate(parameters: .biasOnly))
        #expect(attended.steps[0].layers[2] == .attended(ratios))
        #expect(attended.steps[0].layers[5] == .full)
    }
}
