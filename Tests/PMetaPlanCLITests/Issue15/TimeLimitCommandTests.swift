import Foundation
import Testing
@testable import PMetaPlanCLI

/// Issue 15, item 14, through the entry point: `plan --time-limit`.
@Suite struct TimeLimitCommandTests {
    @Test(arguments: ["-1", "abc", "1e9", "nan"])
    func aBadTimeLimitIsAUsageError(value: String) {
        let result = CommandHarness.run(["plan", "--budget", "1.2MB", "--time-limit", value, CommandHarness.architecture("4conv")])
        #expect(result.exitCode == .usage)
        #expect(result.errorOutput.contains("--time-limit expects seconds"), "\(result.errorOutput)")
    }

    /// The shipped 4Conv solves well within the default limit, so its answer is the proven optimum; 0 is no limit.
    @Test func aSmallNetworkIsSolvedExactly() throws {
        for arguments in [[String](), ["--time-limit", "0"]] {
            let result = CommandHarness.run(["plan", "--budget", "1.2MB", "--format", "json", CommandHarness.architecture("4conv")] + arguments)
            #expect(result.exitCode == .success)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
            #expect(json["search"] == nil)
        }
    }
}

/// The dynamic strategy reads --time-limit too, and says when it stopped.
@Suite struct DynamicTimeLimitCommandTests {
    @Test func theDynamicStrategyAnswersWithinAShortLimitAndSaysSo() throws {
        // 0.001 s: the limit passes while the network is read, so the walk stops at once.
        let result = CommandHarness.run(["plan", "--budget", "1.2MB", "--strategy", "dynamic", "--time-limit", "0.001",
                                         CommandHarness.architecture("4conv")])
        #expect(result.unwrappedOutput.contains("Stopped at the time limit"), "\(result.output)")
        #expect(result.unwrappedOutput.contains("NO PLAN FOUND before the time limit") || result.exitCode == .success)
        let unlimited = CommandHarness.run(["plan", "--budget", "1.2MB", "--strategy", "dynamic", "--time-limit", "0", CommandHarness.architecture("4conv")])
        #expect(unlimited.exitCode == .success)
        #expect(!unlimited.output.contains("Stopped at the time limit"))
    }
}
