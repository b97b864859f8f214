import PMetaTrainer
import Testing

@Suite struct BitMaskTests {
    @Test(arguments: [0, 1, 63, 64, 65, 130])
    func packingRoundTripsEveryBit(count: Int) {
        var generator = SplitMix64(seed: UInt64(count))
        let bits = (0..<count).map { _ in Bool.random(using: &generator) }
        let mask = BitMask(bits)
        #expect(mask.count == count)
        #expect((0..<count).map { mask[$0] } == bits)
        #expect(mask.words.count == (count + 63) / 64)
        #expect(mask.byteCount == 8 * ((count + 63) / 64))
        #expect(mask.setBitCount == bits.filter { $0 }.count)
        if count % 64 != 0 {
            // Bits past the end stay zero, so equal masks compare equal.
            #expect(mask.words.last! >> UInt64(count % 64) == 0)
        }
    }

    @Test func bitsAreLittleEndianWithinWords() {
        let mask = BitMask([true, false, true] + [Bool](repeating: false, count: 61) + [true])
        // Hand count: bits 0 and 2 of word 0 -> 0b101; bit 64 -> bit 0 of word 1.
        #expect(mask.words == [0b101, 1])
    }

    @Test func subscriptSetsAndClears() {
        var mask = BitMask(count: 70)
        mask[69] = true
        mask[3] = true
        mask[3] = false
        #expect(mask.words == [0, 1 << 5])
    }

    @Test func predicateMaskMatchesElementwiseTest() {
        let values: [Float] = (0..<100).map { Float($0 % 7) - 3 }
        let mask = BitMask(values, where: { $0 > 0 })
        #expect((0..<100).map { mask[$0] } == values.map { $0 > 0 })
    }
}
