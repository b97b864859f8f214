import Foundation
import Testing
@testable import PMetaPlanCLI

/// The committed reports are what the tool writes today: regenerating gives byte-identical files.
@Suite struct CommittedReportTests {
    static let architectures: [String] = (try? ReportCommand.shippedArchitectureNames(root: CommandHarness.root)) ?? []

    /// Compares every file with the committed one.
    static func expectCommitted(_ files: [ReportFile], sourceLocation: SourceLocation = #_sourceLocation) {
        for file in files {
            let committed = try? String(contentsOfFile: "\(CommandHarness.root)/\(file.path)", encoding: .utf8)
            #expect(committed == file.contents,
                    "\(file.path) is stale; refresh every report with 'swift run pmeta-plan report --all' from the repository root",
                    sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: CommittedReportTests.architectures)
    func architectureReportIsCurrent(_ name: String) throws {
        Self.expectCommitted(try ReportCommand.shippedReportFiles(name, root: CommandHarness.root))
    }

    @Test func paperReproductionReportIsCurrent() throws {
        Self.expectCommitted([try ReportCommand.reproductionFile(root: CommandHarness.root)])
    }

    @Test func everyShippedArchitectureHasAReport() {
        #expect(Self.architectures.count >= 7)
        for name in Self.architectures {
            #expect(FileManager.default.fileExists(atPath: "\(CommandHarness.root)/reports/\(name).md"), "reports/\(name).md is missing")
        }
    }
}
