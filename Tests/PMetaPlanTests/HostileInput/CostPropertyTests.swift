import Testing
@testable import PMetaPlan

/// Properties of the cost model on seeded random graphs (`RandomGraphBuilder`): the seed in a failure message
/// reproduces the case.
@Suite struct CostPropertyTests {
    /// Batched with gradient accumulation, and streamed one sample at a time without it.
    static let workloads = [Workload(samplesPerStep: 4, microBatch: 2),
                            Workload(samplesPerStep: 3, microBatch: 3, propagation: .streamed)]
    static let seeds: [UInt64] = Array(1...40)

    static func model(seed: UInt64) throws -> (CostModel, SeededGenerator) {
        var generator = SeededGenerator(seed: seed)
        let graph = RandomGraphBuilder.graph(residual: seed % 2 == 0, using: &generator)
        return (try CostModel(try ShapedGraph(graph)), generator)
    }

    static func peak(_ model: CostModel, _ updates: [LayerUpdate], _ workload: Workload, profile: CountingProfile = .physical) throws -> ByteCount {
        try cost(model, updates, workload, profile: profile).peak
    }

    static func cost(_ model: CostModel, _ updates: [LayerUpdate], _ workload: Workload, profile: CountingProfile = .physical) throws -> AdaptationCost {
        try model.adaptation(of: UpdatePlan(steps: [StepUpdates(layers: updates)]), workload: workload, profile: profile)
    }

    @Test(arguments: seeds)
    func addingALayerToTheUpdateSetNeverLowersThePeak(seed: UInt64) throws {
        let (model, seeded) = try Self.model(seed: seed)
        var generator = seeded
        let trainable = model.graph.layers.indices.filter { model.graph.layers[$0].operation.isTrainable }.shuffled(using: &generator)
        for workload in Self.workloads {
            var updates = [LayerUpdate](repeating: .frozen, count: model.graph.layerCount)
            var previous = try Self.peak(model, updates, workload)
            for index in trainable {
                updates[index] = .full
                let next = try Self.peak(model, updates, workload)
                #expect(next >= previous, "seed \(seed), \(workload.propagation): updating layer \(index) lowered the peak from \(previous) to \(next)")
                previous = next
            }
        }
    }

    /// Under `appendix-a` a larger ratio never lowers the peak. Under `physical` it does once, by at most the
    /// partial copy it replaces: when an input ratio selects every channel (ceil(r C) = C) the stored input is
    /// the working copy itself, so the layer's separately stored channels (its stored bytes before) are no
    /// longer held twice.
    @Test(arguments: seeds)
    func growingAChannelRatioLowersThePeakOnlyByMergingTheStoredCopy(seed: UInt64) throws {
        let (model, seeded) = try Self.model(seed: seed)
        var generator = seeded
        let weightLayers = model.graph.layers.indices.filter { model.graph.layers[$0].operation.isWeightLayer }
        let ratios = [ChannelRatio(1, 8), ChannelRatio(1, 4), ChannelRatio(1, 3), ChannelRatio(1, 2), ChannelRatio(3, 4), .all]
        for profile in [CountingProfile.appendixA, .physical] {
            for workload in Self.workloads {
                var updates = weightLayers.reduce(into: [LayerUpdate](repeating: .frozen, count: model.graph.layerCount)) { updates, index in
                    updates[index] = LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(1, 8), outputChannelRatio: ChannelRatio(1, 8))
                }
                var previous = try Self.cost(model, updates, workload, profile: profile)
                for _ in 0..<20 {
                    guard let index = weightLayers.randomElement(using: &generator) else { break }
                    let growsInput = Bool.random(using: &generator)
                    let current = growsInput ? updates[index].inputChannelRatio : updates[index].outputChannelRatio
                    guard let larger = ratios.filter({ $0 > current }).randomElement(using: &generator) else { continue }
                    if growsInput { updates[index].inputChannelRatio = larger } else { updates[index].outputChannelRatio = larger }
                    let next = try Self.cost(model, updates, workload, profile: profile)
                    let channels = model.layerCosts[index].inputChannels
                    let becameWhole = growsInput && larger.selectedCount(of: channels) == channels
                    let merged = profile == .physical && becameWhole ? previous.steps[0].storedBytes[index] : 0
                    #expect(next.peak.bytes >= previous.peak.bytes - merged,
                            "seed \(seed), \(profile.name), \(workload.propagation): growing a ratio of layer \(index) to \(larger) lowered the peak from \(previous.peak) to \(next.peak)")
                    previous = next
                }
            }
        }
    }

    @Test(arguments: seeds)
    func randomGraphsSurviveTheFlatForm(seed: UInt64) throws {
        let (model, _) = try Self.model(seed: seed)
        let text = JSONWriter.write(model.graph.graph.json)
        let again = try ShapedGraph(jsonBytes: Array(text.utf8), file: "flat.json")
        #expect(again.graph == model.graph.graph, "seed \(seed)")
        let againModel = try CostModel(again)
        #expect(againModel.layerCosts == model.layerCosts)
        for workload in Self.workloads {
            let plan = AdaptationMethod.maml.plan(for: again, innerSteps: 1)
            #expect(try againModel.adaptation(of: plan, workload: workload) == model.adaptation(of: plan, workload: workload))
        }
    }
}
