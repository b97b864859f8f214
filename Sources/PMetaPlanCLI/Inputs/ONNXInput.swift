import Foundation
import PMetaPlan

/// Reading ONNX files where an architecture file is expected: chosen by content, read page by page, payloads skipped.
enum ONNXInput {
    /// The largest ONNX file read (weights embedded; files with external data are a few kB).
    static let maximumBytes = 1 << 34

    /// Whether the file at `path` is an ONNX model rather than JSON, judged by its first bytes; false when it cannot be read.
    static func isONNX(at path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        // JSON may start with a little white space; a protobuf ModelProto starts with a field tag.
        guard let head = try? handle.read(upToCount: 256), !head.isEmpty else { return false }
        return head.withUnsafeBytes { ONNXImporter.looksLikeONNX($0) }
    }

    /// The ONNX file at `path`, opened to be read page by page (`PagedFile`): the pages that hold only tensor
    /// payloads are never read.
    /// - Throws: `CommandFailure.unreadable` when the file cannot be opened, is not a regular file or is too large.
    static func pagedFile(at path: String) throws(CommandFailure) -> PagedFile {
        do {
            return try PagedFile(path: path, maximumBytes: maximumBytes)
        } catch {
            throw .unreadable("\(path): \(error.reason)")
        }
    }

    /// The architecture document of the ONNX file at `path`; its tensor payloads are never read.
    /// - Throws: `CommandFailure.unreadable` when the file cannot be opened or read, `.badData` for a malformed or
    ///   unsupported model.
    static func architectureDocument(at path: String) throws(CommandFailure) -> JSONValue {
        try architectureDocument(of: try pagedFile(at: path), at: path)
    }

    /// The architecture document of `file`, opened from `path`.
    /// - Throws: as `architectureDocument(at:)`.
    static func architectureDocument(of file: PagedFile, at path: String) throws(CommandFailure) -> JSONValue {
        do {
            return try ONNXImporter.architectureDocument(file: file, name: path)
        } catch {
            if let failure = file.readFailure { throw .unreadable("\(path): \(failure)") }
            throw .badData(error.description)
        }
    }

    /// The cost model of the ONNX file at `path`.
    /// - Throws: `CommandFailure` as `architectureDocument(at:)`, or `.badData` when the document does not decode.
    static func architecture(at path: String) throws(CommandFailure) -> CostModel {
        let document = try architectureDocument(at: path)
        do {
            return try CostModel(try ShapedGraph(try ArchitectureGraph(json: document)))
        } catch {
            throw .badData("\(error.inFile(path).description) (a path in the document that 'pmeta-plan convert \(path)' writes)")
        }
    }
}
