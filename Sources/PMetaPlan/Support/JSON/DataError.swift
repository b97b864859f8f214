/// Bad input data (an architecture, plan or importance file): a message naming the file, the JSON path and what was expected.
///
/// `resnet12.json: layers[7].kernel: expected a positive integer, found -3`
public struct DataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file the data came from, when known.
    public var file: String?
    /// Where in the document: a JSON path such as `layers[7].kernel`, or `line 3, column 5` for malformed JSON.
    public var path: String
    /// What was expected and what was found.
    public var message: String

    /// Creates an error.
    public init(file: String? = nil, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    /// The same error attributed to `file`.
    public func inFile(_ file: String) -> DataError {
        var copy = self
        copy.file = file
        return copy
    }

    public var description: String {
        let location = path.isEmpty ? "" : "\(path): "
        if let file { return "\(file): \(location)\(message)" }
        return "\(location)\(message)"
    }
}
