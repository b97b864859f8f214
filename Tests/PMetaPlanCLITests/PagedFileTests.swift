import Foundation
import PMetaPlan
import Testing
@testable import PMetaPlanCLI

/// Reading an ONNX file page by page: the same document as from the bytes in memory, and the pages of the tensor
/// payloads never read.
@Suite struct PagedFileTests {
    static let fixtures = URL(fileURLWithPath: "\(CommandHarness.root)/Tests/PMetaPlanTests/Fixtures/ONNX")

    /// Writes `bytes` to a new temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8], name: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pmeta-paged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test(arguments: ["resnet18", "shufflenet_v2_x0_5", "vit_tiny_opset13", "blocks_micro_training"])
    func pagedFixtureImportsAsTheBytesInMemory(_ name: String) throws {
        let url = Self.fixtures.appendingPathComponent("\(name).onnx")
        let file = try PagedFile(path: url.path, maximumBytes: 1 << 30)
        let inMemory = try ONNXImporter.architectureDocument(bytes: Array(try Data(contentsOf: url)), file: "\(name).onnx")
        #expect(try ONNXImporter.architectureDocument(file: file, name: "\(name).onnx") == inMemory)
    }

    @Test func embeddedWeightsAreNeverRead() throws {
        // Four 256 x 256 float weights (256 KiB each) and four 1 KiB biases in raw_data: about 1 MiB of payloads.
        let bytes = ONNXSyntheticModels.chain(nodeCount: 8, width: 256, embedsWeights: true)
        #expect(bytes.count > 1_050_000)
        let path = try Self.temporaryFile(bytes, name: "chain.onnx")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let file = try PagedFile(path: path, maximumBytes: 1 << 30)
        let document = try ONNXImporter.architectureDocument(file: file, name: "chain.onnx")
        #expect(document == (try ONNXImporter.architectureDocument(bytes: bytes, file: "chain.onnx")))
        // Each of the 8 tensors costs at most the page of its header and the page where its payload ends (where
        // the next field starts); the graph's other fields fit in a few more pages.
        #expect(file.bytesRead <= (2 * 8 + 4) * file.pageSize)
        #expect(file.bytesRead * 10 < bytes.count)
    }

    @Test func missingFileAndFolderAreOpenFailures() throws {
        #expect {
            _ = try PagedFile(path: "/nonexistent/model.onnx", maximumBytes: 1 << 30)
        } throws: { error in
            "\(error)".hasPrefix("cannot be opened (")
        }
        #expect {
            _ = try PagedFile(path: NSTemporaryDirectory(), maximumBytes: 1 << 30)
        } throws: { error in
            "\(error)" == "is not a regular file"
        }
    }

    @Test func fileOverTheLimitIsRefusedUnread() throws {
        let path = try Self.temporaryFile(Array(repeating: 0x08, count: 5_000), name: "big.onnx")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        #expect {
            _ = try PagedFile(path: path, maximumBytes: 4_096)
        } throws: { error in
            "\(error)" == "the file has 5,000 bytes; the limit is 4,096"
        }
    }

    @Test func emptyFileIsAMalformedModel() throws {
        let path = try Self.temporaryFile([], name: "empty.onnx")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let file = try PagedFile(path: path, maximumBytes: 1 << 30)
        #expect(file.count == 0)
        #expect {
            _ = try ONNXImporter.architectureDocument(file: file, name: "empty.onnx")
        } throws: { error in
            "\(error)".contains("the file has no graph")
        }
    }
}
