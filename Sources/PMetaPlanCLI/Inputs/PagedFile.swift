#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PMetaPlan

/// A file's bytes at their own offsets in memory, read from the file one page at a time when a reader first looks
/// at them: the pages a decoder skips (an ONNX model's tensor payloads) are never read and take no memory.
///
/// The bytes live in an anonymous mapping as large as the file, reserved but not committed, so a page costs memory
/// only once it is read. A memory map of the file itself would cost more: the kernel maps the neighbours of every
/// page touched (up to 64 KiB of them, `fault_around_bytes`), which for a model with its weights embedded is about
/// 64 KiB per tensor header. `ProtobufReader` asks for the bytes it reads through `load(_:)`.
final class PagedFile: ProtobufPagedBytes {
    /// Why a file could not be opened (missing, not a regular file, too large, or an I/O error).
    struct OpenFailure: Error, Sendable, CustomStringConvertible {
        /// The reason, without the file name.
        var reason: String
        var description: String { reason }
    }

    /// The file's size in bytes.
    let count: Int
    /// The bytes; only those `load(_:)` returned true for hold the file's contents.
    let bytes: UnsafeRawBufferPointer
    /// The first I/O error while reading a page, if any (the file changed or the disk failed).
    private(set) var readFailure: String?
    /// Pages read so far.
    private(set) var pagesRead = 0
    /// The size of one page.
    let pageSize: Int

    private let descriptor: Int32
    private var loadedPages: [UInt64]

    /// Opens the regular file at `path` without reading it.
    /// - Parameters:
    ///   - path: The file.
    ///   - maximumBytes: The largest file accepted.
    /// - Throws: `OpenFailure` for a missing or unreadable file, a directory or device, or a file over `maximumBytes`.
    init(path: String, maximumBytes: Int) throws(OpenFailure) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw OpenFailure(reason: "cannot be opened (\(Self.errorText(errno)))") }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw OpenFailure(reason: "cannot be examined (\(Self.errorText(code)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw OpenFailure(reason: "is not a regular file")
        }
        let size = Int(status.st_size)
        guard size <= maximumBytes else {
            close(descriptor)
            throw OpenFailure(reason: "the file has \(DecimalFormatting.grouped(size)) bytes; the limit is \(DecimalFormatting.grouped(maximumBytes))")
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        self.pageSize = page > 0 ? page : 4096
        if size > 0 {
            let flags = MAP_PRIVATE | MAP_ANONYMOUS | Self.noReserve
            guard let base = mmap(nil, size, PROT_READ | PROT_WRITE, flags, -1, 0), base != MAP_FAILED else {
                let code = errno
                close(descriptor)
                throw OpenFailure(reason: "cannot reserve \(DecimalFormatting.grouped(size)) bytes of address space (\(Self.errorText(code)))")
            }
            #if os(Linux)
            // A transparent huge page would commit 2 MiB at the first byte read.
            _ = madvise(base, size, MADV_NOHUGEPAGE)
            #endif
            self.bytes = UnsafeRawBufferPointer(start: base, count: size)
        } else {
            self.bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        }
        self.descriptor = descriptor
        self.count = size
        let pageCount = (size + pageSize - 1) / pageSize
        self.loadedPages = Array(repeating: 0, count: (pageCount + 63) / 64)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), count) }
        close(descriptor)
    }

    /// Reads the pages that hold `range` (within the file) unless read already.
    /// - Returns: false when a page could not be read; `readFailure` says why.
    @inline(__always)
    func load(_ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return true }
        let first = range.lowerBound / pageSize, last = (range.upperBound - 1) / pageSize
        if first == last, isLoaded(first) { return true }
        return loadPages(first...last)
    }

    /// The bytes read from the file so far.
    var bytesRead: Int { min(pagesRead * pageSize, count) }

    private func isLoaded(_ page: Int) -> Bool { loadedPages[page >> 6] & (1 << UInt64(page & 63)) != 0 }

    private func loadPages(_ pages: ClosedRange<Int>) -> Bool {
        var page = pages.lowerBound
        while page <= pages.upperBound {
            if isLoaded(page) {
                page += 1
                continue
            }
            var runEnd = page + 1
            while runEnd <= pages.upperBound, !isLoaded(runEnd) { runEnd += 1 }
            guard readRun(page..<runEnd) else { return false }
            page = runEnd
        }
        return true
    }

    /// Reads the pages `run` from the file into place, retrying interrupted and short reads.
    private func readRun(_ run: Range<Int>) -> Bool {
        guard readFailure == nil, let base = bytes.baseAddress else { return false }
        let start = run.lowerBound * pageSize, end = min(run.upperBound * pageSize, count)
        var offset = start
        while offset < end {
            let done = pread(descriptor, UnsafeMutableRawPointer(mutating: base + offset), end - offset, off_t(offset))
            if done < 0 && errno == EINTR { continue }
            guard done > 0 else {
                readFailure = done == 0
                    ? "the file ended at byte \(DecimalFormatting.grouped(offset)) of \(DecimalFormatting.grouped(count)); it changed while being read"
                    : "reading byte \(DecimalFormatting.grouped(offset)) failed (\(Self.errorText(errno)))"
                return false
            }
            offset += done
        }
        for page in run { loadedPages[page >> 6] |= 1 << UInt64(page & 63) }
        pagesRead += run.count
        return true
    }

    private static var noReserve: Int32 {
        #if os(Linux)
        return MAP_NORESERVE
        #else
        return 0
        #endif
    }

    private static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
