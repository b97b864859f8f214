import Foundation
import Testing
import PMetaPlanCLI

/// What the tool answers to files, flags and sizes that are wrong: one message on stderr naming the file and the
/// place, the documented exit code, and nothing on stdout.
@Suite struct HostileInputCommandTests {
    /// The repository's architectures/ folder.
    static let architectures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("architectures")

    /// A fresh folder for one test's files.
    static func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmeta-plan-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Writes `text` to a file named `name` in a fresh folder and returns its path.
    static func file(_ name: String, _ text: String) throws -> String {
        let url = try scratchFolder().appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Runs the tool and checks what every failure shares: nothing on stdout, one `Error:` line first on stderr.
    static func failure(_ arguments: [String], exitCode: ExitCode) -> String {
        let result = PMetaPlanCommand.run(arguments: arguments)
        #expect(result.exitCode == exitCode, "\(arguments): \(result.errorOutput)")
        #expect(result.output.isEmpty, "\(arguments) printed on stdout: \(result.output.prefix(200))")
        let lines = result.errorOutput.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("Error: ") == true)
        #expect(lines.dropFirst().allSatisfy { !$0.hasPrefix("Error: ") })
        return result.errorOutput
    }

    @Test func missingFileIsUnreadable() {
        let path = "/nonexistent/pmeta-plan/4conv.json"
        #expect(Self.failure(["analyze", path], exitCode: .unreadableInput) == "Error: \(path): no such file\n")
    }

    @Test func directoryIsUnreadable() throws {
        let folder = try Self.scratchFolder().path
        #expect(Self.failure(["compare", folder], exitCode: .unreadableInput)
                == "Error: \(folder): is a directory, expected a JSON file\n")
    }

    @Test func fileLargerThanTheLimitIsUnreadableWithoutBeingRead() throws {
        // A sparse file one byte over 64 MiB: its size is refused before anything is read.
        let url = try Self.scratchFolder().appendingPathComponent("huge.json")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(64 << 20) + 1)
        try handle.close()
        #expect(Self.failure(["analyze", url.path], exitCode: .unreadableInput)
                == "Error: \(url.path): the file has 67,108,865 bytes; the limit is 67,108,864\n")
    }

    @Test func truncatedJSONGivesLineAndColumn() throws {
        let full = try String(contentsOf: Self.architectures.appendingPathComponent("4conv.json"), encoding: .utf8)
        let path = try Self.file("4conv.json", String(full.prefix(200)))
        let message = Self.failure(["analyze", path], exitCode: .badData)
        let line = full.prefix(200).split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(message.hasPrefix("Error: \(path): line \(line), column "), "\(message)")
        #expect(message.hasSuffix("\n") && message.dropLast().contains("\n") == false)
    }

    @Test func emptyAndNonUTF8FilesAreBadData() throws {
        let empty = try Self.file("empty.json", "")
        #expect(Self.failure(["analyze", empty], exitCode: .badData) == "Error: \(empty): line 1, column 1: the file is empty\n")
        let url = try Self.scratchFolder().appendingPathComponent("latin1.json")
        try Data([0x7B, 0x22, 0xE9, 0x22, 0x3A, 0x31, 0x7D]).write(to: url)  // {"é":1} in Latin-1
        #expect(Self.failure(["analyze", url.path], exitCode: .badData).hasPrefix("Error: \(url.path): line 1, column 3: "))
    }

    @Test func negativeKernelNamesTheJSONPath() throws {
        let path = try Self.file("bad.json", #"""
        {"format": 1, "name": "bad", "input": {"shape": [3, 8, 8]},
         "layers": [{"op": "relu"}, {"op": "conv2d", "out_channels": 4, "kernel": -3}]}
        """#)
        #expect(Self.failure(["analyze", path], exitCode: .badData)
                == "Error: \(path): layers[1].kernel: expected a positive integer or [height, width], found -3\n")
    }

    @Test func sizesThatOverflowNameTheFileAndWhatOverflowed() throws {
        // 2^32 pixels x 1,024 channels x 27 weights x 10^9 samples of MACs do not fit in 64 bits.
        let path = try Self.file("vast.json", #"""
        {"format": 1, "name": "vast", "input": {"shape": [3, 65536, 65536]},
         "layers": [{"op": "conv2d", "out_channels": 1024, "kernel": 3, "padding": 1}, {"op": "global_avg_pool"},
                    {"op": "linear", "out_features": 2}]}
        """#)
        let message = Self.failure(["analyze", path, "--samples", "1000000000"], exitCode: .badData)
        #expect(message.hasPrefix("Error: \(path): ") && message.contains("does not fit in a 64-bit integer"), "\(message)")
    }

    @Test func unitTypoInAnOptionIsAUsageError() {
        let path = Self.architectures.appendingPathComponent("4conv.json").path
        let message = Self.failure(["analyze", path, "--activation-bytes", "1B"], exitCode: .usage)
        #expect(message.hasPrefix("Error: --activation-bytes expects a whole number from 1 to 16, found '1B'\nUsage: pmeta-plan analyze <arch.json> "))
    }

    @Test func workloadOptionsOutOfRangeAreUsageErrors() {
        let path = Self.architectures.appendingPathComponent("4conv.json").path
        #expect(Self.failure(["analyze", path, "--inner-steps", "1001"], exitCode: .usage)
            .hasPrefix("Error: --inner-steps expects a whole number from 1 to 1,000, found '1001'\n"))
        #expect(Self.failure(["analyze", path, "--samples", "0"], exitCode: .usage)
            .hasPrefix("Error: --samples expects a whole number from 1 to 1,000,000,000, found '0'\n"))
        #expect(Self.failure(["analyze", path, "--samples", "99999999999999999999"], exitCode: .usage)
            .hasPrefix("Error: --samples expects a whole number from 1 to 1,000,000,000, found '99999999999999999999'\n"))
        #expect(Self.failure(["analyze", path, "--samples", "5", "--micro-batch", "6"], exitCode: .usage)
            .hasPrefix("Error: --micro-batch 6 is larger than --samples 5\n"))
        #expect(Self.failure(["analyze", path, "--gradient-bytes", "17"], exitCode: .usage)
            .hasPrefix("Error: --gradient-bytes expects a whole number from 1 to 16, found '17'\n"))
    }

    @Test func unknownOptionIsAUsageErrorWithTheUsage() {
        let path = Self.architectures.appendingPathComponent("4conv.json").path
        let message = Self.failure(["compare", path, "--frmat", "json"], exitCode: .usage)
        #expect(message.hasPrefix("""
        Error: unknown option '--frmat'; did you mean '--format'?
        Usage: pmeta-plan compare <arch.json> [--methods <list>]
        """), "\(message)")
        #expect(message.hasSuffix("See 'pmeta-plan compare --help'.\n"))
    }

    @Test func controlCharactersInArgumentsStayOnTheErrorLine() {
        let message = Self.failure(["analyze", "a\nb.json"], exitCode: .unreadableInput)
        #expect(message == "Error: a\\nb.json: no such file\n")
        #expect(Self.failure(["analyze", "x.json", "--sam\u{1B}[2Jples", "1"], exitCode: .usage)
            .hasPrefix("Error: unknown option '--sam\\u001b[2Jples'"))
    }

    @Test func helpShowsTheSubcommandInItsUsage() {
        let result = PMetaPlanCommand.run(arguments: ["compare", "--help"])
        #expect(result.exitCode == .success)
        #expect(result.output.contains("USAGE: pmeta-plan compare <arch.json> [--methods <list>]"))
    }

    @Test func aThousandInnerStepsOfTenThousandLayersAnswer() throws {
        let path = try Self.file("chain.json", """
        {"format": 1, "name": "chain", "input": {"shape": [4]}, "layers": [
          {"repeat": 5000, "layers": [{"op": "linear", "out_features": 4}, {"op": "relu"}]}
        ]}
        """)
        let result = PMetaPlanCommand.run(arguments: ["compare", path, "--inner-steps", "1000", "--samples", "1", "--format", "json"])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        // MAML: 1,000 steps of 239,984 MACs; peak 85,079 B (ExtremeInputTests counts both by hand).
        #expect(result.output.contains(#""adaptation_peak_bytes": 85079"#))
        #expect(result.output.contains(#""adaptation_macs": 239984000"#))
    }
}
