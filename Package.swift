// swift-tools-version:6.0
import PackageDescription

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
        .target(name: "PMetaTrainer", dependencies: ["PMetaPlan"]),

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
