#if canImport(Glibc)
import Glibc
#endif

/// The C allocator's settings for this process (the executable sets them once, before any command runs).
public enum ProcessAllocator {
    /// Keeps freed memory in the heap for the next allocation rather than handing it back to the kernel.
    ///
    /// An adaptation step frees and reallocates the same activation buffers sample after sample. With glibc's
    /// defaults a freed buffer near the top of the heap is trimmed, or a large one unmapped, so the next sample's
    /// buffer page-faults in again and the kernel zeroes it (`perf stat -e page-faults pmeta-plan bench-trainer
    /// --repetitions 3`: 47,524 faults before, 2,748 after). Allocations up to 32 MiB now come from the heap, and up to
    /// 128 MiB free at its top stay mapped. The memory meter counts tensors, not pages, so its figures are the same; VmHWM may be a little
    /// higher. Does nothing where the C library is not glibc.
    /// - Returns: Whether glibc took both settings (`mallopt` returns 1 for each).
    @discardableResult
    public static func keepFreedMemoryForReuse() -> Bool {
#if canImport(Glibc)
        // Glibc's module map leaves out <malloc.h>: mallopt is looked up by name, its parameters are malloc.h's.
        typealias MallocOption = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: MallocOption.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        return mallopt(mmapThreshold, 32 << 20) == 1 && mallopt(trimThreshold, 128 << 20) == 1
#else
        return false
#endif
    }
}
