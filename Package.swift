// swift-tools-version:6.0
import Foundation
import PackageDescription

/// `PMETA_AVX2=1 swift build -c release`: the trainer's kernels for x86-64 CPUs with AVX2 and FMA (Haswell, Zen and
/// later): eight lanes a vector and fused multiply-adds instead of the baseline's four lanes (SSE2). Opt-in, because a
/// binary built so stops with an illegal instruction on a CPU without them; without it the package sets no flags.
let trainerSettings: [SwiftSetting] = ProcessInfo.processInfo.environment["PMETA_AVX2"] == "1"
    ? [.unsafeFlags(["-target-cpu", "haswell"]), .define("PMETA_WIDE_VECTORS"), .define("PMETA_FUSED_MULTIPLY_ADD")]
    : []

let package = Package(
    name: "pmeta-plan",
    products: [
        .executable(name: "pmeta-plan", targets: ["pmeta-plan"]),
        .library(name: "PMetaPlan", targets: ["PMetaPlan"]),
        .library(name: "PMetaTrainer", targets: ["PMetaTrainer"]),
    ],
    targets: [
        // MARK: - Library

        /// Graph -> shapes -> costs -> plans -> reports: everything the planner knows.
        .target(name: "PMetaPlan"),

        /// The reference trainer that validates plans by really training.
        .target(name: "PMetaTrainer", dependencies: ["PMetaPlan"], swiftSettings: trainerSettings),

        // MARK: - Tools

        /// The commands as testable functions (`run(arguments:) -> (output, exitCode)`).
        .target(name: "PMetaPlanCLI", dependencies: ["PMetaPlan", "PMetaTrainer"]),
        .executableTarget(name: "pmeta-plan", dependencies: ["PMetaPlanCLI"]),

        // MARK: - Tests

        /// Regressions/ holds the inputs the fuzzers in fuzz/ kept, Fixtures/ the ONNX exports; the tests read both from the source tree.
        .testTarget(name: "PMetaPlanTests", dependencies: ["PMetaPlan"], exclude: ["Regressions", "Fixtures"]),
        /// Fixtures/ holds small networks with the issue-11 operators for the trainer's tests.
        .testTarget(name: "PMetaTrainerTests", dependencies: ["PMetaTrainer"], exclude: ["Fixtures"]),
        .testTarget(name: "PMetaPlanCLITests", dependencies: ["PMetaPlanCLI"]),
    ]
)
