import Foundation
import PMetaPlan

/// Reading ONNX files where an architecture file is expected: chosen by content, memory-mapped, payloads skipped.
enum ONNXInput {
    /// The largest ONNX file mapped (weights embedded; files with external data are a few kB).
    static let maximumBytes = 1 << 34

    /// Whether the file at `path` is an ONNX model rather than JSON, judged by its first bytes; false when it cannot be read.
    static func isONNX(at path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        // JSON may start with a little white space; a protobuf ModelProto starts with a field tag.
        guard let head = try? handle.read(upToCount: 256), !head.isEmpty else { return false }
        return head.withUnsafeBytes { ONNXImporter.looksLikeONNX($0) }
    }

    /// The architecture document of the ONNX file at `path`, memory-mapped so its tensor payloads are never read.
    /// - Throws: `CommandFailure.unreadable` when the file cannot be mapped, `.badData` for a malformed or unsupported model.
    static func architectureDocument(at path: String) throws(CommandFailure) -> JSONValue {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw .unreadable("\(path): cannot be read (\(error.localizedDescription))")
        }
        guard data.count <= maximumBytes else {
            throw .unreadable("\(path): the file has \(DecimalFormatting.grouped(data.count)) bytes; the limit is \(DecimalFormatting.grouped(maximumBytes))")
        }
        let result: Result<JSONValue, DataError> = data.withUnsafeBytes { buffer in
            do throws(DataError) { return .success(try ONNXImporter.architectureDocument(bytes: buffer, file: path)) } catch { return .failure(error) }
        }
        switch result {
        case .success(let document): return document
        case .failure(let error): throw .badData(error.description)
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
