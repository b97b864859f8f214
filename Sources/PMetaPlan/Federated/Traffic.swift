/// The bytes exchanged in one round by one client, or by a fleet, or over a whole run once scaled.
public struct Traffic: Hashable, Sendable {
    /// Server to client: the global weights.
    public var downBytes: ByteCount
    /// Client to server: the values sent.
    public var upValueBytes: ByteCount
    /// Client to server: the indices of the values (0 when every weight is sent in order).
    public var upIndexBytes: ByteCount

    /// Creates traffic figures.
    public init(downBytes: ByteCount, upValueBytes: ByteCount, upIndexBytes: ByteCount) {
        self.downBytes = downBytes
        self.upValueBytes = upValueBytes
        self.upIndexBytes = upIndexBytes
    }

    /// Client to server: values and indices.
    public var upBytes: ByteCount { ByteCount(upValueBytes.bytes + upIndexBytes.bytes) }

    /// Both directions.
    public var totalBytes: ByteCount { ByteCount(downBytes.bytes + upBytes.bytes) }

    /// The traffic of `factor` clients or rounds.
    /// - Throws: `ArithmeticOverflow` naming `context` when a figure does not fit in 64 bits.
    public func scaled(by factor: Int, context: String) throws -> Traffic {
        let scaled = try [downBytes, upValueBytes, upIndexBytes].map { try Checked.product($0.bytes, factor, context: context) }
        let result = Traffic(downBytes: ByteCount(scaled[0]), upValueBytes: ByteCount(scaled[1]), upIndexBytes: ByteCount(scaled[2]))
        _ = try Checked.sum(result.downBytes.bytes, result.upValueBytes.bytes, result.upIndexBytes.bytes, context: context)
        return result
    }
}
