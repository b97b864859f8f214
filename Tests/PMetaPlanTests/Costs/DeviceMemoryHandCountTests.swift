import Testing
@testable import PMetaPlan

/// The device memory model (issue 13) by hand: what flash holds at storage precision, what each update holds in
/// SRAM besides its gradient, how that state carries over inner steps, and the forward working set at the
/// activations' precision.
@Suite struct DeviceMemoryHandCountTests {
    /// input [4] -> fc1 (4 -> 3, bias) -> relu -> head (3 -> 2, bias).
    static let json = """
    {"format": 1, "name": "two-linear", "input": {"shape": [4]}, "layers": [
      {"name": "fc1", "op": "linear", "out_features": 3}, {"op": "relu"}, {"name": "head", "op": "linear", "out_features": 2}
    ]}
    """
    static var model: CostModel { get throws { try CostModel(try ShapedGraph(jsonBytes: Array(json.utf8))) } }
    let model: CostModel
    init() throws { model = try Self.model }

    static func plan(_ steps: [[LayerUpdate]]) -> UpdatePlan { UpdatePlan(steps: steps.map { StepUpdates(layers: $0) }) }
    func plan(_ steps: [[LayerUpdate]]) -> UpdatePlan { Self.plan(steps) }

    /// Weights 4 x 3 + 3 x 2 = 18 at 1 B, biases 3 + 2 = 5 at 4 B: 18 + 20 = 38 B of flash.
    /// At float32 throughout: 23 x 4 = 92 B, as before the bias precision existed.
    @Test func flashHoldsWeightsAndBiasesAtTheirOwnPrecision() throws {
        #expect(try model.staticMemory(samples: 1, precision: Precision(weightBytes: 1, biasBytes: 4)).modelBytes == ByteCount(38))
        #expect(try model.staticMemory(samples: 1, precision: .float32).modelBytes == ByteCount(92))
        #expect(try model.staticMemory(samples: 1, precision: Precision(weightBytes: 1)).modelBytes == ByteCount(23))
    }

    /// Updating the head: 3 x 2 weights + 2 biases = 8 elements. Adam (2) with an SRAM copy (1) holds 3 elements
    /// each at 4 B: 96 B through the step, on top of the peak without them, at every moment of the step.
    @Test func adamWithSRAMCopiesAddsThreeElementsPerUpdatedElement() throws {
        let headOnly = plan([[.frozen, .frozen, .full]])
        let plain = Workload(samplesPerStep: 1, microBatch: 1)
        var device = plain
        device.updateState = UpdateState(optimizer: .adam, copiesUpdatedWeights: true)
        let without = try model.adaptation(of: headOnly, workload: plain)
        let with = try model.adaptation(of: headOnly, workload: device)
        #expect(with.peak.bytes - without.peak.bytes == 96)
        #expect(with.steps[0].peak.updateStateBytes == ByteCount(96))
        #expect(zip(with.steps[0].timeline, without.steps[0].timeline).allSatisfy { $0.liveBytes.bytes - $1.liveBytes.bytes == 96 })
        // Momentum alone: one element each, 8 x 4 = 32 B; at 2-byte gradients 16 B.
        device.updateState = UpdateState(optimizer: .momentum)
        #expect(try model.adaptation(of: headOnly, workload: device).steps[0].peak.updateStateBytes == ByteCount(32))
        device.precision.gradientBytes = 2
        #expect(try model.adaptation(of: headOnly, workload: device).steps[0].peak.updateStateBytes == ByteCount(16))
    }

    /// fc1 at input ratio 1/2 keeps 2 of its 4 input channels: 2 x 3 weights + 3 biases = 9 updated elements.
    @Test func aChannelRatioUpdatesOnlyTheSelectedWeights() throws {
        let half = LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(1, 2))
        #expect(try model.updatedParameterElements(ofLayerAt: 0, update: half, profile: .physical) == 9)
        #expect(try model.updatedParameterElements(ofLayerAt: 0, update: LayerUpdate(parameters: .biasOnly), profile: .physical) == 3)
        #expect(try model.updatedParameterElements(ofLayerAt: 0, update: .full, profile: .physical) == 15)
    }

    /// Step 1 updates the head (8 elements), step 2 fc1 (15): with SGD and SRAM copies (1 element each at 4 B),
    /// step 1 holds 32 B, step 2 its own 60 B and the head's 32 B from step 1: 92 B. A step that updates the head
    /// again holds it once.
    @Test func stateOfEarlierStepsCarriesOver() throws {
        var device = Workload(samplesPerStep: 1, microBatch: 1)
        device.updateState = UpdateState(copiesUpdatedWeights: true)
        let cost = try model.adaptation(of: plan([[.frozen, .frozen, .full], [.full, .frozen, .frozen]]), workload: device)
        #expect(cost.steps[0].peak.updateStateBytes == ByteCount(32))
        #expect(cost.steps[1].peak.updateStateBytes == ByteCount(92))
        let again = try model.adaptation(of: plan([[.frozen, .frozen, .full], [.full, .frozen, .full]]), workload: device)
        #expect(again.steps[1].peak.updateStateBytes == ByteCount(92))
        // Without state nothing carries: the default workload's steps are costed as before.
        let plain = try model.adaptation(of: plan([[.frozen, .frozen, .full], [.full, .frozen, .frozen]]), workload: Workload(samplesPerStep: 1, microBatch: 1))
        #expect(plain.steps.allSatisfy { $0.peak.updateStateBytes == .zero })
    }

    /// The forward pass holds activations at their own precision. With the head alone updated (no accumulation,
    /// so no gradient buffer in the forward pass) nothing is stored before fc1, and fc1 writes its output [3]
    /// (its input is the network's, static memory): 3 B at 1-byte activations whatever the gradients take, 6 B at 2.
    @Test func theForwardWorkingSetTakesTheActivationPrecision() throws {
        let headOnly = plan([[.frozen, .frozen, .full]])
        func forwardAtFC1(activation: Int, gradient: Int) throws -> Int {
            let cost = try model.adaptation(of: headOnly, workload: Workload(samplesPerStep: 1, microBatch: 1,
                                                                              precision: Precision(activationBytes: activation, gradientBytes: gradient)))
            return cost.steps[0].timeline.first { $0.phase == .forward && $0.layer == 0 }!.liveBytes.bytes
        }
        #expect(try forwardAtFC1(activation: 1, gradient: 2) == 3)
        #expect(try forwardAtFC1(activation: 1, gradient: 4) == 3)
        #expect(try forwardAtFC1(activation: 2, gradient: 2) == 6)
    }

    @Test func presetsCarryTheirDatasheetSizes() {
        #expect(DeviceMemory.preset(named: "nRF52840")?.sram == ByteCount(262_144))
        #expect(DeviceMemory.preset(named: "stm32f746")?.flash == ByteCount(1_048_576))
        #expect(DeviceMemory.preset(named: "rp2040")?.sram == ByteCount(270_336))
        #expect(DeviceMemory.preset(named: "esp32-s3")?.flash == ByteCount(8_388_608))
        #expect(DeviceMemory.preset(named: "atmega328") == nil)
    }
}
