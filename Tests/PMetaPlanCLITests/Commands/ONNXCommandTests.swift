import Foundation
import Testing
@testable import PMetaPlanCLI

/// ONNX files through the commands: read page by page, with exit 65 for a malformed model and 66 for a file that
/// cannot be opened.
@Suite struct ONNXCommandTests {
    static func fixture(_ name: String) -> String { "\(CommandHarness.root)/Tests/PMetaPlanTests/Fixtures/ONNX/\(name).onnx" }

    /// A temporary file holding `bytes`, removed by the caller.
    static func temporaryFile(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pmeta-onnx-\(UUID().uuidString).onnx")
        try Data(bytes).write(to: url)
        return url
    }

    @Test func analyzeReadsAnONNXExport() {
        let result = CommandHarness.run(["analyze", Self.fixture("ds_cnn")])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        #expect(result.output.contains("stem"))
    }

    @Test func truncatedModelIsBadDataWithTheByteOffset() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixture("resnet18")))).prefix(5_000)
        let url = try Self.temporaryFile(Array(bytes))
        defer { try? FileManager.default.removeItem(at: url) }
        let result = CommandHarness.run(["analyze", url.path])
        #expect(result.exitCode == .badData)
        #expect(result.errorOutput.contains("\(url.path): byte "), "\(result.errorOutput)")
        #expect(result.output.isEmpty)
    }

    @Test func benchImportPrintsTheBytesRead() {
        let result = CommandHarness.run(["bench-import", Self.fixture("ds_cnn"), "--repeat", "1", "--chain", "10"])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        // The fixture's weights are external, so every one of its 6,851 bytes is graph and is read.
        #expect(result.output.contains("6,851       6,851"), "\(result.output)")
        #expect(result.output.contains("chain of 10 nodes (in memory)"))
    }
}
