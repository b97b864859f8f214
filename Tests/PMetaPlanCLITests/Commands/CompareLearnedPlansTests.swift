import Foundation
import PMetaPlan
@testable import PMetaPlanCLI
import Testing

/// `compare` with learned plans beside the methods: the planner's `pmeta` row and plan files.
@Suite struct CompareLearnedPlansTests {
    let fourConv = CommandHarness.architecture("4conv")

    @Test func thePlannersRowAndAPlanFileSitBesideTheMethods() throws {
        let planPath = NSTemporaryDirectory() + "compare-plan-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: planPath) }
        #expect(CommandHarness.run(["--budget", "1.2MB", fourConv, "-o", planPath]).exitCode == .success)
        let result = CommandHarness.run(["compare", fourConv, "--methods", "maml,anil,pmeta", "--budget", "1.2MB", "--plan", planPath,
                                         "--format", "json"])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        let json = try JSONParser.parse(result.output)
        let rows = try #require(json["methods"]?.arrayValue)
        #expect(rows.map { $0["method"]?.stringValue } == ["maml", "anil", "pmeta", planPath])
        let peaks = rows.map { $0["adaptation_peak_bytes"]?.integerValue ?? -1 }
        // The planner's plan fits the budget, and the plan file the plan command wrote for that budget is the same plan.
        #expect(peaks[2] > 0 && peaks[2] <= 1_200_000)
        #expect(peaks[3] == peaks[2])
        // MAML's 4Conv peak under the default workload, as the README's table prints it.
        #expect(peaks[0] == 2_206_100)
    }

    @Test func thePlannersRowNeedsABudgetAndPlanFilesTheirWorkload() {
        #expect(CommandHarness.run(["compare", fourConv, "--methods", "pmeta"]).exitCode == .usage)
        #expect(CommandHarness.run(["compare", fourConv, "--budget", "1MB"]).exitCode == .usage)
        #expect(CommandHarness.run(["compare", fourConv, "--methods", "mam"]).errorOutput.contains("pmeta"))
    }
}
