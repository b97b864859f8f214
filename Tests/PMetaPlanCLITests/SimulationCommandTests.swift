import Foundation
import Testing
@testable import PMetaPlanCLI

/// `pmeta-plan simulate-dynamic` and `simulate-federated` on tiny networks: the tables, determinism by seed,
/// and usage errors.
@Suite struct SimulationCommandTests {
    static let fourConvTiny = """
        {"format": 1, "name": "4Conv-tiny", "input": {"shape": [3, 8, 8], "element_bytes": 4},
         "layers": [
           {"repeat": 2, "name": "block", "layers": [
             {"name": "conv", "op": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
             {"name": "gn", "op": "group_norm", "groups": 2},
             {"name": "relu", "op": "relu"},
             {"name": "pool", "op": "max_pool", "kernel": 2}]},
           {"op": "flatten"},
           {"name": "head", "op": "linear", "out_features": 3}]}
        """

    static let sinusoidTiny = """
        {"format": 1, "name": "MLP tiny", "input": {"shape": [1], "element_bytes": 4},
         "layers": [
           {"name": "fc1", "op": "linear", "out_features": 8},
           {"name": "relu1", "op": "relu"},
           {"name": "head", "op": "linear", "out_features": 1}]}
        """

    static func file(_ text: String, named name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pmeta-plan-simulation-tests-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Issue 16: --byte-budget plans the channel counts; with a budget no channel fits it is a usage error, and it
    /// excludes the fraction --budget.
    @Test func simulateDynamicTakesAByteBudgetForThePlanner() throws {
        let path = try Self.file(Self.fourConvTiny, named: "4conv-tiny.json")
        let planned = CommandHarness.run(["simulate-dynamic", path, "--tasks", "1", "--epochs", "1", "--shots", "1", "--byte-budget", "1MB"])
        #expect(planned.exitCode == .success, "\(planned.errorOutput)")
        #expect(planned.output.contains("byte budget 1.00 MB (1,000,000 B) (the planner's channel counts)"), "\(planned.output)")
        #expect(planned.output.contains("Planned layers (c of C input channels):"))
        let tooSmall = CommandHarness.run(["simulate-dynamic", path, "--tasks", "1", "--byte-budget", "10B"])
        #expect(tooSmall.exitCode == .usage)
        #expect(tooSmall.errorOutput.contains("not even one input channel of one layer of 4Conv-tiny fits in 10 B"), "\(tooSmall.errorOutput)")
        let both = CommandHarness.run(["simulate-dynamic", path, "--budget", "0.5", "--byte-budget", "1MB"])
        #expect(both.exitCode == .usage)
        #expect(both.errorOutput.contains("exclude each other"))
    }

    @Test func simulateDynamicPrintsOneRowPerStrategyAndRepeatsBySeed() throws {
        let path = try Self.file(Self.fourConvTiny, named: "4conv-tiny.json")
        let arguments = ["simulate-dynamic", path, "--tasks", "2", "--epochs", "1", "--shots", "1", "--budget", "0.5", "--seed", "3"]
        let first = CommandHarness.run(arguments)
        #expect(first.exitCode == .success, "\(first.errorOutput)")
        for label in ["before adaptation", "dynamic (importance)", "static top-k", "uniform random"] {
            #expect(first.output.contains(label))
        }
        #expect(first.output.contains("block1.conv 2/3, block2.conv 2/4, head 8/16"))
        #expect(CommandHarness.run(arguments).output == first.output)
    }

    @Test func simulateFederatedPrintsTheSavingAndRepeatsBySeed() throws {
        let path = try Self.file(Self.sinusoidTiny, named: "mlp-tiny.json")
        let arguments = ["simulate-federated", path, "--top-p", "25", "--clients", "2", "--rounds", "2", "--eval-tasks", "2", "--seed", "4"]
        let first = CommandHarness.run(arguments)
        #expect(first.exitCode == .success, "\(first.errorOutput)")
        // n = 16 global weights (fc1), k = 4.
        #expect(first.output.contains("Global weights n = 16; Top-25% sends k = 4 values"))
        #expect(first.output.contains("Communication saving of Top-25%"))
        // Full communication: 2 clients x 2 rounds x 16 weights x 4 B, up and down = 512 B, 256 B of it up;
        // every size prints with its unit (issue 15, item 18).
        #expect(first.output.contains("full 512 B (up 256 B) by round 2"), "\(first.output)")
        #expect(first.output.split(separator: "\n").contains { $0.hasPrefix("    2 ") && $0.contains("512 B") })
        #expect(CommandHarness.run(arguments).output == first.output)
    }

    @Test func simulateFederatedRejectsAnUnknownLocalLayer() throws {
        let path = try Self.file(Self.sinusoidTiny, named: "mlp-tiny.json")
        let result = CommandHarness.run(["simulate-federated", path, "--top-p", "10", "--local", "hed"])
        #expect(result.exitCode == .usage)
        #expect(result.errorOutput.contains("--local hed"))
    }

    @Test func simulateDynamicStartsFromAMetaTrainedModelOnItsHeldOutClasses() throws {
        let path = try Self.file(Self.fourConvTiny, named: "4conv-tiny.json")
        let folder = NSTemporaryDirectory() + "pmeta-simulate-dynamic-\(UUID().uuidString)"
        let trained = CommandHarness.run(["meta-train", path, "--task", "fewshot", "-o", folder, "--method", "maml", "--iterations", "2",
                                          "--validate-every", "2", "--validation-tasks", "1", "--queries", "2", "--shots", "2"])
        #expect(trained.exitCode == .success, "\(trained.errorOutput)")
        let result = CommandHarness.run(["simulate-dynamic", path, "--weights", folder, "--tasks", "2", "--epochs", "1", "--budget", "0.5"])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        // The model's 2 shots (not the fallback's 5) and its queries: 3 classes x 2 queries per task.
        #expect(result.output.contains("4Conv-tiny: 3-way 2-shot, 2 held-out tasks"))
        #expect(result.output.contains("Start: meta-trained weights \(folder) (MAML, 2 steps, meta-trained 2-shot)"))
        let random = CommandHarness.run(["simulate-dynamic", path, "--tasks", "2", "--epochs", "1", "--budget", "0.5"])
        #expect(random.output.contains("Start: random weights (He-normal, seed 1)"))
    }

    @Test func simulateDynamicRejectsAModelOfAnotherNetwork() throws {
        let path = try Self.file(Self.fourConvTiny, named: "4conv-tiny.json")
        let mlp = try Self.file(Self.sinusoidTiny, named: "mlp-tiny.json")
        let folder = NSTemporaryDirectory() + "pmeta-simulate-dynamic-\(UUID().uuidString)"
        #expect(CommandHarness.run(["meta-train", mlp, "--task", "sinusoid", "-o", folder, "--method", "maml", "--iterations", "1",
                                    "--validate-every", "1", "--validation-tasks", "1"]).exitCode == .success)
        let result = CommandHarness.run(["simulate-dynamic", path, "--weights", folder, "--tasks", "1"])
        #expect(result.exitCode != .success)
        #expect(result.errorOutput.contains(folder))
    }
}
