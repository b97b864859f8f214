import Foundation
import Testing
@testable import PMetaPlanCLI

/// Runs the tool as a function and compares text output with golden files.
enum CommandHarness {
    /// The repository root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The absolute path of `architectures/NAME.json`.
    static func architecture(_ name: String) -> String { "\(root)/architectures/\(name).json" }

    /// Runs `pmeta-plan arguments...`; the repository root in the output is replaced by `<repo>`.
    static func run(_ arguments: [String], environment: [String: String] = [:]) -> CommandResult {
        var result = PMetaPlanCommand.run(arguments: arguments, environment: environment)
        result.output = result.output.replacingOccurrences(of: root, with: "<repo>")
        result.errorOutput = result.errorOutput.replacingOccurrences(of: root, with: "<repo>")
        return result
    }

    /// Compares `text` with `Snapshots/NAME`, or rewrites the file when RECORD_SNAPSHOTS=1.
    static func assertSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = URL(fileURLWithPath: "\(root)/Tests/PMetaPlanCLITests/Snapshots/\(name)")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? Data(text.utf8).write(to: url)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing snapshot \(name); run RECORD_SNAPSHOTS=1 swift test to write it", sourceLocation: sourceLocation)
            return
        }
        #expect(text == expected, "output differs from Snapshots/\(name); if the change is intended, rerun with RECORD_SNAPSHOTS=1",
                sourceLocation: sourceLocation)
    }
}

extension CommandResult {
    /// The output with each wrapped prose line joined again (a line break before an indented line becomes a
    /// space), for tests that look for a sentence and not for where the terminal width breaks it.
    var unwrappedOutput: String {
        output.replacingOccurrences(of: " *\n +", with: " ", options: .regularExpression)
    }
}
