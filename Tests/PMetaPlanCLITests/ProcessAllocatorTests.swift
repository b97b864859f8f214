@testable import PMetaPlanCLI
import Testing

/// The executable's allocator settings (`ProcessAllocator.keepFreedMemoryForReuse()`).
@Suite struct ProcessAllocatorTests {
    /// On Linux the settings reach glibc: `mallopt` is found by name and accepts both.
    @Test func glibcTakesBothSettings() {
#if os(Linux)
        #expect(ProcessAllocator.keepFreedMemoryForReuse())
#else
        #expect(!ProcessAllocator.keepFreedMemoryForReuse())
#endif
    }
}
