import Foundation
import PMetaPlan

/// The architecture files shipped in architectures/, read from the repository.
enum ShippedArchitectures {
    /// The repository's architectures/ folder.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("architectures")

    /// Every shipped file stem.
    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The shaped graph of `architectures/NAME.json`.
    static func graph(_ name: String) throws -> ShapedGraph {
        let data = try Data(contentsOf: folder.appendingPathComponent("\(name).json"))
        return try ShapedGraph(jsonBytes: Array(data), file: "\(name).json")
    }

    /// The cost model of `architectures/NAME.json`.
    static func costModel(_ name: String) throws -> CostModel {
        try CostModel(try graph(name))
    }
}
