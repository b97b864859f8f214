import Foundation
import PMetaPlan

/// Reading input files: a clear error for a missing, unreadable, oversized or non-regular file.
enum InputFile {
    /// The largest input file read (architectures, plans, importance scores).
    static let maximumBytes = 64 << 20

    /// The bytes of the file at `path`.
    /// - Throws: `CommandFailure.unreadable` naming the file and the reason.
    static func bytes(at path: String) throws(CommandFailure) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable("\(path): no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadable("\(path): is a directory, expected a JSON file") }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber,
           size.intValue > maximumBytes {
            throw .unreadable("\(path): the file has \(DecimalFormatting.grouped(size.intValue)) bytes; the limit is \(DecimalFormatting.grouped(maximumBytes))")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable("\(path): cannot be opened for reading") }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
            guard data.count <= maximumBytes else {
                throw CommandFailure.unreadable("\(path): the file is larger than the limit of \(DecimalFormatting.grouped(maximumBytes)) bytes")
            }
            return Array(data)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw .unreadable("\(path): \(error.localizedDescription)")
        }
    }

    /// The architecture file most commands take first: a JSON architecture or an ONNX model.
    static let architectureArgument = ArgumentSpec("arch.json", help: "An architecture file (see architectures/) or an ONNX model.")

    /// The architecture at `path` (JSON, or an ONNX model chosen by content), parsed, decoded and shape-checked.
    /// - Throws: `CommandFailure.unreadable` or `.badData` with the file, the place and what was expected.
    static func architecture(at path: String) throws(CommandFailure) -> CostModel {
        if ONNXInput.isONNX(at: path) { return try ONNXInput.architecture(at: path) }
        let bytes = try bytes(at: path)
        do {
            return try CostModel(try ShapedGraph(jsonBytes: bytes, file: path))
        } catch {
            throw .badData(error.inFile(path).description)
        }
    }

    /// Writes `bytes` to `path`, creating folders as needed, through symlinks, keeping an existing file's mode
    /// (see `OutputFiles`).
    /// - Throws: `CommandFailure.unreadable` when the file cannot be written or is not a regular file.
    static func write(bytes: [UInt8], to path: String) throws(CommandFailure) {
        try OutputFiles.write(bytes, to: path)
    }

    /// The JSON document at `path`.
    /// - Throws: `CommandFailure.unreadable`, or `.badData` with the line and column of a syntax error.
    static func json(at path: String) throws(CommandFailure) -> JSONValue {
        let bytes = try bytes(at: path)
        do {
            return try JSONParser.parse(bytes: bytes)
        } catch let error as JSONSyntaxError {
            throw .badData("\(path): line \(error.line), column \(error.column): \(error.message)")
        } catch {
            throw .badData("\(path): \(error)")
        }
    }

    /// Writes `text` to `path` (see `write(bytes:to:)`).
    /// - Throws: `CommandFailure.unreadable` (exit 66 is the documented code for an output that cannot be written).
    static func write(_ text: String, to path: String) throws(CommandFailure) {
        try OutputFiles.write(text, to: path)
    }
}
