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
