import Foundation
import Testing

/// Every input the fuzzers kept (Tests/PMetaPlanTests/Regressions/TARGET-KIND-HASH, written by fuzz/run.sh) replays
/// through the checks that caught it, and must now pass them.
@Suite struct RegressionReplayTests {
    /// The Regressions folder beside this suite's folder.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Regressions")

    /// Every regression file's name.
    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test func everyRegressionFileNamesItsTarget() {
        for file in Self.files {
            #expect(FuzzTarget.allCases.contains { file.hasPrefix("\($0.rawValue)-") }, "\(file) names no fuzz target")
        }
    }

    @Test(arguments: files)
    func regressionAnswersAsDocumented(_ file: String) throws {
        let target = try #require(FuzzTarget.allCases.first { file.hasPrefix("\($0.rawValue)-") })
        let bytes = try Data(contentsOf: Self.folder.appendingPathComponent(file))
        #expect(target.violations(for: Array(bytes)) == [])
    }
}
