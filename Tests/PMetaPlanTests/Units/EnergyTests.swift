import Testing
@testable import PMetaPlan

/// Energy as `--energy-per-byte` and `--energy-per-mac` take it and as reports print it.
@Suite struct EnergyTests {
    @Test(arguments: [("5e-7", 5e-7), ("0.5uJ", 5e-7), ("0.5 µJ", 5e-7), ("120nJ", 1.2e-7), ("2mJ", 2e-3), ("1 J", 1), ("3pJ", 3e-12), ("0", 0)])
    func parses(text: String, joules: Double) throws {
        #expect(abs(try Energy(parsing: text).joules - joules) <= 1e-15 * max(1, joules))
    }

    @Test(arguments: ["", "-1", "5 kWh", "J", "nan", "1e400"])
    func rejects(text: String) {
        #expect(throws: EnergySyntaxError.self) { try Energy(parsing: text) }
    }

    @Test(arguments: [(0, "0 J"), (5e-7, "500 nJ"), (1e-9, "1.00 nJ"), (0.00733, "7.33 mJ"), (2.683, "2.68 J"), (2683, "2.68 kJ"), (12.5, "12.5 J")])
    func printsThreeSignificantDigits(joules: Double, text: String) {
        #expect(Energy(joules: joules).description == text)
    }
}
