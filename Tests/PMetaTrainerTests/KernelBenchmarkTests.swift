import Foundation
import PMetaTrainer
import Testing

/// Prints the kernel throughput when `PMETA_BENCH=1`; asserts nothing about time.
///
/// `PMETA_BENCH=1 swift test -c release --filter KernelBenchmarkTests`
@Suite struct KernelBenchmarkTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PMETA_BENCH"] == "1"))
    func printKernelThroughput() {
        let report = KernelBenchmark.run()
        print(report)
        #expect(report.contains("GFLOP/s"))
    }
}
