import Foundation
import PMetaPlan
import Testing
@testable import PMetaPlanCLI

/// Issue 15, item 18: `analyze` says per what each column counts, shows what each layer reads in a graph that is
/// not a chain, and ends its table with torchinfo-style totals.
@Suite struct AnalyzeTotalsTests {
    /// 4Conv under ANIL updates only the head: 800 x 5 weights + 5 biases = 4,005 of its 32,901 parameters
    /// (4 convs 3x3: 3*32*9+32 + 3 * (32*32*9+32) = 896 + 3 * 9,248 = 28,640; 4 group norms 4 * 64 = 256;
    /// 28,640 + 256 + 4,005 = 32,901). The estimated total is samples + model + adaptation peak.
    @Test func totalsCountWhatThePlanUpdates() throws {
        let result = CommandHarness.run(["analyze", CommandHarness.architecture("4conv"), "--method", "anil"])
        #expect(result.exitCode == .success)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.contains("Total params: 32,901"))
        #expect(lines.contains("Trainable params (updated by the plan): 4,005"))
        #expect(lines.contains("Frozen params: 28,896"))
        let json = CommandHarness.run(["analyze", CommandHarness.architecture("4conv"), "--method", "anil", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["updated_parameters"] as? Int == 4_005)
        let samples = try #require(object["sample_bytes"] as? Int), model = try #require(object["model_bytes"] as? Int)
        let peak = try #require(object["adaptation_peak_bytes"] as? Int)
        #expect(lines.contains("Estimated total size: \(Self.human(samples + model + peak))"), "\(lines.filter { $0.hasPrefix("Estimated") })")
        // A chain has no inputs column; the per-sample and per-micro-batch units are in the headers.
        #expect(lines.contains { $0.contains("Stored (B/micro-batch)") && $0.contains("Fwd MACs/sample") && !$0.contains("Inputs") })
    }

    /// ResNet12's blocks fork and join: the inputs column names what each layer reads (`x` for the network input).
    @Test func aGraphThatIsNotAChainShowsInputs() throws {
        let result = CommandHarness.run(["analyze", CommandHarness.architecture("resnet12")])
        let lines = result.output.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.contains("Inputs") })
        #expect(header.contains("Output shape"))
        #expect(lines.contains { $0.hasPrefix(" 0  block1.conv1") && $0.contains(" x ") })
        let json = CommandHarness.run(["analyze", CommandHarness.architecture("resnet12"), "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let layers = try #require(object["layers"] as? [[String: Any]])
        // Somewhere a sum reads two layers.
        #expect(layers.contains { ($0["op"] as? String) == "add" && (($0["inputs"] as? [String])?.count ?? 0) == 2 })
    }

    /// How the report prints a size (the sum is the claim under test; the formatting is ByteCount's).
    static func human(_ bytes: Int) -> String { ByteCount(bytes).description }
}
