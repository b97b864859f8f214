import Foundation
import Testing
@testable import PMetaPlan
@testable import PMetaPlanCLI

/// `plan --attention RHO [--rho-backward RHO]`: plans whose conv/linear updates meta attention attends.
@Suite struct AttentionOptionTests {
    static func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "pmeta-attention-\(UUID().uuidString)-\(name)"
    }

    @Test func everyUpdatedConvIsAttendedAndTheHeadIsNot() throws {
        let output = Self.temporaryPath("plan.json")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let architecture = CommandHarness.architecture("4conv-small")
        let result = CommandHarness.run(["--budget", "150KB", architecture, "--attention", "0.3", "--rho-backward", "1/4", "-o", output])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        #expect(result.unwrappedOutput.contains("Meta attention (rho_fw 3/10, rho_bw 1/4) on every attendable layer"))
        let document = try JSONParser.parse(try String(contentsOfFile: output, encoding: .utf8))
        let updates = document["steps"]?.arrayValue?.flatMap { $0["updates"]?.arrayValue ?? [] } ?? []
        let convs = updates.filter { $0["layer"]?.stringValue?.hasSuffix(".conv") ?? false }
        #expect(!convs.isEmpty)
        #expect(convs.allSatisfy { $0["attention"]?["rho_forward"]?.stringValue == "3/10" && $0["attention"]?["rho_backward"]?.stringValue == "1/4" })
        #expect(convs.allSatisfy { $0["input_ratio"] == nil })
        #expect(updates.filter { !($0["layer"]?.stringValue?.hasSuffix(".conv") ?? false) }.allSatisfy { $0["attention"] == nil })
        // The written plan costs what the planner said.
        let checked = CommandHarness.run(["check", architecture, "--plan", output, "--budget", "150KB"])
        #expect(checked.exitCode == .success, "\(checked.errorOutput)")
        let planned = try JSONParser.parse(CommandHarness.run(["--budget", "150KB", architecture, "--attention", "0.3", "--rho-backward", "1/4",
                                                               "--format", "json"]).output)
        #expect(try JSONParser.parse(checked.output)["adaptation_peak_bytes"]?.integerValue == planned["adaptation_peak_bytes"]?.integerValue)
    }

    @Test func badClipRatiosAndContradictionsAreUsageErrors() {
        let architecture = CommandHarness.architecture("4conv-small")
        let whole = CommandHarness.run(["--budget", "150KB", architecture, "--attention", "1"])
        #expect(whole.exitCode == .usage)
        #expect(whole.errorOutput.contains("--attention: '1' is not a clip ratio in [0, 1)"))
        #expect(CommandHarness.run(["--budget", "150KB", architecture, "--attention", "lots"]).exitCode == .usage)
        let backwardOnly = CommandHarness.run(["--budget", "150KB", architecture, "--rho-backward", "0.1"])
        #expect(backwardOnly.exitCode == .usage)
        #expect(backwardOnly.errorOutput.contains("add --attention RHO"))
        let dynamic = CommandHarness.run(["--budget", "150KB", architecture, "--attention", "0.3", "--strategy", "dynamic"])
        #expect(dynamic.exitCode == .usage)
        #expect(dynamic.errorOutput.contains("--attention chooses channels per pass"))
    }
}
