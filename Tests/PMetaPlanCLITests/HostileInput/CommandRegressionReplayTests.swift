import Foundation
import Testing

/// Every input the trainer-files and arguments fuzzers kept (Tests/PMetaPlanTests/Regressions/TARGET-KIND-HASH,
/// written by fuzz/run.sh) replays through the checks that caught it, and must now pass them.
@Suite struct CommandRegressionReplayTests {
    /// Tests/PMetaPlanTests/Regressions, beside the library's fuzz finds.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("PMetaPlanTests/Regressions")

    /// The regression files of the command fuzz targets.
    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { file in
            CommandFuzzTarget.allCases.contains { file.hasPrefix("\($0.rawValue)-") }
        }.sorted()
    }

    @Test(arguments: files)
    func regressionAnswersAsDocumented(_ file: String) throws {
        let target = try #require(CommandFuzzTarget.allCases.first { file.hasPrefix("\($0.rawValue)-") })
        let bytes = try Data(contentsOf: Self.folder.appendingPathComponent(file))
        #expect(target.violations(for: Array(bytes)) == [])
    }
}
