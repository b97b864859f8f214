import Foundation
import PMetaPlan
@testable import PMetaPlanCLI
import Testing

/// Issue 16: meta-train's --second-order and --outer-schedule through the entry point.
@Suite(.serialized) struct MetaTrainOptionTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "pmeta-meta-train-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try TrainerFixtures.mlp.write(toFile: folder + "/mlp.json", atomically: true, encoding: .utf8)
        try TrainerFixtures.conv.write(toFile: folder + "/conv.json", atomically: true, encoding: .utf8)
    }

    func run(_ arguments: [String]) -> CommandResult { PMetaPlanCommand.run(arguments: arguments, environment: [:]) }

    @Test func secondOrderWithACosineScheduleTrainsAndSaysSo() {
        let result = run(["meta-train", folder + "/mlp.json", "--task", "sinusoid", "-o", folder + "/m", "--iterations", "4", "--method", "maml++",
                          "--second-order", "--outer-schedule", "cosine", "--validate-every", "2", "--validation-tasks", "2"])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        #expect(result.unwrappedOutput.contains("outer rates annealed by a cosine, second-order meta-gradients"), "\(result.output)")
    }

    @Test func secondOrderWithAttentionIsAUsageError() {
        let result = run(["meta-train", folder + "/conv.json", "--task", "fewshot", "-o", folder + "/a", "--second-order", "--attention"])
        #expect(result.exitCode == .usage)
        #expect(result.errorOutput.contains("--second-order is not implemented with --attention"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/a/model.json"))
    }

    @Test func anUnknownScheduleIsAUsageError() {
        let result = run(["meta-train", folder + "/mlp.json", "--task", "sinusoid", "-o", folder + "/s", "--outer-schedule", "linear"])
        #expect(result.exitCode == .usage)
        #expect(result.errorOutput.contains("expected one of constant, cosine"))
    }
}
