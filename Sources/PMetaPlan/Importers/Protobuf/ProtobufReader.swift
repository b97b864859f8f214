/// How a protobuf field's value is encoded on the wire.
public enum ProtobufWireType: UInt8, Sendable {
    /// A base-128 varint (int32, int64, uint64, bool, enum).
    case varint = 0
    /// Eight little-endian bytes (fixed64, double).
    case fixed64 = 1
    /// A varint length, then that many bytes (string, bytes, a message, a packed repeated field).
    case lengthDelimited = 2
    /// The deprecated group start; never used by ONNX, and rejected.
    case startGroup = 3
    /// The deprecated group end; rejected.
    case endGroup = 4
    /// Four little-endian bytes (fixed32, float).
    case fixed32 = 5
}

/// One field of a protobuf message as it stands in the file: its number and its value, with length-delimited
/// values kept as a byte range (never copied, so a tensor's `raw_data` costs nothing to skip).
public struct ProtobufField: Sendable {
    /// The value of a field.
    public enum Value: Sendable {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        /// The byte range of the payload within the buffer.
        case lengthDelimited(Range<Int>)
    }

    /// The field number (1 to 2^29 - 1).
    public var number: Int
    /// The value.
    public var value: Value
    /// The offset of the field's tag.
    public var offset: Int
}

/// A reader of protobuf wire format over borrowed bytes: each call reads the next field of the current message,
/// and every malformed case is a thrown `ProtobufError` with the byte offset and the field's path.
///
/// The reader only borrows the buffer: it must not outlive the `withUnsafeBytes` (or `ProtobufPagedBytes`) that lent
/// it. Over `ProtobufPagedBytes` it asks for each byte range before reading it, so the pages of skipped payloads are
/// never read. Offsets in errors count from the start of the buffer (the file).
public struct ProtobufReader {
    /// The whole buffer (the file); sub-message readers share it.
    let buffer: UnsafeRawBufferPointer
    /// The file the buffer's pages are read from on demand, or nil when every byte is in memory.
    let pages: (any ProtobufPagedBytes)?
    /// The next byte to read.
    public private(set) var position: Int
    /// One past the last byte of the current message.
    public let end: Int
    /// The current message's path for error messages (`ModelProto.graph`).
    public let path: String

    /// A reader of the message that fills `buffer`.
    /// - Parameters:
    ///   - buffer: The bytes of one message (an ONNX file is one ModelProto).
    ///   - path: The message's name in error messages.
    public init(_ buffer: UnsafeRawBufferPointer, path: String) {
        self.buffer = buffer
        self.pages = nil
        self.position = 0
        self.end = buffer.count
        self.path = path
    }

    /// A reader of the message that fills `file`, which reads each page of the file when first needed.
    /// - Parameters:
    ///   - file: The file (an ONNX file is one ModelProto).
    ///   - path: The message's name in error messages.
    public init(_ file: any ProtobufPagedBytes, path: String) {
        self.buffer = file.bytes
        self.pages = file
        self.position = 0
        self.end = file.bytes.count
        self.path = path
    }

    private init(parent: ProtobufReader, range: Range<Int>, path: String) {
        self.buffer = parent.buffer
        self.pages = parent.pages
        self.position = range.lowerBound
        self.end = range.upperBound
        self.path = path
    }

    /// Makes `range` readable (reads its pages from the file when the buffer is paged).
    /// - Throws: `ProtobufError` when the file cannot be read there.
    @inline(__always)
    private func load(_ range: Range<Int>) throws(ProtobufError) {
        guard let pages, !pages.load(range) else { return }
        throw error(at: range.lowerBound, "cannot read the file here: \(pages.readFailure ?? "an I/O error")")
    }

    /// Whether every field of the message has been read.
    public var isAtEnd: Bool { position >= end }

    /// An error at `offset` in the field `field` of this message.
    public func error(at offset: Int, field: String? = nil, _ message: String) -> ProtobufError {
        ProtobufError(offset: offset, field: field.map { "\(path).\($0)" } ?? path, message: message)
    }

    /// The next field, or nil at the end of the message.
    /// - Throws: `ProtobufError` for a truncated or overlong varint, a field number of 0 or above 2^29 - 1, a group
    ///   or unknown wire type, or a value that runs past the end of the message.
    public mutating func next() throws(ProtobufError) -> ProtobufField? {
        guard position < end else { return nil }
        let start = position
        // A tag and a varint take at most 10 bytes each; a length-delimited payload is loaded only when read.
        try load(position..<min(position + 20, end))
        let tag = try readVarint(field: "tag")
        let number = tag >> 3
        guard number >= 1, number <= (1 << 29) - 1 else {
            throw error(at: start, "expected a field number from 1 to 536,870,911, found \(number)")
        }
        guard let wireType = ProtobufWireType(rawValue: UInt8(tag & 7)) else {
            throw error(at: start, "field \(number) has wire type \(tag & 7); protobuf defines 0 to 5")
        }
        let value: ProtobufField.Value
        switch wireType {
        case .varint:
            value = .varint(try readVarint(field: "field \(number)"))
        case .fixed64:
            value = .fixed64(try readFixed(byteCount: 8, field: "field \(number)"))
        case .fixed32:
            value = .fixed32(UInt32(truncatingIfNeeded: try readFixed(byteCount: 4, field: "field \(number)")))
        case .lengthDelimited:
            let lengthOffset = position
            let length = try readVarint(field: "field \(number) length")
            guard length <= UInt64(end - position) else {
                throw error(at: lengthOffset, "field \(number): a length of \(length) bytes runs past the end of the message at byte \(DecimalFormatting.grouped(end))")
            }
            let payloadStart = position
            position += Int(length)
            value = .lengthDelimited(payloadStart..<position)
        case .startGroup, .endGroup:
            throw error(at: start, "field \(number) is a group (wire type \(wireType.rawValue)), which ONNX never uses")
        }
        return ProtobufField(number: Int(number), value: value, offset: start)
    }

    /// Reads a varint of at most 10 bytes whose value fits 64 bits.
    private mutating func readVarint(field: String) throws(ProtobufError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while true {
            guard position < end else {
                throw error(at: position, "\(field): the varint that starts at byte \(DecimalFormatting.grouped(start)) is cut off by the end of the message")
            }
            let byte = buffer[position]
            position += 1
            if shift == 63 && byte > 1 {
                throw error(at: position - 1, "\(field): the varint that starts at byte \(DecimalFormatting.grouped(start)) overflows 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func readFixed(byteCount: Int, field: String) throws(ProtobufError) -> UInt64 {
        guard end - position >= byteCount else {
            throw error(at: position, "\(field): expected \(byteCount) bytes, found \(end - position) before the end of the message")
        }
        var result: UInt64 = 0
        for index in 0..<byteCount { result |= UInt64(buffer[position + index]) << (8 * UInt64(index)) }
        position += byteCount
        return result
    }

    // MARK: - Interpreting a field

    /// A reader of the sub-message in `field`, named `name` in errors.
    /// - Throws: `ProtobufError` when the field is not length-delimited.
    public func message(_ field: ProtobufField, named name: String) throws(ProtobufError) -> ProtobufReader {
        guard case .lengthDelimited(let range) = field.value else {
            throw error(at: field.offset, field: name, "expected a message (wire type 2), found \(field.value.wireName)")
        }
        return ProtobufReader(parent: self, range: range, path: "\(path).\(name)")
    }

    /// The UTF-8 text of a string field (invalid sequences become U+FFFD).
    /// - Throws: `ProtobufError` when the field is not length-delimited.
    public func string(_ field: ProtobufField, named name: String) throws(ProtobufError) -> String {
        guard case .lengthDelimited(let range) = field.value else {
            throw error(at: field.offset, field: name, "expected a string (wire type 2), found \(field.value.wireName)")
        }
        try load(range)
        return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// The byte range of a bytes field, without copying it.
    /// - Throws: `ProtobufError` when the field is not length-delimited.
    public func byteRange(_ field: ProtobufField, named name: String) throws(ProtobufError) -> Range<Int> {
        guard case .lengthDelimited(let range) = field.value else {
            throw error(at: field.offset, field: name, "expected bytes (wire type 2), found \(field.value.wireName)")
        }
        return range
    }

    /// The bytes at `range`, copied; only for small payloads.
    /// - Throws: `ProtobufError` when the file cannot be read there.
    public func bytes(in range: Range<Int>) throws(ProtobufError) -> [UInt8] {
        try load(range)
        return Array(UnsafeRawBufferPointer(rebasing: buffer[range]))
    }

    /// A varint field as a two's-complement int64 (int32 and enum fields are sign-extended int64 on the wire).
    /// - Throws: `ProtobufError` when the field is not a varint.
    public func int64(_ field: ProtobufField, named name: String) throws(ProtobufError) -> Int64 {
        guard case .varint(let raw) = field.value else {
            throw error(at: field.offset, field: name, "expected an integer (wire type 0), found \(field.value.wireName)")
        }
        return Int64(bitPattern: raw)
    }

    /// A fixed32 field as a float.
    /// - Throws: `ProtobufError` when the field is not fixed32.
    public func float(_ field: ProtobufField, named name: String) throws(ProtobufError) -> Float {
        guard case .fixed32(let raw) = field.value else {
            throw error(at: field.offset, field: name, "expected a float (wire type 5), found \(field.value.wireName)")
        }
        return Float(bitPattern: raw)
    }

    /// Appends a repeated int64 field's values, packed (one length-delimited run) or not (one varint), up to `limit`
    /// values in all.
    /// - Throws: `ProtobufError` for another wire type, a malformed varint, or more than `limit` values.
    public func appendInt64s(_ field: ProtobufField, named name: String, to values: inout [Int64], limit: Int) throws(ProtobufError) {
        switch field.value {
        case .varint(let raw):
            guard values.count < limit else { throw error(at: field.offset, field: name, "more than \(limit) values") }
            values.append(Int64(bitPattern: raw))
        case .lengthDelimited(let range):
            try load(range)
            var packed = ProtobufReader(parent: self, range: range, path: "\(path).\(name)")
            while !packed.isAtEnd {
                guard values.count < limit else { throw error(at: packed.position, field: name, "more than \(limit) values") }
                values.append(Int64(bitPattern: try packed.readVarint(field: "packed value")))
            }
        default:
            throw error(at: field.offset, field: name, "expected integers (wire type 0 or 2), found \(field.value.wireName)")
        }
    }

    /// Appends a repeated float field's values, packed or not, up to `limit` values in all.
    /// - Throws: `ProtobufError` for another wire type, a packed run whose length is not a multiple of 4, or too many values.
    public func appendFloats(_ field: ProtobufField, named name: String, to values: inout [Float], limit: Int) throws(ProtobufError) {
        switch field.value {
        case .fixed32(let raw):
            guard values.count < limit else { throw error(at: field.offset, field: name, "more than \(limit) values") }
            values.append(Float(bitPattern: raw))
        case .lengthDelimited(let range):
            guard range.count % 4 == 0 else {
                throw error(at: field.offset, field: name, "a packed float run of \(range.count) bytes is not a multiple of 4")
            }
            guard values.count + range.count / 4 <= limit else { throw error(at: field.offset, field: name, "more than \(limit) values") }
            try load(range)
            var packed = ProtobufReader(parent: self, range: range, path: "\(path).\(name)")
            while !packed.isAtEnd {
                values.append(Float(bitPattern: UInt32(truncatingIfNeeded: try packed.readFixed(byteCount: 4, field: "packed value"))))
            }
        default:
            throw error(at: field.offset, field: name, "expected floats (wire type 5 or 2), found \(field.value.wireName)")
        }
    }

    /// The number of values a packed or unpacked repeated field holds, for fields whose values are not needed.
    public func valueCount(_ field: ProtobufField, elementBytes: Int) -> Int {
        if case .lengthDelimited(let range) = field.value { return range.count / max(elementBytes, 1) }
        return 1
    }
}

extension ProtobufField.Value {
    /// The wire type's name, for error messages.
    var wireName: String {
        switch self {
        case .varint: "a varint (wire type 0)"
        case .fixed64: "a 64-bit value (wire type 1)"
        case .fixed32: "a 32-bit value (wire type 5)"
        case .lengthDelimited: "a length-delimited value (wire type 2)"
        }
    }
}
