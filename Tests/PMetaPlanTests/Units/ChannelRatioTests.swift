import Testing
@testable import PMetaPlan

@Suite struct ChannelRatioTests {
    @Test func selectsTheCeilingOfTheFraction() {
        #expect(ChannelRatio(1, 8).selectedCount(of: 3) == 1)
        #expect(ChannelRatio(1, 4).selectedCount(of: 64) == 16)
        #expect(ChannelRatio(3, 4).selectedCount(of: 5) == 4)
        #expect(ChannelRatio.none.selectedCount(of: 7) == 0)
    }

    @Test func selectionIsExactWhenTheProductOverflows() {
        // 2^30 x 2^33 / (2^62 - 57) = 2 + 114 / (2^62 - 57): a Double of the ratio rounds to 2^-29 and says 2.
        let ratio = ChannelRatio(1 << 33, (1 << 62) - 57)
        #expect(ratio.selectedCount(of: 1 << 30) == 3)
        #expect(ChannelRatio(parsing: "9223372036854775806/9223372036854775807")?.selectedCount(of: Int.max) == Int.max - 1)
    }

    @Test func ratiosWithHugeTermsCompareWithoutOverflow() throws {
        let almostOne = try #require(ChannelRatio(parsing: "9223372036854775806/9223372036854775807"))
        let nearlyAsClose = try #require(ChannelRatio(parsing: "9223372036854775805/9223372036854775806"))
        #expect(nearlyAsClose < almostOne)
        #expect(!(almostOne < almostOne))
        #expect(almostOne < .all)
        #expect(ChannelRatio.none < nearlyAsClose)
    }

    @Test func parsesDecimalsAndFractions() {
        #expect(ChannelRatio(parsing: "0.25") == ChannelRatio(1, 4))
        #expect(ChannelRatio(parsing: ".5") == ChannelRatio(1, 2))
        #expect(ChannelRatio(parsing: " 3/12 ") == ChannelRatio(1, 4))
        #expect(ChannelRatio(parsing: "1") == .all)
        #expect(ChannelRatio(parsing: "1.5") == nil)
        #expect(ChannelRatio(parsing: "2/1") == nil)
        #expect(ChannelRatio(parsing: "1/0") == nil)
        #expect(ChannelRatio(parsing: "-1/2") == nil)
    }
}
