/// Protobuf wire-format bytes, field by field: for benchmarks and tests that build ONNX files without an exporter.
public struct ProtobufWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty message.
    public init() {}

    /// Appends `value` as a base-128 varint.
    public mutating func appendVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    /// Appends an integer field (int64 as two's complement).
    public mutating func integer(_ number: Int, _ value: Int64) {
        appendVarint(UInt64(number) << 3)
        appendVarint(UInt64(bitPattern: value))
    }

    /// Appends a float field.
    public mutating func float(_ number: Int, _ value: Float) {
        appendVarint(UInt64(number) << 3 | 5)
        let raw = value.bitPattern
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: raw >> UInt32(shift))) }
    }

    /// Appends a length-delimited field holding `payload`.
    public mutating func bytes(_ number: Int, _ payload: [UInt8]) {
        appendVarint(UInt64(number) << 3 | 2)
        appendVarint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    /// Appends a string field.
    public mutating func string(_ number: Int, _ text: String) {
        bytes(number, Array(text.utf8))
    }

    /// Appends a sub-message field.
    public mutating func message(_ number: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        bytes(number, inner.bytes)
    }

    /// Appends a packed repeated int64 field.
    public mutating func packedIntegers(_ number: Int, _ values: [Int64]) {
        var inner = ProtobufWriter()
        for value in values { inner.appendVarint(UInt64(bitPattern: value)) }
        bytes(number, inner.bytes)
    }
}
