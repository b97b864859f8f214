/// A malformed protobuf message: where it broke (the byte offset and the field being read) and what was expected.
///
/// `byte 1,234: ModelProto.graph.node[3].attribute[1]: a length of 9,000 bytes runs past the end of the message at byte 1,300`
public struct ProtobufError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The offset from the start of the file of the byte that could not be read.
    public var offset: Int
    /// The field being read, as a path of message fields (`ModelProto.graph.node[3].input`).
    public var field: String
    /// What was expected and what was found.
    public var message: String

    /// Creates an error.
    public init(offset: Int, field: String, message: String) {
        self.offset = offset
        self.field = field
        self.message = message
    }

    public var description: String {
        "byte \(DecimalFormatting.grouped(offset)): \(field): \(message)"
    }
}
