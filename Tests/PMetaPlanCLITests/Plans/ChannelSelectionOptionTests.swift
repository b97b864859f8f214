import Foundation
import Testing
@testable import PMetaPlan
@testable import PMetaPlanCLI

/// `plan --channel-selection` writes which channels a plan's partial updates keep (docs/plan-format.md).
@Suite struct ChannelSelectionOptionTests {
    static func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "pmeta-selection-\(UUID().uuidString)-\(name)"
    }

    @Test func magnitudeIsWrittenOnEveryUpdateThatKeepsFewerChannels() throws {
        let output = Self.temporaryPath("plan.json")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = CommandHarness.run(["--budget", "1.2MB", CommandHarness.architecture("4conv"), "-o", output, "--channel-selection", "magnitude"])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        let document = try JSONParser.parse(try String(contentsOfFile: output, encoding: .utf8))
        let updates = document["steps"]?.arrayValue?.flatMap { $0["updates"]?.arrayValue ?? [] } ?? []
        let partial = updates.filter { $0["input_ratio"] != nil || $0["output_ratio"] != nil }
        #expect(!partial.isEmpty, "the 1.2 MB plan of 4Conv keeps a fraction of some layer's channels")
        #expect(partial.allSatisfy { $0["channel_selection"]?.stringValue == "magnitude" })
        #expect(updates.filter { $0["input_ratio"] == nil && $0["output_ratio"] == nil }.allSatisfy { $0["channel_selection"] == nil })
        // The written plan costs what the printed plan costs: the selection changes no byte.
        let checked = CommandHarness.run(["check", CommandHarness.architecture("4conv"), "--plan", output, "--budget", "1.2MB"])
        #expect(checked.exitCode == .success, "\(checked.errorOutput)")
        let planned = try JSONParser.parse(CommandHarness.run(["--budget", "1.2MB", CommandHarness.architecture("4conv"), "--format", "json"]).output)
        #expect(try JSONParser.parse(checked.output)["adaptation_peak_bytes"]?.integerValue == planned["adaptation_peak_bytes"]?.integerValue)
    }

    @Test func theOptionNeedsAWrittenStaticPlan() {
        let unwritten = CommandHarness.run(["--budget", "1.2MB", CommandHarness.architecture("4conv"), "--channel-selection", "magnitude"])
        #expect(unwritten.exitCode == .usage)
        #expect(unwritten.errorOutput.contains("--channel-selection says which channels the written plan keeps; add --output plan.json"))
        let dynamic = CommandHarness.run(["--budget", "1.2MB", CommandHarness.architecture("4conv"), "--strategy", "dynamic",
                                          "--channel-selection", "first", "-o", Self.temporaryPath("dynamic.json")])
        #expect(dynamic.exitCode == .usage)
        #expect(dynamic.errorOutput.contains("the dynamic strategy redraws them every epoch"))
        let unknown = CommandHarness.run(["--budget", "1.2MB", CommandHarness.architecture("4conv"), "--channel-selection", "largest"])
        #expect(unknown.exitCode == .usage)
    }
}
