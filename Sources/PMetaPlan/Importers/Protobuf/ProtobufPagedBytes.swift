/// Bytes that a `ProtobufReader` asks for, range by range, before it reads them: a file read page by page on
/// demand (the CLI's `PagedFile`), so the payloads the decoder skips are never read and take no memory.
///
/// The library does no file I/O; whoever reads the file conforms to this.
public protocol ProtobufPagedBytes: AnyObject {
    /// The whole buffer, as long as the file; only the ranges `load(_:)` returned true for hold the file's bytes.
    var bytes: UnsafeRawBufferPointer { get }
    /// Why a `load(_:)` failed (the file changed, the disk failed), once one has.
    var readFailure: String? { get }
    /// Makes the bytes of `range` readable.
    /// - Returns: false when they cannot be read; `readFailure` says why.
    func load(_ range: Range<Int>) -> Bool
}
