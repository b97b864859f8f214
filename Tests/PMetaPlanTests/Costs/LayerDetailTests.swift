import Testing
@testable import PMetaPlan

/// `CostModel.LayerDetail.peakStepOnly` keeps the per-layer lists of the peak step alone: every figure is the one
/// `.everyStep` gives, and the lists it keeps are the peak step's (issue 15, item 14: costing 1,000 different
/// steps of a large network held gigabytes of lists no report reads).
@Suite struct LayerDetailTests {
    let model: CostModel
    init() throws { model = try DeviceMemoryHandCountTests.model }

    /// Steps that update different layers, with and without optimizer state carried between them (SRAM copies:
    /// DeviceMemoryHandCountTests counts 32 B then 92 B by hand), and repeated and empty steps in between.
    @Test(arguments: [UpdateState.none, UpdateState(copiesUpdatedWeights: true), UpdateState(optimizer: .adam)])
    func thePeakStepOnlyCostHasTheFiguresOfTheFullOne(state: UpdateState) throws {
        let plan = DeviceMemoryHandCountTests.plan([
            [.frozen, .frozen, .full], [.full, .frozen, .frozen], [.full, .frozen, .frozen], [.frozen, .frozen, .frozen],
            [.frozen, .frozen, .frozen], [.full, .frozen, .full], [.frozen, .frozen, .full],
        ])
        var workload = Workload(samplesPerStep: 3, microBatch: 1)
        workload.updateState = state
        let full = try model.adaptation(of: plan, workload: workload)
        let lean = try model.adaptation(of: plan, workload: workload, layerDetail: .peakStepOnly)
        #expect(lean.peak == full.peak && lean.macs == full.macs)
        #expect(lean.peakStep == full.peakStep)
        #expect(full.steps.allSatisfy { $0.hasLayerDetail })
        #expect(lean.steps.filter { $0.hasLayerDetail }.map(\.stepIndex) == [full.peakStep.stepIndex])
        for (a, b) in zip(lean.steps, full.steps) {
            #expect(a.stepIndex == b.stepIndex && a.peak == b.peak && a.macs == b.macs && a.firstUpdatedLayer == b.firstUpdatedLayer)
        }
    }

    /// With SRAM copies, step 2 (fc1, 60 B of its own plus the head's 32 B from step 1) holds the most state; the
    /// peak-only cost keeps its lists and drops step 1's.
    @Test func carriedStateCanMoveThePeakToALaterStep() throws {
        var workload = Workload(samplesPerStep: 1, microBatch: 1)
        workload.updateState = UpdateState(copiesUpdatedWeights: true)
        let plan = DeviceMemoryHandCountTests.plan([[.frozen, .frozen, .full], [.full, .frozen, .frozen]])
        let lean = try model.adaptation(of: plan, workload: workload, layerDetail: .peakStepOnly)
        #expect(lean.steps[1].peak.updateStateBytes == ByteCount(92))
        #expect(lean.peakStep.stepIndex == 1 && lean.steps[1].hasLayerDetail && !lean.steps[0].hasLayerDetail)
    }
}
