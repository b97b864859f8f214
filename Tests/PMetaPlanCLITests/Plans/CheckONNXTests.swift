import Foundation
import Testing
@testable import PMetaPlan
@testable import PMetaPlanCLI

/// `check` takes an ONNX model as every other command does, so the plans python/measure_plans.py writes for the ONNX
/// fixtures can be checked (and their predictions read) from the command line.
@Suite struct CheckONNXTests {
    static let model = "\(CommandHarness.root)/Tests/PMetaPlanTests/Fixtures/ONNX/resnet18_training.onnx"

    @Test func anONNXModelHashesAsTheDocumentItReadsAs() throws {
        let converted = NSTemporaryDirectory() + "pmeta-check-onnx-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: converted) }
        #expect(CommandHarness.run(["convert", Self.model, "-o", converted]).exitCode == .success)
        let plan = "\(CommandHarness.root)/python/plans/resnet18_training-onnx-pmeta.json"
        let fromONNX = CommandHarness.run(["check", Self.model, "--plan", plan, "--budget", "9MB"])
        let fromJSON = CommandHarness.run(["check", converted, "--plan", plan, "--budget", "9MB"])
        #expect(fromONNX.exitCode == .success, "\(fromONNX.errorOutput)")
        let onnx = try JSONParser.parse(fromONNX.output)
        let json = try JSONParser.parse(fromJSON.output)
        #expect(onnx["graph_hash"] == json["graph_hash"])
        #expect(onnx["adaptation_peak_bytes"] == json["adaptation_peak_bytes"])
        #expect(onnx["profile"]?.stringValue == "torch-helper", "the plan records the profile it was made for")
    }
}
