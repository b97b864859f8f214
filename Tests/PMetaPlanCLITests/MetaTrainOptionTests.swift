import Foundation
import PMetaPlan
import PMetaTrainer
@testable import PMetaPlanCLI
import Testing

/// Issue 16: meta-train's --second-order and --outer-schedule through the entry point.
@Suite(.serialized) struct MetaTrainOptionTests {
    let folder: String

    init() throws {
        folder = try TrainerFixtures.folder(named: "pmeta-meta-train")
    }

    func run(_ arguments: [String]) -> CommandResult { PMetaPlanCommand.run(arguments: arguments, environment: [:]) }

    @Test func secondOrderWithACosineScheduleTrainsAndSaysSo() throws {
        let result = run(["meta-train", folder + "/mlp.json", "--task", "sinusoid", "-o", folder + "/m", "--iterations", "4", "--method", "maml++",
                          "--second-order", "--outer-schedule", "cosine", "--validate-every", "2", "--validation-tasks", "2"])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        #expect(result.unwrappedOutput.contains("outer rates annealed by a cosine, second-order meta-gradients"), "\(result.output)")
        // model.json records both, and reads them back.
        let text = try String(contentsOfFile: folder + "/m/model.json", encoding: .utf8)
        #expect(text.contains(#""outer_schedule": "cosine""#) && text.contains(#""second_order": true"#), "\(text)")
        let model = try MetaTrainedModel(json: try JSONParser.parse(text))
        #expect(model.outerSchedule == .cosine(iterations: 4) && model.secondOrder)
        // A schedule this version does not know is bad data naming the member.
        try text.replacingOccurrences(of: #""outer_schedule": "cosine""#, with: #""outer_schedule": "linear""#)
            .write(toFile: folder + "/m/model.json", atomically: true, encoding: .utf8)
        let validated = run(["validate", folder + "/mlp.json", "--plan", folder + "/m/plan.json", "--weights", folder + "/m", "--tasks", "2"])
        #expect(validated.exitCode == .badData)
        #expect(validated.errorOutput.contains(#"model.json: outer_schedule: expected "constant" or "cosine", found "linear""#), "\(validated.errorOutput)")
    }

    /// Without either option model.json keeps the members it had, so earlier models read and compare the same.
    @Test func theDefaultsAddNothingToModelJSON() throws {
        let result = run(["meta-train", folder + "/mlp.json", "--task", "sinusoid", "-o", folder + "/d", "--iterations", "1", "--validation-tasks", "2"])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        let text = try String(contentsOfFile: folder + "/d/model.json", encoding: .utf8)
        #expect(!text.contains("outer_schedule") && !text.contains("second_order"))
    }

    /// --second-order with --attention trains p-Meta with its attention modules and records both.
    @Test func secondOrderWithAttentionTrainsAndWritesTheModules() throws {
        let result = run(["meta-train", folder + "/mlp.json", "--task", "sinusoid", "-o", folder + "/a", "--iterations", "3",
                          "--second-order", "--attention", "--validation-tasks", "2"])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        #expect(result.unwrappedOutput.contains("second-order meta-gradients"), "\(result.output)")
        let text = try String(contentsOfFile: folder + "/a/model.json", encoding: .utf8)
        #expect(text.contains(#""second_order": true"#), "\(text)")
        #expect(FileManager.default.fileExists(atPath: folder + "/a/attention.bin"))
    }

    @Test func anUnknownScheduleIsAUsageError() {
        let result = run(["meta-train", folder + "/mlp.json", "--task", "sinusoid", "-o", folder + "/s", "--outer-schedule", "linear"])
        #expect(result.exitCode == .usage)
        #expect(result.errorOutput.contains("expected one of constant, cosine"))
    }
}
