import Foundation
import PMetaPlan
@testable import PMetaPlanCLI
import Testing

/// Issue 15, items 5-10: answers that used to be silently wrong, run through the commands' entry points.
@Suite(.serialized) struct SilentAnswerTests {
    let folder: String
    let fourConv = CommandHarness.architecture("4conv")

    init() throws {
        folder = NSTemporaryDirectory() + "pmeta-answers-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) -> CommandResult {
        PMetaPlanCommand.run(arguments: arguments, environment: environment)
    }

    func write(_ text: String, _ name: String) throws -> String {
        try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        return folder + "/" + name
    }

    /// The issue's reproducer: a plan made for int8 activations and 2-byte gradients.
    func int8Plan() throws -> String {
        let path = folder + "/p.json"
        let planned = run(["--budget", "700KB", fourConv, "--activation-bytes", "1", "--gradient-bytes", "2", "-o", path])
        try #require(planned.exitCode == .success, "\(planned.errorOutput)")
        return path
    }

    // MARK: - Item 5

    @Test func checkCostsAPlanFileUnderTheWorkloadItRecords() throws {
        let plan = try int8Plan()
        let file = try String(contentsOfFile: plan, encoding: .utf8)
        #expect(file.contains(#""activation_bytes": 1"#) && file.contains(#""gradient_bytes": 2"#) && file.contains(#""profile": "physical""#))
        let checked = run(["check", fourConv, "--plan", plan, "--budget", "700KB"])
        #expect(checked.exitCode == .success, "\(checked.output)\(checked.errorOutput)")
        let json = try JSONParser.parse(checked.output)
        #expect(json["workload"]?["activation_bytes"]?.integerValue == 1)
        #expect(json["workload"]?["gradient_bytes"]?.integerValue == 2)
        // The plan's own predicted peak, as plan -o recorded it, is what check finds.
        let planJSON = try JSONParser.parse(file)
        #expect(json["adaptation_peak_bytes"] == planJSON["predicted_peak_bytes"])
    }

    @Test func aFlagThatContradictsThePlanFileIsAUsageErrorUnlessOverridden() throws {
        let plan = try int8Plan()
        let refused = run(["check", fourConv, "--plan", plan, "--budget", "700KB", "--activation-bytes", "4"])
        #expect(refused.exitCode == .usage)
        #expect(refused.errorOutput.contains("--activation-bytes 4 contradicts the plan file \(plan), made for activation bytes 1"), "\(refused.errorOutput)")
        let same = run(["check", fourConv, "--plan", plan, "--budget", "700KB", "--activation-bytes", "1"])
        #expect(same.exitCode == .success, "\(same.errorOutput)")
        let overridden = run(["check", fourConv, "--plan", plan, "--budget", "700KB", "--activation-bytes", "4", "--override-plan-workload"])
        #expect(overridden.exitCode == .overBudget, "\(overridden.errorOutput)")
        #expect(overridden.output.contains("activation-bytes: the plan was made for 1, costed with 4"))
        #expect(overridden.errorOutput.contains("Note: --override-plan-workload: activation-bytes"))
        let profile = run(["analyze", fourConv, "--plan", plan, "--profile", "paper"])
        #expect(profile.exitCode == .usage)
        #expect(profile.errorOutput.contains("--profile paper contradicts the plan file"))
    }

    @Test func anOldPlanFileWithoutARecordStillReads() throws {
        let plan = try write(#"{"format": 1, "kind": "update-plan", "architecture": "4Conv", "steps": [{"updates": [{"layer": "head"}]}]}"#, "old.json")
        let checked = run(["check", fourConv, "--plan", plan, "--budget", "3MB", "--activation-bytes", "2"])
        #expect(checked.exitCode == .success, "\(checked.errorOutput)")
        #expect(try JSONParser.parse(checked.output)["workload"]?["activation_bytes"]?.integerValue == 2)
    }

    // MARK: - Item 6

    @Test func aBaselineOfAnotherArchitectureOrWorkloadIsRefused() throws {
        let resnet = run(["check", CommandHarness.architecture("resnet12"), "--budget", "100MB"])
        let resnetBaseline = try write(resnet.output, "resnet.json")
        let mixed = run(["check", fourConv, "--budget", "100MB", "--baseline", resnetBaseline])
        #expect(mixed.exitCode == .badData)
        #expect(mixed.errorOutput.contains(#"resnet.json: architecture: the baseline is of "ResNet12", this check of "4Conv""#), "\(mixed.errorOutput)")
        let microBatch = try write(run(["check", fourConv, "--budget", "100MB", "--micro-batch", "5"]).output, "mb5.json")
        let other = run(["check", fourConv, "--budget", "100MB", "--baseline", microBatch])
        #expect(other.exitCode == .badData)
        #expect(other.errorOutput.contains("mb5.json: workload: the baseline is of"), "\(other.errorOutput)")
    }

    @Test func theStepSummaryHasBaselineAndDeltaColumns() throws {
        let baseline = try write(run(["check", fourConv, "--budget", "3MB"]).output, "same.json")
        let summary = folder + "/summary.md"
        let result = run(["check", fourConv, "--budget", "3MB", "--baseline", baseline], environment: ["GITHUB_STEP_SUMMARY": summary])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        let text = try String(contentsOfFile: summary, encoding: .utf8)
        // MAML's 4Conv peak, 2,206,100 B, as `pmeta-plan --budget 1.2MB architectures/4conv.json` prints it.
        #expect(text.contains("| budget | baseline | adaptation peak | delta | fits |"))
        #expect(text.contains("| 3.00 MB (3,000,000 B) | 2.21 MB (2,206,100 B) | 2.21 MB (2,206,100 B) | +0.00% (0 B) | yes |"), "\(text)")
        let json = try JSONParser.parse(result.output)
        #expect(json["graph_changed"]?.boolValue == false)
        #expect(json["graph_hash"]?.stringValue?.hasPrefix("fnv1a64:") == true)
    }

    // MARK: - Item 7

    @Test func oneKPerRun() throws {
        let importance = try write(#"{"format": 1, "kind": "importance", "architecture": "4Conv", "inner_steps": 2, "step_sizes": {"head": [0.4, 0.3]}}"#,
                                   "k2.json")
        let conflict = run(["--budget", "1.2MB", fourConv, "--importance", importance, "-k", "1"])
        #expect(conflict.exitCode == .usage)
        #expect(conflict.errorOutput.contains("--inner-steps 1 contradicts \(importance), which scores 2 inner steps"))
        let planned = run(["--budget", "1.2MB", fourConv, "--importance", importance])
        #expect(planned.exitCode == .success, "\(planned.errorOutput)")
        // MAML at K = 2 takes twice the MACs of K = 1 (1.96 GMAC, printed by `pmeta-plan --budget 1.2MB architectures/4conv.json`).
        #expect(planned.output.contains("K = 2 inner steps"))
        let mamlRow = try #require(planned.output.split(separator: "\n").first { $0.hasPrefix("MAML ") })
        #expect(mamlRow.hasSuffix("3.92 GMAC"), "\(mamlRow)")
    }

    // MARK: - Item 8

    @Test func anAllZeroImportanceFileSaysNothingIsWorthUpdating() throws {
        let importance = try write(#"{"format": 1, "kind": "importance", "architecture": "4Conv", "inner_steps": 1, "step_sizes": {"head": [0], "block1.conv": [0]}}"#,
                                   "zero.json")
        let result = run(["--budget", "10MB", fourConv, "--importance", importance])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        #expect(result.output.contains("every step size is 0, so no layer-step is worth updating"))
        #expect(!result.output.contains("DOES NOT FIT"))
    }

    // MARK: - Item 9

    @Test func conflictingFlagsAreUsageErrors() throws {
        let plan = try int8Plan()
        let analyze = run(["analyze", fourConv, "--method", "anil", "--plan", plan])
        #expect(analyze.exitCode == .usage)
        #expect(analyze.errorOutput.contains("--method anil and --plan \(plan) both name what to cost; give one"))
        let twoStep = try write(#"{"format": 1, "kind": "update-plan", "steps": [{"updates": [{"layer": "head"}]}, {"updates": [{"layer": "head"}]}]}"#,
                                "two-step.json")
        let steps = run(["check", fourConv, "--plan", twoStep, "--inner-steps", "1", "--budget", "3MB"])
        #expect(steps.exitCode == .usage)
        #expect(steps.errorOutput.contains("--inner-steps 1 contradicts the plan file \(twoStep), made for inner steps 2"), "\(steps.errorOutput)")
        let seed = run(["--budget", "1.2MB", fourConv, "--seed", "3"])
        #expect(seed.exitCode == .usage)
        #expect(seed.errorOutput.contains("--seed draws the dynamic strategy's channels"))
    }

    // MARK: - Item 10

    @Test func aSweepNeedsNoBudgetAndAGivenBudgetMarksItsRow() throws {
        let plain = run([fourConv, "--sweep"])
        #expect(plain.exitCode == .success, "\(plain.errorOutput)")
        #expect(!plain.output.contains("\n> "))
        let marked = run([fourConv, "--sweep", "--budget", "1.2MB"])
        #expect(marked.exitCode == .success)
        #expect(marked.unwrappedOutput.contains("The row marked '>' is the optimum within the given budget 1.2MB"))
        // The exact optimum at 1.2 MB peaks at 1,197,428 B (printed by `pmeta-plan --budget 1.2MB architectures/4conv.json`).
        let row = try #require(marked.output.split(separator: "\n").first { $0.contains("> ") })
        #expect(row.contains("1.20 MB (1,197,428 B)"), "\(row)")
        let json = try JSONParser.parse(run([fourConv, "--sweep", "--budget", "1.2MB", "--format", "json"]).output)
        let points = try #require(json["points"]?.arrayValue)
        #expect(points.filter { $0["within_given_budget"]?.boolValue == true }.count == 1)
    }

    // MARK: - Item 20 (plan files)

    @Test func aPlanFileWithAnUnknownMemberIsBadData() throws {
        let plan = try write(#"{"format": 1, "kind": "update-plan", "step": [], "steps": [{"updates": [{"layer": "head"}]}]}"#, "typo.json")
        let result = run(["analyze", fourConv, "--plan", plan])
        #expect(result.exitCode == .badData)
        #expect(result.errorOutput.contains("typo.json: step: unknown field (did you mean 'steps'?)"), "\(result.errorOutput)")
    }
}

/// Issue 15, item 20: one bad name cannot make a message of megabytes.
@Suite struct LongNameTests {
    @Test func aLongUnknownLayerNameIsCut() throws {
        let path = NSTemporaryDirectory() + "pmeta-long-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let name = String(repeating: "x", count: 100_000)
        try #"{"format": 1, "steps": [{"updates": [{"layer": "\#(name)"}]}]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let result = PMetaPlanCommand.run(arguments: ["analyze", CommandHarness.architecture("4conv"), "--plan", path])
        #expect(result.exitCode == .badData)
        #expect(result.errorOutput.contains("unknown layer '\(String(repeating: "x", count: 80))... (100,000 characters)'"))
        #expect(result.errorOutput.count < 400)
    }
}

/// Issue 15, item 20: a network name cannot drive the terminal.
@Suite struct ControlCharacterOutputTests {
    @Test func controlCharactersInANetworkNameAreEscapedInTextOutput() throws {
        let path = NSTemporaryDirectory() + "pmeta-escape-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"format": 1, "name": "evil\u001b[2J", "input": {"shape": [4]}, "layers": [{"name": "fc", "op": "linear", "out_features": 2}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = PMetaPlanCommand.run(arguments: ["analyze", path])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        #expect(!result.output.unicodeScalars.contains("\u{1B}"))
        #expect(result.output.contains(#"evil\u001b[2J"#))
    }
}
