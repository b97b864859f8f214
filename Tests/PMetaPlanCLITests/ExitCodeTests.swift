import Foundation
import Testing
@testable import PMetaPlanCLI

/// Every documented exit code, through the command's entry point; errors leave stdout empty.
@Suite struct ExitCodeTests {
    @Test func aFittingPlanExitsZero() {
        let result = CommandHarness.run(["--budget", "1.2MB", CommandHarness.architecture("4conv")])
        #expect(result.exitCode == .success)
        #expect(result.output.contains("FITS"))
    }

    @Test func nothingFittingExitsOneAndSaysWhatWouldFit() {
        let result = CommandHarness.run(["--budget", "256KB", CommandHarness.architecture("resnet12")])
        #expect(result.exitCode == .overBudget)
        #expect(result.output.contains("DOES NOT FIT"))
        #expect(result.output.contains("Inference alone needs 3.61 MB (3,612,672 B)"))
        #expect(result.output.contains("What would fit"))
    }

    @Test func checkGateExitsZeroOrOne() {
        let fits = CommandHarness.run(["check", CommandHarness.architecture("4conv"), "--budget", "3MB"])
        #expect(fits.exitCode == .success)
        let over = CommandHarness.run(["check", CommandHarness.architecture("4conv"), "--budget", "1MB"], environment: ["GITHUB_ACTIONS": "true"])
        #expect(over.exitCode == .overBudget)
        #expect(over.errorOutput.hasPrefix("::error file="))
        // Outside GitHub Actions the failure is a plain sentence, no workflow command (issue 15, item 19).
        let local = CommandHarness.run(["check", CommandHarness.architecture("4conv"), "--budget", "1MB"])
        #expect(local.errorOutput.hasPrefix("check failed: adaptation peak"))
        #expect(!local.errorOutput.contains("::"))
        #expect((try? JSONSerialization.jsonObject(with: Data(over.output.utf8))) != nil, "stdout stays clean JSON")
    }

    @Test func checkComparesWithABaseline() throws {
        let baseline = FileManager.default.temporaryDirectory.appendingPathComponent("pmeta-baseline-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: baseline) }
        let anil = CommandHarness.run(["check", CommandHarness.architecture("4conv"), "--budget", "3MB", "--method", "anil"])
        try Data(anil.output.utf8).write(to: baseline)
        // A baseline of another method is refused (issue 15, item 6): it says nothing about MAML's growth.
        let other = CommandHarness.run(["check", CommandHarness.architecture("4conv"), "--budget", "3MB",
                                        "--baseline", baseline.path, "--max-increase", "5%"])
        #expect(other.exitCode == .badData)
        #expect(other.errorOutput.contains(#"plan: the baseline is of "anil", this check of "maml""#), "\(other.errorOutput)")
        // The same check with a smaller recorded peak: ANIL's 4Conv peak is 1,144,980 B under the physical profile
        // (printed by `pmeta-plan check architectures/4conv.json --budget 3MB --method anil`); a baseline of 1,000,000 B makes it 14.50% growth (144,980 / 1,000,000).
        let smaller = anil.output.replacingOccurrences(of: #""adaptation_peak_bytes": 1144980"#, with: #""adaptation_peak_bytes": 1000000"#)
        try #require(smaller != anil.output, "the ANIL peak changed: \(anil.output)")
        try Data(smaller.utf8).write(to: baseline)
        let grown = CommandHarness.run(["check", CommandHarness.architecture("4conv"), "--budget", "3MB", "--method", "anil",
                                        "--baseline", baseline.path, "--max-increase", "5%"])
        #expect(grown.exitCode == .overBudget)
        #expect(grown.errorOutput.contains("grew from 1.00 MB (1,000,000 B) by +14.50% (+144,980 B), more than the allowed 5%"), "\(grown.errorOutput)")
        #expect(grown.output.contains(#""growth_percent": 14.50"#))
        try Data(anil.output.utf8).write(to: baseline)
        let same = CommandHarness.run(["check", CommandHarness.architecture("4conv"), "--budget", "3MB", "--method", "anil",
                                       "--baseline", baseline.path, "--max-increase", "0%"])
        #expect(same.exitCode == .success)
    }

    @Test func checkAppendsAGitHubStepSummary() throws {
        let summary = FileManager.default.temporaryDirectory.appendingPathComponent("pmeta-summary-\(UUID().uuidString).md")
        defer { try? FileManager.default.removeItem(at: summary) }
        _ = CommandHarness.run(["check", CommandHarness.architecture("4conv"), "--budget", "1MB"],
                               environment: ["GITHUB_STEP_SUMMARY": summary.path])
        let text = try String(contentsOf: summary, encoding: .utf8)
        #expect(text.contains("### pmeta-plan check: 4Conv (maml) failed"))
    }

    @Test func aMalformedBudgetIsAUsageError() {
        let result = CommandHarness.run(["--budget", "256KBs", CommandHarness.architecture("4conv")])
        #expect(result.exitCode == .usage)
        #expect(result.output.isEmpty)
        #expect(result.errorOutput.hasPrefix("Error: --budget: "))
        #expect(result.errorOutput.contains("Usage: pmeta-plan plan"))
    }

    @Test func anUnknownOptionIsAUsageErrorWithASuggestion() {
        let result = CommandHarness.run(["compare", CommandHarness.architecture("4conv"), "--sampels", "5"])
        #expect(result.exitCode == .usage)
        #expect(result.errorOutput.contains("did you mean '--samples'?"))
        #expect(result.output.isEmpty)
    }

    @Test func aMissingFileIsUnreadable() {
        let result = CommandHarness.run(["analyze", "/nonexistent/arch.json"])
        #expect(result.exitCode == .unreadableInput)
        #expect(result.errorOutput == "Error: /nonexistent/arch.json: no such file\n")
        #expect(result.output.isEmpty)
    }

    @Test func badDataNamesTheFileAndThePath() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pmeta-bad-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"format": 1, "name": "x", "input": {"shape": [3, 8, 8]}, "layers": [{"op": "relu"}, {"op": "conv2d", "out_channels": 2, "kernel": -3}]}"#.utf8).write(to: file)
        let result = CommandHarness.run(["analyze", file.path])
        #expect(result.exitCode == .badData)
        #expect(result.errorOutput == "Error: \(file.path): layers[1].kernel: expected a positive integer or [height, width], found -3\n")
        #expect(result.output.isEmpty)
    }

    @Test func helpExitsZeroAndShowsTheSubcommands() {
        let result = CommandHarness.run(["--help"])
        #expect(result.exitCode == .success)
        #expect(result.output.contains("SUBCOMMANDS:"))
        #expect(result.output.contains("reproduce"))
    }
}
