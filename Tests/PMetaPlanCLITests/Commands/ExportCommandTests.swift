import Foundation
import Testing
@testable import PMetaPlan
@testable import PMetaPlanCLI

/// `pmeta-plan export plan.json ARCH --to tiny-training`, through the entry point.
@Suite struct ExportCommandTests {
    static func write(_ text: String, _ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "pmeta-export-\(UUID().uuidString)-\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func plan(_ updates: String, steps: Int = 1) -> String {
        #"{"format": 1, "kind": "update-plan", "steps": ["# + Array(repeating: #"{"updates": [\#(updates)]}"#, count: steps).joined(separator: ", ") + "]}"
    }

    static let mobilenet = "\(CommandHarness.root)/Tests/PMetaPlanTests/Fixtures/ONNX/mobilenet_v2.onnx"

    static func backwardConfig(_ output: String) throws -> JSONValue? {
        try JSONParser.parse(output)["backward_config"]
    }

    @Test func theMCUNetStyleNetworksConvolutionsAreCountedInOrder() throws {
        // mcunet-style.json: the stem is conv 0, block 1 has dw 1 and project 2, block k >= 2 has expand 3(k-1),
        // dw 3(k-1)+1, project 3(k-1)+2; 39 conv2d layers, so block12.expand is 33 and block13.project 38. The first
        // updated conv is 33: n_bias_update = 39 - 33 = 6. Weights: 33 at 1/2 (48 of 96 channels), 38 at 1/8
        // (72 of 576). block12.dw's bias is its group norm's beta; 35, 36 and 37 are not in the plan.
        let plan = try Self.write(Self.plan(#"""
            {"layer": "block12.expand", "input_ratio": "1/2", "channel_selection": "magnitude"}, {"layer": "block12.dw_bn", "parameters": "bias"},
            {"layer": "block13.project", "input_ratio": "1/8", "channel_selection": "magnitude"}, {"layer": "head"}
            """#), "mcunet.json")
        let result = CommandHarness.run(["export", plan, CommandHarness.architecture("mcunet-style"), "--to", "tiny-training", "--format", "json"])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        let config = try #require(try Self.backwardConfig(result.output))
        #expect(config["n_bias_update"]?.integerValue == 6)
        #expect(config["manual_weight_idx"]?.stringValue == "33-38")
        #expect(config["weight_update_ratio"]?.stringValue == "0.5-0.125")
        #expect(config["weight_select_criteria"]?.stringValue == "magnitude+")
        let document = try JSONParser.parse(result.output)
        #expect(document["convolutions"]?.integerValue == 39)
        let updated = document["updated_convolutions"]?.arrayValue ?? []
        #expect(updated.map { $0["index"]?.integerValue } == [33, 34, 35, 36, 37, 38])
        #expect(updated.map { $0["in_plan"]?.boolValue } == [true, true, false, false, false, true])
        let notes = document["notes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(notes == ["tiny-training also updates the bias of 3 convolutions after the first updated one that the plan leaves frozen "
                          + "(such as 35 'block12.project'): a bias gradient each, no stored input"])
    }

    @Test func anImportedMobileNetV2CountsTorchvisionsConvolutions() throws {
        // torchvision's mobilenet_v2: features.0.0 is conv 0, features.1 has 1 and 2, features.k (k >= 2) has its
        // expand at 3 + 3(k - 2): features.17.conv.0.0 is 48, features.18.0 is 51 of 52.
        let plan = try Self.write(Self.plan(#"""
            {"layer": "features.17.conv.0.0", "input_ratio": "1/4", "channel_selection": "magnitude"}, {"layer": "features.18.0"}, {"layer": "classifier.1"}
            """#), "mobilenet.json")
        let result = CommandHarness.run(["export", plan, Self.mobilenet, "--to", "tiny-training"])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        #expect(result.output.contains("""
            backward_config:
              enable_backward_config: 1
              n_bias_update: 4
              manual_weight_idx: 48-51
              weight_update_ratio: 0.25-1
              weight_select_criteria: magnitude+
              pw1_weight_only: 0

            """))
        #expect(result.output.contains("# As flags of tiny-training's algorithm/train_cls.py: --enable_backward_config 1 --n_bias_update 4 "
                                       + "--manual_weight_idx 48-51 --weight_update_ratio 0.25-1\n"))
        #expect(result.output.split(separator: "\n").allSatisfy { $0.hasPrefix("#") || $0.hasPrefix("backward_config:") || $0.hasPrefix("  ") },
                "the text output is YAML: the block and comments")
    }

    @Test func aBiasOnlyPlanNamesNoWeights() throws {
        let plan = try Self.write(Self.plan(#"{"layer": "features.18.0", "parameters": "bias"}, {"layer": "classifier.1"}"#), "bias.json")
        let result = CommandHarness.run(["export", plan, Self.mobilenet, "--to", "tiny-training", "--format", "json"])
        let config = try #require(try Self.backwardConfig(result.output))
        #expect(config["n_bias_update"]?.integerValue == 1)
        #expect(config["n_weight_update"]?.integerValue == 0)
        #expect(config["manual_weight_idx"] == .null)
    }

    @Test func aPlanMadeWithTinyTrainingsRatiosExports() throws {
        let plan = NSTemporaryDirectory() + "pmeta-export-\(UUID().uuidString)-planned.json"
        defer { try? FileManager.default.removeItem(atPath: plan) }
        let planned = CommandHarness.run(["--budget", "9MB", Self.mobilenet, "--samples", "1", "--micro-batch", "1",
                                          "--ratios", "0,1/8,1/4,1/2,1", "--channel-selection", "magnitude", "-o", plan])
        #expect(planned.exitCode == .success, "\(planned.errorOutput)")
        #expect(planned.output.contains("Channel ratios: 1/8, 1/4, 1/2, 1."), "0 is the frozen option every search has")
        let exported = CommandHarness.run(["export", plan, Self.mobilenet, "--to", "tiny-training", "--format", "json"])
        #expect(exported.exitCode == .success, "\(exported.errorOutput)")
        let ratios = try #require(try Self.backwardConfig(exported.output)?["weight_update_ratio"]?.stringValue)
        #expect(ratios.split(separator: "-").allSatisfy { ["0.125", "0.25", "0.5", "1"].contains($0) })
    }

    @Test func whatTinyTrainingCannotRunIsRefusedWithTheReason() throws {
        let cases: [(String, Int, String)] = [
            (#"{"layer": "features.17.conv.0.0", "input_ratio": "3/4"}"#, 1,
             "'features.17.conv.0.0' keeps input ratio 3/4, which tiny-training's sparse update does not use; plan with --ratios 0,1/8,1/4,1/2,1"),
            (#"{"layer": "features.17.conv.0.0", "output_ratio": "1/2"}"#, 1,
             "'features.17.conv.0.0' keeps output ratio 1/2; tiny-training selects input channels only"),
        ]
        for (updates, steps, message) in cases {
            let plan = try Self.write(Self.plan(updates, steps: steps), "refused.json")
            let result = CommandHarness.run(["export", plan, Self.mobilenet, "--to", "tiny-training"])
            #expect(result.exitCode == .badData)
            #expect(result.errorOutput.contains("tiny-training cannot run this plan: \(message)"), "\(result.errorOutput)")
        }
        let twoSteps = try Self.write(#"{"format": 1, "steps": [{"updates": [{"layer": "classifier.1"}]}, {"updates": []}]}"#, "steps.json")
        let result = CommandHarness.run(["export", twoSteps, Self.mobilenet, "--to", "tiny-training"])
        #expect(result.exitCode == .badData)
        #expect(result.errorOutput.contains("the plan's 2 inner steps update different layers; plan with --inner-steps 1"))
    }

    @Test func theRuntimeIsRequired() throws {
        let plan = try Self.write(Self.plan(#"{"layer": "classifier.1"}"#), "head.json")
        let missing = CommandHarness.run(["export", plan, Self.mobilenet])
        #expect(missing.exitCode == .usage)
        #expect(missing.errorOutput.contains("export needs --to tiny-training"))
        #expect(CommandHarness.run(["export", plan, Self.mobilenet, "--to", "tflite"]).exitCode == .usage)
        #expect(CommandHarness.run(["export", plan, "--to", "tiny-training"]).exitCode == .usage)
    }

    @Test func outputWritesWhatItPrints() throws {
        let plan = try Self.write(Self.plan(#"{"layer": "classifier.1"}"#), "head.json")
        let output = NSTemporaryDirectory() + "pmeta-export-\(UUID().uuidString).yaml"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = CommandHarness.run(["export", plan, Self.mobilenet, "--to", "tiny-training", "-o", output])
        #expect(result.exitCode == .success)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == result.output)
        #expect(result.output.contains("n_bias_update: 0"), "the classifier alone: no conv updates")
    }
}
