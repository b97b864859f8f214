import Foundation
import PMetaPlan
@testable import PMetaPlanCLI
import Testing

/// Issue 15, item 14: plan and importance files whose steps all differ on a large network are refused by the
/// limit on layer-steps to cost (`ArchitectureLimits.maximumDistinctLayerSteps`), naming the file and the member;
/// equal steps count once. Before, 1,000 different steps of a 10,000-layer chain took 7.6 s and 1.7 GB in
/// `check` and over 60 s in `plan --importance`.
@Suite(.serialized) struct LayerStepLimitTests {
    let folder: String
    /// 2,001 linear layers, b1.fc1 ... b2001.fc1: 1,000 different steps are 2,001,000 layer-steps, 1,000 over.
    let chain: String

    init() throws {
        folder = NSTemporaryDirectory() + "pmeta-layer-steps-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        chain = folder + "/chain.json"
        try #"{"format": 1, "name": "C", "input": {"shape": [2]}, "layers": [{"repeat": 2001, "name": "b", "layers": [{"op": "linear", "out_features": 2}]}]}"#
            .write(toFile: chain, atomically: true, encoding: .utf8)
    }

    func write(_ text: String, _ name: String) throws -> String {
        try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        return folder + "/" + name
    }

    func importance(_ values: [Int]) -> String {
        #"{"format": 1, "kind": "importance", "inner_steps": \#(values.count), "step_sizes": {"b1.fc1": [\#(values.map(String.init).joined(separator: ","))]}}"#
    }

    /// Steps alternate between updating b1.fc1 and updating nothing, so every step differs from the one before.
    func alternatingPlan(steps: Int) -> String {
        let list = (0..<steps).map { $0 % 2 == 0 ? #"{"updates": [{"layer": "b1.fc1"}]}"# : #"{"updates": []}"# }
        return #"{"format": 1, "kind": "update-plan", "architecture": "C", "steps": [\#(list.joined(separator: ","))]}"#
    }

    @Test func anImportanceFileOfDifferentStepsOverTheLimitIsBadData() throws {
        let path = try write(importance(Array(1...1_000)), "importance.json")
        let result = PMetaPlanCommand.run(arguments: ["--budget", "1MB", chain, "--importance", path], environment: [:])
        #expect(result.exitCode == .badData)
        #expect(result.errorOutput.hasPrefix("Error: \(path): step_sizes: 1,000 different inner steps on 2,001 layers are 2,001,000 layer-steps"),
                "\(result.errorOutput)")
        #expect(result.errorOutput.contains("over the limit of 2,000,000"))
        #expect(result.output.isEmpty)
    }

    @Test func aPlanFileOfDifferentStepsOverTheLimitIsBadData() throws {
        let path = try write(alternatingPlan(steps: 1_000), "plan.json")
        let result = PMetaPlanCommand.run(arguments: ["check", chain, "--plan", path, "--budget", "1MB"], environment: [:])
        #expect(result.exitCode == .badData)
        #expect(result.errorOutput.hasPrefix("Error: \(path): steps[999]: 1,000 different inner steps on 2,001 layers"), "\(result.errorOutput)")
    }

    /// 999 different steps are 1,998,999 layer-steps, within the limit; 1,000 equal ones count as one.
    @Test func stepsWithinTheLimitAndEqualStepsAreRead() throws {
        let graph = try ShapedGraph(jsonBytes: Array(try String(contentsOfFile: chain, encoding: .utf8).utf8))
        let within = try UpdatePlan(json: try JSONParser.parse(alternatingPlan(steps: 999)), for: graph)
        #expect(within.steps.count == 999)
        let equal = try ImportanceScores(json: try JSONParser.parse(importance(Array(repeating: 3, count: 1_000))), for: graph, source: "t")
        #expect(equal.innerStepCount == 1_000)
        #expect(ArchitectureLimits.layerStepsProblem(Array(repeating: 1, count: 1_000), layers: 100_000) == nil)
        #expect(ArchitectureLimits.layerStepsProblem([1, 2], layers: 1_000_001) != nil)
        #expect(ArchitectureLimits.layerStepsProblem([1, 2], layers: Int.max) != nil)
    }
}
