import Testing
@testable import PMetaPlan

/// The compact plan form names blocks and ranges of blocks (issue 15, item 18), not hyphenated indices.
@Suite struct CompactDescriptionTests {
    /// stem, four blocks b1..b4 of (fc, act), head; the trainable layers are stem, b1.fc ... b4.fc and head.
    static let json = """
    {"format": 1, "name": "blocks", "input": {"shape": [8]}, "layers": [
      {"name": "stem", "op": "linear", "out_features": 8},
      {"name": "b1.fc", "op": "linear", "out_features": 8}, {"name": "b1.act", "op": "relu"},
      {"name": "b2.fc", "op": "linear", "out_features": 8}, {"name": "b2.act", "op": "relu"},
      {"name": "b3.fc", "op": "linear", "out_features": 8}, {"name": "b3.act", "op": "relu"},
      {"name": "b4.fc", "op": "linear", "out_features": 8}, {"name": "b4.act", "op": "relu"},
      {"name": "head", "op": "linear", "out_features": 2}
    ]}
    """
    let graph: ShapedGraph
    init() throws { graph = try ShapedGraph(jsonBytes: Array(Self.json.utf8)) }

    /// One step updating `updates` (layer index -> update), the rest frozen.
    func line(_ updates: [Int: LayerUpdate]) -> String {
        var layers = [LayerUpdate](repeating: .frozen, count: graph.layerCount)
        for (index, update) in updates { layers[index] = update }
        return UpdatePlan(steps: [StepUpdates(layers: layers)]).compactDescription(for: graph)[0]
    }

    let half = LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(1, 2))

    @Test func consecutiveBlocksThatUpdateTheSameLayersAlikeFormARange() {
        #expect(line([1: half, 3: half, 5: half, 9: .full]) == "k=1: b1-b3: fc 1/2; head 1")
        #expect(line([1: half, 3: half, 5: half, 7: half]) == "k=1: b1-b4: fc 1/2")
    }

    /// b2.fc is trainable and frozen between b1 and b3: "b1-b3" would claim it, so the two stay apart.
    @Test func aFrozenBlockBetweenTwoAlikeBreaksTheRange() {
        #expect(line([1: half, 5: half]) == "k=1: b1: fc 1/2; b3: fc 1/2")
    }

    /// Steps 2-4 equal, step 5 differs, step 6 equals step 4 but not step 5: four lines (a 1,000-step plan of equal
    /// steps is one line, not 1,000).
    @Test func consecutiveEqualStepsShareALine() {
        func step(_ updates: [Int: LayerUpdate]) -> StepUpdates {
            var layers = [LayerUpdate](repeating: .frozen, count: graph.layerCount)
            for (index, update) in updates { layers[index] = update }
            return StepUpdates(layers: layers)
        }
        let head = step([9: .full]), stem = step([0: .full])
        let plan = UpdatePlan(steps: [stem, head, head, head, step([:]), head])
        #expect(plan.compactDescription(for: graph) == ["k=1: stem 1", "k=2-4: head 1", "k=5: no update", "k=6: head 1"])
        #expect(UpdatePlan(steps: Array(repeating: head, count: 1_000)).compactDescription(for: graph) == ["k=1-1000: head 1"])
    }

    @Test func differentRatiosBreakTheRange() {
        #expect(line([1: half, 3: .full, 5: .full]) == "k=1: b1: fc 1/2; b2-b3: fc 1")
    }

    /// Names outside blocks run on with commas; a bias-only update reads `bias`; an empty step says so.
    @Test func layersOutsideBlocksAndEmptySteps() {
        #expect(line([0: .full, 9: LayerUpdate(parameters: .biasOnly)]) == "k=1: stem 1, head bias")
        let plan = UpdatePlan(steps: [StepUpdates(layers: Array(repeating: .frozen, count: graph.layerCount))])
        #expect(plan.compactDescription(for: graph) == ["k=1: no update"])
    }

    /// PyTorch's container positions (`layer2.0.downsample.0`) stay with the module before them.
    @Test func aNumericLastPartStaysWithItsModule() throws {
        let json = """
        {"format": 1, "name": "torch", "input": {"shape": [8]}, "layers": [
          {"name": "layer2.0.conv1", "op": "linear", "out_features": 8},
          {"name": "layer2.0.downsample.0", "op": "linear", "out_features": 8},
          {"name": "fc", "op": "linear", "out_features": 2}
        ]}
        """
        let graph = try ShapedGraph(jsonBytes: Array(json.utf8))
        let plan = UpdatePlan(steps: [StepUpdates(layers: [half, .full, .full])])
        #expect(plan.compactDescription(for: graph) == ["k=1: layer2.0: conv1 1/2, downsample.0 1; fc 1"])
    }
}
