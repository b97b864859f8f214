import Foundation
import PMetaPlan
@testable import PMetaPlanCLI
import Testing

/// Issue 15, items 1-4: inputs that used to stop the tool with a trap (exit 132) now give a documented exit code
/// and a one-line error, run through the command's entry point.
@Suite(.serialized) struct TrapRegressionTests {
    let folder: String

    init() throws {
        folder = try TrainerFixtures.folder(named: "pmeta-traps")
        try #"{"format":1,"name":"R","input":{"shape":[4]},"layers":[{"op":"relu"}]}"#
            .write(toFile: folder + "/relu-only.json", atomically: true, encoding: .utf8)
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) -> CommandResult {
        PMetaPlanCommand.run(arguments: arguments, environment: environment)
    }

    /// A model folder trained for 0 outer steps (the initialization), written by meta-train itself.
    func untrainedModel(_ architecture: String, task: String, name: String) throws -> String {
        let output = folder + "/" + name
        let trained = run(["meta-train", folder + "/\(architecture).json", "--task", task, "-o", output, "--iterations", "0",
                           "--method", "maml", "--queries", "2"])
        try #require(trained.exitCode == .success, "\(trained.errorOutput)")
        return output
    }

    /// Rewrites `task` in DIR/model.json.
    func setTask(_ task: String, in model: String) throws {
        let path = model + "/model.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let start = try #require(text.range(of: "\"task\""))
        let end = try #require(text.range(of: "}", range: start.upperBound..<text.endIndex))
        try (String(text[..<start.lowerBound]) + "\"task\": " + task + String(text[end.upperBound...]))
            .write(toFile: path, atomically: true, encoding: .utf8)
    }

    // MARK: - Item 1: the task of model.json against its network

    @Test(arguments: [
        ("mlp", "sinusoid", #"{"kind": "fewshot", "ways": 5, "shots": 1, "queries": 2, "family_seed": 1, "noise": 0.5}"#, "task.kind"),
        ("conv", "fewshot", #"{"kind": "fewshot", "ways": 7, "shots": 1, "queries": 2, "family_seed": 1, "noise": 0.5}"#, "task.ways"),
        ("conv", "fewshot", #"{"kind": "fewshot", "ways": 10000, "shots": 1, "queries": 2, "family_seed": 1, "noise": 0.5}"#, "task.ways"),
        ("conv", "fewshot", #"{"kind": "sinusoid", "shots": 5, "queries": 5}"#, "task.kind"),
    ])
    func aTaskThatDoesNotFitItsNetworkIsBadDataNamingTheField(architecture: String, trainedTask: String, task: String, field: String) throws {
        let model = try untrainedModel(architecture, task: trainedTask, name: "model-\(architecture)-\(field)-\(task.count)")
        try setTask(task, in: model)
        let validated = run(["validate", folder + "/\(architecture).json", "--plan", model + "/plan.json", "--weights", model, "--tasks", "2"])
        #expect(validated.exitCode == .badData, "\(validated.errorOutput)")
        #expect(validated.errorOutput.contains("model.json: \(field):"), "\(validated.errorOutput)")
        if architecture == "conv" {
            let simulated = run(["simulate-dynamic", folder + "/conv.json", "--weights", model, "--tasks", "2", "--epochs", "1"])
            #expect(simulated.exitCode == .badData, "\(simulated.errorOutput)")
            #expect(simulated.errorOutput.contains("model.json: \(field):"), "\(simulated.errorOutput)")
        }
    }

    /// Item 14's reproducer: `shots` 100,000 in model.json asked for 10.6 GB. Counts are 1 to 10,000, as meta-train
    /// writes them, a task has at most 20,000 samples, and its inputs take at most 256 MiB: 3 ways x (3,000 + 3,000) samples of 3 x 64 x 64 float32
    /// elements are 18,000 x 49,152 B = 884,736,000 B.
    @Test func aTaskTooLargeForTheTrainerIsRefusedBeforeItsSamplesAreMade() throws {
        let tooMany = try untrainedModel("conv", task: "fewshot", name: "model-shots")
        try setTask(#"{"kind": "fewshot", "ways": 3, "shots": 100000, "queries": 2, "family_seed": 1, "noise": 0.5}"#, in: tooMany)
        let validated = run(["validate", folder + "/conv.json", "--plan", tooMany + "/plan.json", "--weights", tooMany, "--tasks", "2"])
        #expect(validated.exitCode == .badData)
        #expect(validated.errorOutput.contains("model.json: task.shots: expected a count from 1 to 10,000"), "\(validated.errorOutput)")

        // 3 ways x (5,000 + 5,000) = 30,000 samples: over the 20,000 a task may have, however small its images.
        let crowded = run(["meta-train", folder + "/conv.json", "--task", "fewshot", "--shots", "5000", "--queries", "5000", "-o", folder + "/m30k",
                           "--iterations", "0"])
        #expect(crowded.exitCode == .usage)
        #expect(crowded.errorOutput.contains("a task of 30,000 samples (support and query sets) is over the limit of 20,000"), "\(crowded.errorOutput)")

        let large = TrainerFixtures.conv.replacingOccurrences(of: "[3, 8, 8]", with: "[3, 64, 64]")
        try large.write(toFile: folder + "/conv64.json", atomically: true, encoding: .utf8)
        let trained = run(["meta-train", folder + "/conv64.json", "--task", "fewshot", "--shots", "3000", "--queries", "3000", "-o", folder + "/m64",
                           "--iterations", "0"])
        #expect(trained.exitCode == .usage)
        #expect(trained.errorOutput.contains("--shots 3000 with --queries 3000: a task of 18,000 samples of 12,288 float32 elements would hold "
                                             + "884.74 MB (884,736,000 B) of inputs, over the limit of 268.44 MB (268,435,456 B)"), "\(trained.errorOutput)")
        let model = try untrainedModel("conv64", task: "fewshot", name: "model-64")
        try setTask(#"{"kind": "fewshot", "ways": 3, "shots": 3000, "queries": 3000, "family_seed": 1, "noise": 0.5}"#, in: model)
        let refused = run(["validate", folder + "/conv64.json", "--plan", model + "/plan.json", "--weights", model, "--tasks", "2"])
        #expect(refused.exitCode == .badData)
        #expect(refused.errorOutput.contains("model.json: task.shots: a task of 18,000 samples"), "\(refused.errorOutput)")
    }

    // MARK: - Item 2: NaN and infinity

    @Test func aDivergingMetaTrainingIsAnErrorWithTheIterationAndWritesNothing() {
        let output = folder + "/diverged"
        let trained = run(["meta-train", folder + "/mlp.json", "--task", "sinusoid", "-o", output, "--inner-lr", "100", "--outer-lr", "10",
                           "--iterations", "20", "--validate-every", "5", "--validation-tasks", "2", "--method", "maml"])
        #expect(trained.exitCode == .badData, "\(trained.output)\(trained.errorOutput)")
        #expect(trained.errorOutput.contains("meta-training diverged at outer step "), "\(trained.errorOutput)")
        #expect(trained.errorOutput.contains("--inner-lr (now 100.0)"), "\(trained.errorOutput)")
        #expect(!FileManager.default.fileExists(atPath: output + "/weights.bin"))
        #expect(!FileManager.default.fileExists(atPath: output + "/model.json"))
    }

    @Test func nanWeightsAreRefusedWhenRead() throws {
        let model = try untrainedModel("mlp", task: "sinusoid", name: "nan-weights")
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: model + "/weights.bin")))
        // PMWEIGHT (8) + version (4) + layer count (4) + fc1's tensor count (4) + rank (4) + extents [16, 1] (8):
        // byte 32 starts fc1's first weight.
        bytes.replaceSubrange(32..<36, with: [0x00, 0x00, 0xC0, 0x7F])  // a quiet NaN, little-endian
        try Data(bytes).write(to: URL(fileURLWithPath: model + "/weights.bin"))
        for format in ["text", "json"] {
            let validated = run(["validate", folder + "/mlp.json", "--plan", model + "/plan.json", "--weights", model, "--tasks", "2",
                                 "--format", format])
            #expect(validated.exitCode == .badData, "\(validated.errorOutput)")
            #expect(validated.errorOutput.contains("weights.bin: layers[0][0]: 'fc1' element 0 (byte 32) is nan, expected a finite number"),
                    "\(validated.errorOutput)")
        }
    }

    @Test func theJSONWriterWritesANonFiniteNumberAsNull() {
        let text = JSONWriter.write(.object([("nan", .double(.nan)), ("inf", .double(-.infinity)), ("one", .double(1))]))
        #expect(!text.contains("nan") || text.contains("\"nan\""))
        #expect(text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\n", with: "") == #"{"nan":null,"inf":null,"one":1.0}"#)
    }

    // MARK: - Item 3: failed writes to the standard streams and the step summary

    @Test func aFailedWriteToStandardOutputExits74WithTheReasonOnStandardError() throws {
        let full = open("/dev/full", O_WRONLY)
        try #require(full >= 0, "/dev/full is missing")
        defer { close(full) }
        let errorPath = folder + "/stderr.txt"
        let errorFile = open(errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(errorFile) }
        let result = run(["analyze", CommandHarness.architecture("4conv")])
        #expect(PMetaPlanCommand.emit(result, standardOutput: full, standardError: errorFile) == 74)
        let written = try String(contentsOfFile: errorPath, encoding: .utf8)
        #expect(written == "Error: cannot write standard output (No space left on device)\n")
    }

    @Test func aFailedWriteToStandardErrorExits74() throws {
        let full = open("/dev/full", O_WRONLY)
        try #require(full >= 0, "/dev/full is missing")
        defer { close(full) }
        let null = open("/dev/null", O_WRONLY)
        defer { close(null) }
        let result = run(["analyze", "/nonexistent"])
        #expect(result.exitCode == .unreadableInput)
        #expect(PMetaPlanCommand.emit(result, standardOutput: null, standardError: full) == 74)
    }

    @Test func aFailedWriteToTheStepSummaryExits74AndStillPrintsTheVerdict() {
        let result = run(["check", CommandHarness.architecture("4conv"), "--budget", "10MB"], environment: ["GITHUB_STEP_SUMMARY": "/dev/full"])
        #expect(result.exitCode == .ioError)
        #expect(result.output.contains("\"passed\""))
        #expect(result.errorOutput.contains("cannot append to GITHUB_STEP_SUMMARY (/dev/full): No space left on device"), "\(result.errorOutput)")
    }

    // MARK: - Item 4: a network with no trainable layer

    @Test(arguments: [["--budget", "1MB"], ["--budget", "1MB", "--sweep"], ["--sweep"], ["--budget", "1MB", "--strategy", "dynamic"]])
    func aNetworkWithNoTrainableLayerIsBadDataForPlan(options: [String]) {
        let result = run(["plan", folder + "/relu-only.json"] + options)
        #expect(result.exitCode == .badData, "\(result.output)\(result.errorOutput)")
        #expect(result.errorOutput.contains("relu-only.json: this network has no trainable layer"), "\(result.errorOutput)")
        #expect(result.output.isEmpty)
    }

    @Test func aNetworkWithNoTrainableLayerIsBadDataForReport() {
        let result = run(["report", folder + "/relu-only.json", "-o", folder + "/relu/report.md"])
        #expect(result.exitCode == .badData, "\(result.output)\(result.errorOutput)")
        #expect(result.errorOutput.contains("this network has no trainable layer"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/relu/report.md"))
    }
}

/// Small networks for the trainer commands' tests.
enum TrainerFixtures {
    /// A new temporary folder holding `mlp.json` (and `conv.json` unless `withConv` is false).
    static func folder(named prefix: String, withConv: Bool = true) throws -> String {
        let folder = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try mlp.write(toFile: folder + "/mlp.json", atomically: true, encoding: .utf8)
        if withConv { try conv.write(toFile: folder + "/conv.json", atomically: true, encoding: .utf8) }
        return folder
    }

    /// A 1-16-16-1 MLP for sinusoid regression.
    static let mlp = """
        {"format": 1, "name": "MLP sinusoid", "input": {"shape": [1], "element_bytes": 4},
         "workload": {"samples": 10, "micro_batch": 10},
         "layers": [{"name": "fc1", "op": "linear", "out_features": 16}, {"name": "relu1", "op": "relu"},
                    {"name": "fc2", "op": "linear", "out_features": 16}, {"name": "relu2", "op": "relu"},
                    {"name": "head", "op": "linear", "out_features": 1}]}
        """
    /// A one-conv 3-way classifier of 3x8x8 images.
    static let conv = """
        {"format": 1, "name": "Conv-tiny", "input": {"shape": [3, 8, 8], "element_bytes": 4},
         "layers": [{"name": "conv", "op": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
                    {"name": "gn", "op": "group_norm", "groups": 2}, {"name": "relu", "op": "relu"},
                    {"name": "pool", "op": "max_pool", "kernel": 4}, {"op": "flatten"},
                    {"name": "head", "op": "linear", "out_features": 3}]}
        """
}
