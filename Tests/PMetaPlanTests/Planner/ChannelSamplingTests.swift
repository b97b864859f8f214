import Testing
@testable import PMetaPlan

/// Importance-weighted channel sampling: probabilities by hand, exact draws, frequencies, reproducibility.
@Suite struct ChannelSamplingTests {
    @Test func probabilitiesAreProportionalAndCapped() {
        // Weights 1...8, c = 3: pi_i = 3 w_i / 36 = w_i / 12, none above 1.
        let proportional = ChannelSampling.inclusionProbabilities(weights: (1...8).map(Double.init), selecting: 3)
        for (index, probability) in proportional.enumerated() { #expect(abs(probability - Double(index + 1) / 12) < 1e-9) }
        // Weights 10, 1, 1, 1, 1, c = 2: 2 x 10 / 14 > 1, so channel 0 is always drawn; the last draw is shared 1/4 each.
        let capped = ChannelSampling.inclusionProbabilities(weights: [10, 1, 1, 1, 1], selecting: 2)
        #expect(capped.map { ($0 * 1e9).rounded() / 1e9 } == [1, 0.25, 0.25, 0.25, 0.25])
        // One positive weight and c = 2: it is drawn, the two zero-weight channels share the other draw.
        #expect(ChannelSampling.inclusionProbabilities(weights: [0, 0, 3], selecting: 2) == [0.5, 0.5, 1])
        #expect(ChannelSampling.inclusionProbabilities(weights: [2, 2], selecting: 2) == [1, 1])
    }

    @Test func drawsHaveExactlyCDistinctChannels() {
        var generator = SeededGenerator(seed: 1)
        for count in 0...9 {
            let drawn = ChannelSampling.draw(weights: [5, 0.1, 3, 3, 0, 1, 8, 2, 2], selecting: count, using: &generator)
            #expect(drawn.count == count && Set(drawn).count == count && drawn == drawn.sorted())
            #expect(drawn.allSatisfy { (0..<9).contains($0) })
        }
    }

    @Test func frequenciesFollowTheImportanceWeights() {
        // 20,000 draws of 3 of 8 channels with weights 1...8: each channel's frequency is within 0.015 of w_i / 12
        // (a standard error is at most 0.0035). One of 4 with weights 1, 2, 3, 4: w_i / 10.
        var generator = SeededGenerator(seed: 99)
        let weights = (1...8).map(Double.init)
        var hits = [Int](repeating: 0, count: 8)
        let draws = 20_000
        let units = ChannelSampling.fixedPointProbabilities(weights: weights, selecting: 3)
        for _ in 0..<draws {
            for channel in ChannelSampling.draw(fixedPointProbabilities: units, count: 3, using: &generator) { hits[channel] += 1 }
        }
        for channel in 0..<8 { #expect(abs(Double(hits[channel]) / Double(draws) - weights[channel] / 12) < 0.015) }
        var single = [Int](repeating: 0, count: 4)
        let singleUnits = ChannelSampling.fixedPointProbabilities(weights: [1, 2, 3, 4], selecting: 1)
        for _ in 0..<draws { single[ChannelSampling.draw(fixedPointProbabilities: singleUnits, count: 1, using: &generator)[0]] += 1 }
        for channel in 0..<4 { #expect(abs(Double(single[channel]) / Double(draws) - Double(channel + 1) / 10) < 0.015) }
    }

    @Test func resamplingIsReproducibleBySeed() throws {
        let model = try ShippedArchitectures.costModel("4conv")
        let problem = PlanningProblem(model: model, workload: Workload(samplesPerStep: 25, microBatch: 1), budget: ByteCount(1_200_000),
                                      importance: .uniform(for: model.graph, innerSteps: 1))
        let plan = try #require(try DynamicChannelPlanner.solve(problem).plan)
        func epochs(seed: UInt64) -> [[Int: [Int]]] {
            var copy = plan
            var generator = SeededGenerator(seed: seed)
            return (0..<5).map { _ in copy.resample(using: &generator) }
        }
        #expect(epochs(seed: 42) == epochs(seed: 42))
        #expect(epochs(seed: 42) != epochs(seed: 43))
        let first = epochs(seed: 42)
        #expect(first[0] != first[1], "successive epochs draw different channels")
    }
}
