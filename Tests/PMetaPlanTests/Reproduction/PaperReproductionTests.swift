import Testing
@testable import PMetaPlan

@Suite struct PaperReproductionTests {
    static let cells: [PaperCell] = (try? PaperReproduction.cells(graph: ShippedArchitectures.graph)) ?? []

    @Test func everyPrintedCellIsComputed() {
        // Table 1: 3 networks x 6 columns + the 2 bracketed per-observation MLP figures = 20;
        // Table 2: 2 networks x 4 methods x 3 columns = 24; Table 3: 2 tasks x 4 methods x 2 columns = 16.
        #expect(Self.cells.count == 60)
        #expect(Self.cells.filter { $0.table == 1 }.count == 20)
        #expect(Self.cells.filter { $0.table == 2 }.count == 24)
        #expect(Self.cells.filter { $0.table == 3 }.count == 16)
    }

    @Test func atLeast58CellsRoundToThePrintedDigits() {
        let misses = Self.cells.filter { !$0.matches }
        #expect(Self.cells.count - misses.count >= 58, "misses: \(misses.map { "\($0.row) \($0.column)" })")
    }

    @Test func theMissesAreExactlyTheTwoExplainedCells() {
        let misses = Self.cells.filter { !$0.matches }.map { "\($0.table) \($0.row) \($0.column)" }
        #expect(misses == ["1 ResNet12 adaptation MB", "2 ResNet12 BOIL memory MB"])
        #expect(Self.cells.filter { !$0.matches }.allSatisfy { $0.reasonForMismatch != nil })
    }

    @Test(arguments: PaperReproductionTests.cells)
    func cellMatchesOrIsExplained(_ cell: PaperCell) {
        #expect(cell.matches || cell.reasonForMismatch != nil, "\(cell.row) \(cell.column): printed \(cell.printed), ours \(cell.computedAsPrinted)")
    }
}
