import Foundation
import Testing

/// Every input the fuzzers kept (Tests/PMetaPlanTests/Regressions/TARGET-KIND-HASH, written by fuzz/run.sh) replays
/// through the checks that caught it, and must now pass them.
@Suite struct RegressionReplayTests {
    /// The Regressions folder beside this suite's folder.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Regressions")

    /// The targets that need the trainer or the command entry point; PMetaPlanCLITests' CommandRegressionReplayTests
    /// replays their files (CommandFuzzTarget).
    static let commandTargetNames = ["trainer-files", "arguments"]

    /// Every regression file's name.
    static var allFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The regression files of this target's fuzz targets.
    static var files: [String] {
        allFiles.filter { file in !commandTargetNames.contains { file.hasPrefix("\($0)-") } }
    }

    @Test func everyRegressionFileNamesItsTarget() {
        for file in Self.allFiles {
            #expect((FuzzTarget.allCases.map(\.rawValue) + Self.commandTargetNames).contains { file.hasPrefix("\($0)-") },
                    "\(file) names no fuzz target")
        }
    }

    @Test(arguments: files)
    func regressionAnswersAsDocumented(_ file: String) throws {
        let target = try #require(FuzzTarget.allCases.first { file.hasPrefix("\($0.rawValue)-") })
        let bytes = try Data(contentsOf: Self.folder.appendingPathComponent(file))
        #expect(target.violations(for: Array(bytes)) == [])
    }
}
