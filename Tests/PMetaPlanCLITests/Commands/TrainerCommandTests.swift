import Foundation
import PMetaPlan
@testable import PMetaPlanCLI
import Testing

/// meta-train, validate and bench-trainer as functions, on the sinusoid MLP and a tiny convolutional net.
@Suite(.serialized) struct TrainerCommandTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "pmeta-trainer-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
            {"format": 1, "name": "MLP sinusoid", "input": {"shape": [1], "element_bytes": 4},
             "workload": {"samples": 10, "micro_batch": 10},
             "layers": [{"name": "fc1", "op": "linear", "out_features": 16}, {"name": "relu1", "op": "relu"},
                        {"name": "fc2", "op": "linear", "out_features": 16}, {"name": "relu2", "op": "relu"},
                        {"name": "head", "op": "linear", "out_features": 1}]}
            """.write(toFile: folder + "/mlp.json", atomically: true, encoding: .utf8)
        try """
            {"format": 1, "name": "Conv-tiny", "input": {"shape": [3, 8, 8], "element_bytes": 4},
             "layers": [{"name": "conv", "op": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
                        {"name": "gn", "op": "group_norm", "groups": 2}, {"name": "relu", "op": "relu"},
                        {"name": "pool", "op": "max_pool", "kernel": 4}, {"op": "flatten"},
                        {"name": "head", "op": "linear", "out_features": 3}]}
            """.write(toFile: folder + "/conv.json", atomically: true, encoding: .utf8)
    }

    func run(_ arguments: [String]) -> CommandResult {
        PMetaPlanCommand.run(arguments: arguments)
    }

    @Test func metaTrainWritesAModelThatValidateReadsBack() throws {
        let output = folder + "/pmeta"
        let trained = run(["meta-train", folder + "/mlp.json", "--task", "sinusoid", "-o", output, "--method", "pmeta",
                           "--iterations", "20", "--validate-every", "10", "--validation-tasks", "3", "--seed", "5", "--lambda", "0.01"])
        #expect(trained.exitCode == .success, "\(trained.errorOutput)")
        #expect(trained.output.contains("Step sizes alpha_l^k"))
        for file in ["weights.bin", "model.json", "importance.json", "plan.json"] {
            #expect(FileManager.default.fileExists(atPath: output + "/" + file), "missing \(file)")
        }
        let validated = run(["validate", folder + "/mlp.json", "--plan", output + "/plan.json", "--weights", output,
                             "--tasks", "4", "--format", "json"])
        #expect(validated.exitCode == .success, "\(validated.errorOutput)")
        let json = try JSONParser.parse(validated.output)
        #expect(json["metric"]?.stringValue == "mse")
        for method in ["plan", "maml", "anil", "boil"] {
            let row = try #require(json["methods"]?[method], "no row for \(method)")
            for key in ["measured_peak_bytes", "predicted_peak_bytes"] {
                #expect((row[key]?.integerValue ?? -1) >= 0, "\(method).\(key)")
            }
            for key in ["accuracy_before", "accuracy_after", "mse_before", "mse_after"] {
                #expect(row[key]?.doubleValue != nil, "\(method).\(key)")
            }
            let measured = Double(row["measured_peak_bytes"]?.integerValue ?? 0)
            let predicted = Double(row["predicted_peak_bytes"]?.integerValue ?? 0)
            #expect(predicted >= measured && predicted <= 1.05 * measured, "\(method): predicted \(predicted), measured \(measured)")
        }
    }

    @Test func fewShotTrainingValidatesWithBaselinesAndPrintsAText() throws {
        let maml = folder + "/maml"
        #expect(run(["meta-train", folder + "/conv.json", "--task", "fewshot", "-o", maml, "--method", "maml", "--iterations", "3",
                     "--validate-every", "3", "--validation-tasks", "2", "--queries", "2"]).exitCode == .success)
        let pmeta = folder + "/pmeta-conv"
        #expect(run(["meta-train", folder + "/conv.json", "--task", "fewshot", "-o", pmeta, "--iterations", "3", "--attention",
                     "--validate-every", "3", "--validation-tasks", "2", "--queries", "2", "--inner-steps", "1"]).exitCode == .success)
        #expect(FileManager.default.fileExists(atPath: pmeta + "/attention.bin"))
        let validated = run(["validate", folder + "/conv.json", "--plan", pmeta + "/plan.json", "--weights", pmeta,
                             "--baseline", maml, "--tasks", "3", "--micro-batch", "1"])
        #expect(validated.exitCode == .success, "\(validated.errorOutput)")
        #expect(validated.output.contains("accuracy before"))
        #expect(validated.output.contains("maml: \(maml) (MAML)"))
        #expect(validated.output.contains("meta attention (rho_fw 0.3, rho_bw 0.0)"))
    }

    @Test func validateTakesAMAMLPlusPlusBaselineWithItsLearnedPlan() throws {
        let pmeta = folder + "/pmeta-b"
        let mamlPlusPlus = folder + "/mamlpp"
        for (method, output) in [("pmeta", pmeta), ("maml++", mamlPlusPlus)] {
            let trained = run(["meta-train", folder + "/mlp.json", "--task", "sinusoid", "-o", output, "--method", method,
                               "--iterations", "10", "--validate-every", "10", "--validation-tasks", "2", "--seed", "3"])
            #expect(trained.exitCode == .success, "\(trained.errorOutput)")
        }
        let validated = run(["validate", folder + "/mlp.json", "--plan", pmeta + "/plan.json", "--weights", pmeta,
                             "--baseline", mamlPlusPlus, "--tasks", "3", "--format", "json"])
        #expect(validated.exitCode == .success, "\(validated.errorOutput)")
        let json = try JSONParser.parse(validated.output)
        let row = try #require(json["methods"]?["maml++"], "no MAML++ row")
        #expect(row["source"]?.stringValue?.contains("its learned plan") == true)
        let measured = Double(row["measured_peak_bytes"]?.integerValue ?? 0)
        let predicted = Double(row["predicted_peak_bytes"]?.integerValue ?? 0)
        #expect(measured > 0 && predicted >= measured && predicted <= 1.05 * measured, "predicted \(predicted), measured \(measured)")
        // Two baselines of one method are a usage error.
        #expect(run(["validate", folder + "/mlp.json", "--plan", pmeta + "/plan.json", "--weights", pmeta,
                     "--baseline", mamlPlusPlus, "--baseline", mamlPlusPlus]).exitCode == .usage)
    }

    @Test func badInputsGiveTheirExitCodes() {
        #expect(run(["meta-train", folder + "/mlp.json", "-o", folder + "/x"]).exitCode == .usage)
        #expect(run(["meta-train", folder + "/conv.json", "--task", "sinusoid", "-o", folder + "/x"]).exitCode == .badData)
        #expect(run(["validate", folder + "/mlp.json", "--plan", folder + "/none.json", "--weights", folder + "/none"]).exitCode == .unreadableInput)
    }

    @Test func benchTrainerTimesBothPlans() {
        let result = run(["bench-trainer", folder + "/conv.json", "--samples", "3", "--repetitions", "1"])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        #expect(result.output.contains("MAML") && result.output.contains("sparse") && result.output.contains("VmHWM"))
    }
}
