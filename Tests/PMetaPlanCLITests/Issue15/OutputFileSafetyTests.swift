import Foundation
import PMetaPlan
@testable import PMetaPlanCLI
import Testing

/// Issue 15, items 11-13: writers that do not harm what they write over, run through the commands' entry points.
@Suite(.serialized) struct OutputFileSafetyTests {
    let folder: String

    init() throws {
        folder = try TrainerFixtures.folder(named: "pmeta-outputs", withConv: false)
    }

    func run(_ arguments: [String]) -> CommandResult {
        PMetaPlanCommand.run(arguments: arguments)
    }

    func plan(_ output: String) -> CommandResult {
        run(["plan", "--budget", "1.2MB", CommandHarness.architecture("4conv"), "-o", output])
    }

    func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    // MARK: - Item 11

    @Test func aSymlinkIsWrittenThroughAndStaysASymlinkAndTheModeIsKept() throws {
        let target = folder + "/target.json"
        try "old".write(toFile: target, atomically: false, encoding: .utf8)
        chmod(target, 0o600)
        try FileManager.default.createSymbolicLink(atPath: folder + "/link.json", withDestinationPath: "target.json")
        let result = plan(folder + "/link.json")
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/link.json") == "target.json")
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("\"kind\": \"update-plan\""))
        #expect(try mode(target) == 0o600)
    }

    @Test(arguments: ["/dev/null", "/dev/stdout"])
    func aDeviceIsRefusedAndLeftAlone(device: String) throws {
        var before = stat()
        lstat(device, &before)
        let result = plan(device)
        #expect(result.exitCode == .unreadableInput, "\(result.errorOutput)")
        #expect(result.errorOutput.contains("is not a regular file"), "\(result.errorOutput)")
        var after = stat()
        lstat(device, &after)
        #expect(before.st_mode == after.st_mode && before.st_ino == after.st_ino)
    }

    @Test func aDirectoryIsRefusedWithTheSlashHint() throws {
        try FileManager.default.createDirectory(atPath: folder + "/plans", withIntermediateDirectories: true)
        let result = plan(folder + "/plans")
        #expect(result.exitCode == .unreadableInput)
        #expect(result.errorOutput.contains("plans: is a directory; expected a regular file to write (end the path with '/' to write into the folder)"),
                "\(result.errorOutput)")
    }

    // MARK: - Item 12

    @Test func reportDeletesOnlyChartsItWrote() throws {
        let assets = folder + "/assets"
        try FileManager.default.createDirectory(atPath: assets, withIntermediateDirectories: true)
        try "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>our logo</title></svg>\n".write(toFile: assets + "/logo.svg", atomically: true, encoding: .utf8)
        try (ArchitectureReport.chartMarker + "\n<svg/>\n").write(toFile: assets + "/timeline-9.svg", atomically: true, encoding: .utf8)
        let result = run(["report", folder + "/mlp.json", "-o", folder + "/assets.md", "--sweep-budgets", "2"])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        #expect(FileManager.default.fileExists(atPath: assets + "/logo.svg"), "the user's logo was deleted")
        #expect(!FileManager.default.fileExists(atPath: assets + "/timeline-9.svg"), "a stale chart of ours was kept")
        let frontier = try String(contentsOfFile: assets + "/frontier.svg", encoding: .utf8)
        #expect(frontier.hasPrefix(ArchitectureReport.chartMarker + "\n<svg "))
    }

    // MARK: - Item 13

    @Test func reportWritesNothingWhenAChartCannotBeWritten() throws {
        // A regular file where the chart folder should be: no chart can be written, so no markdown either.
        try "not a folder".write(toFile: folder + "/blocked", atomically: true, encoding: .utf8)
        let result = run(["report", folder + "/mlp.json", "-o", folder + "/blocked.md", "--sweep-budgets", "2"])
        #expect(result.exitCode == .unreadableInput, "\(result.errorOutput)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/blocked.md"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    @Test func metaTrainChecksItsDestinationBeforeTraining() throws {
        let output = folder + "/model"
        try FileManager.default.createDirectory(atPath: output + "/model.json", withIntermediateDirectories: true)
        let result = run(["meta-train", folder + "/mlp.json", "--task", "sinusoid", "-o", output, "--iterations", "100000000"])
        #expect(result.exitCode == .unreadableInput, "\(result.errorOutput)")
        #expect(result.errorOutput.contains("model/model.json: is a directory"), "\(result.errorOutput)")
        #expect(!FileManager.default.fileExists(atPath: output + "/weights.bin"))
    }

    @Test func metaTrainRefusesAFileAsItsFolder() throws {
        try "x".write(toFile: folder + "/afile", atomically: true, encoding: .utf8)
        let result = run(["meta-train", folder + "/mlp.json", "--task", "sinusoid", "-o", folder + "/afile", "--iterations", "1"])
        #expect(result.exitCode == .unreadableInput)
        #expect(result.errorOutput.contains("afile: exists and is not a directory"))
    }

    @Test(arguments: [["plan", "--budget", "1MB"], ["report"], ["meta-train", "--task", "sinusoid"]])
    func anEmptyOutputIsAUsageError(command: [String]) {
        let result = run(command + [folder + "/mlp.json", "-o", ""])
        #expect(result.exitCode == .usage, "\(result.errorOutput)")
        #expect(result.errorOutput.contains("empty value"), "\(result.errorOutput)")
    }

    @Test func anOutputEndingInASlashIsAFolder() throws {
        let result = plan(folder + "/new/")
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        #expect(FileManager.default.fileExists(atPath: folder + "/new/plan.json"))
        let report = run(["report", folder + "/mlp.json", "-o", folder + "/reports/", "--sweep-budgets", "2"])
        #expect(report.exitCode == .success, "\(report.errorOutput)")
        #expect(FileManager.default.fileExists(atPath: folder + "/reports/mlp.md"))
        #expect(FileManager.default.fileExists(atPath: folder + "/reports/mlp/frontier.svg"))
    }
}
