import Testing
@testable import PMetaPlan

/// How report prose breaks at the terminal width: at words, never inside a figure, a list item or a table row.
@Suite struct TextWrappingTests {
    @Test func aFigureKeepsItsUnitAndAnOperatorItsOperands() {
        // 30 columns: "Peak: 1.20 MB while it runs:" is 28 characters; the figure "409.60 kB" must move whole.
        let lines = TextWrapping.wrappingProse(["Peak: 1.20 MB while it runs: working set 409.60 kB, |w_after - w_received| here"], width: 30)
        #expect(lines == [
            "Peak: 1.20 MB while it runs:",
            "  working set 409.60 kB,",
            "  |w_after - w_received| here",
        ])
    }

    @Test func aTableRowIsNeverBrokenAndShortLinesStay() {
        let row = "Full fine-tuning    131.60 kB  529.20 kB         1.13 MB  2.21 MB (2,206,100 B)"
        #expect(TextWrapping.wrappingProse([row, "short"], width: 20) == [row, "short"])
    }

    @Test func anIndentedLineContinuesTwoSpacesDeeper() {
        #expect(TextWrapping.wrappingProse(["  one two three four"], width: 14) == ["  one two", "    three four"])
    }

    @Test func listItemsBreakOnlyAfterAnItem() {
        // A compact plan: a layer and its ratio ("dw 1/4,") stay one item; '|' separates inner steps.
        #expect(TextWrapping.listItems("k=1: block2: conv 1/2, dw 1/4; fc 1 | k=2: fc 1") ==
                ["k=1: block2: conv 1/2,", "dw 1/4;", "fc 1", "|", "k=2: fc 1"])
    }
}
