import Foundation
import Testing
@testable import PMetaPlanCLI

/// `pmeta-plan plan --strategy dynamic`: exit codes, JSON and the options it refuses.
@Suite struct DynamicStrategyTests {
    @Test func aFittingDynamicPlanExitsZeroWithExactJSON() throws {
        let result = CommandHarness.run(["--budget", "1.2MB", CommandHarness.architecture("4conv"), "--strategy", "dynamic", "--format", "json"])
        #expect(result.exitCode == .success)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["strategy"] as? String == "dynamic")
        let peak = try #require(object["adaptation_peak_bytes"] as? Int)
        #expect(peak <= 1_200_000)
        #expect(object["headroom_bytes"] as? Int == 1_200_000 - peak)
        let layers = try #require(object["layers"] as? [[String: Any]])
        #expect(layers.last?["layer"] as? String == "head")
        let draw = try #require((object["sampling"] as? [String: Any])?["first_draw"] as? [String: [Int]])
        for layer in layers {
            #expect(draw[layer["layer"] as? String ?? ""]?.count == layer["selected_channels"] as? Int)
        }
    }

    @Test func theSameSeedDrawsTheSameChannels() {
        let arguments = ["--budget", "1.2MB", CommandHarness.architecture("4conv"), "--strategy", "dynamic", "--seed", "7"]
        #expect(CommandHarness.run(arguments).output == CommandHarness.run(arguments).output)
        #expect(CommandHarness.run(arguments).output != CommandHarness.run(Array(arguments.dropLast()) + ["8"]).output)
    }

    @Test func nothingFittingExitsOne() {
        let result = CommandHarness.run(["--budget", "500KB", CommandHarness.architecture("4conv"), "--strategy", "dynamic"])
        #expect(result.exitCode == .overBudget)
        #expect(result.output.contains("DOES NOT FIT"))
        #expect(result.output.contains("What would fit"))
    }

    @Test func sweepIsForTheStaticStrategy() {
        let result = CommandHarness.run(["--budget", "1MB", CommandHarness.architecture("4conv"), "--strategy", "dynamic", "--sweep"])
        #expect(result.exitCode == .usage)
        #expect(result.errorOutput.hasPrefix("Error: --sweep is for the static strategy"))
    }

    @Test func theStaticStrategyIsTheDefault() {
        let plain = CommandHarness.run(["--budget", "1.2MB", CommandHarness.architecture("4conv")])
        let explicit = CommandHarness.run(["--budget", "1.2MB", CommandHarness.architecture("4conv"), "--strategy", "static"])
        #expect(plain.output == explicit.output)
    }
}
