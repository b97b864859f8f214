import PMetaTrainer
import Testing

@Suite struct WeightGradientTests {
    /// Weight [4, 2, 1, 2] with 2 groups: outputs 0-1 read inputs 0-1, outputs 2-3 read inputs 2-3.
    /// Selected outputs {1, 2}, inputs {0, 3}: entries (1, 0) and (2, 3), two kernel elements each.
    static let gradient = WeightGradient(
        weightShape: [4, 2, 1, 2], groupCount: 2, outputChannels: [1, 2], inputChannels: [0, 3],
        values: [10, 11, 20, 21])

    @Test func denseScattersEntriesIntoTheWeightLayout() {
        // Hand count: (f=1, local 0) starts at (1 * 2 + 0) * 2 = 4; (f=2, local 1) at (2 * 2 + 1) * 2 = 10.
        var expected = [Float](repeating: 0, count: 16)
        expected[4] = 10
        expected[5] = 11
        expected[10] = 20
        expected[11] = 21
        #expect(Self.gradient.dense().values == expected)
    }

    @Test func valueLooksUpSelectedPairsOnly() {
        #expect(Self.gradient.value(outputChannel: 2, inputChannel: 3, kernelOffset: 1) == 21)
        #expect(Self.gradient.value(outputChannel: 1, inputChannel: 0) == 10)
        #expect(Self.gradient.value(outputChannel: 1, inputChannel: 3) == nil)
        #expect(Self.gradient.value(outputChannel: 0, inputChannel: 0) == nil)
    }

    @Test func applyUpdatesOnlySelectedEntries() {
        var weight = Tensor(shape: [4, 2, 1, 2], repeating: 1)
        Self.gradient.apply(to: &weight, scaledBy: -0.5)
        var expected = [Float](repeating: 1, count: 16)
        expected[4] = -4
        expected[5] = -4.5
        expected[10] = -9
        expected[11] = -9.5
        #expect(weight.values == expected)
    }
}
