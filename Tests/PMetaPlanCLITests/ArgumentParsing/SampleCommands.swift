@testable import PMetaPlanCLI

/// A small tool shaped like pmeta-plan, to pin parsing and help layout, with its options declared typed as the
/// tool's commands declare theirs.
enum SampleCommands {
    /// `--format`'s values.
    enum Format: String, CaseIterable, Sendable {
        case text
        case json
    }

    static let architecture = ArgumentSpec("arch.json", help: "The architecture to analyze.")
    static let format = Option<Format>.choice("format", shortName: "f", valueName: "format", help: "How to print the result.").defaulting(to: .text)
    static let budget = Option.text("budget", shortName: "b", valueName: "size", help: "The memory available for adaptation, such as 256KB or 1.5MB.",
                                    valueExample: "256KB")
    static let include = Option.text("include", valueName: "layer", help: "A layer to report; repeat for several.").repeatable()
    static let verbose = Flag("verbose", shortName: "v", help: "Print every layer.")
    static let layerCount = Option.integer("layers", help: "How many layers to print.", in: 1...100)

    static let analyze = CommandSpec(
        name: "analyze",
        abstract: "Print the memory and MACs of an architecture.",
        discussion: "Reads an architecture file and prints, layer by layer, the words saved for the backward"
            + " pass and the multiply-accumulates of each step.",
        arguments: [architecture],
        options: [format.spec, budget.spec, include.spec, verbose.spec])

    static let baseline = ArgumentSpec("baseline", help: "The reference architecture.")
    static let others = ArgumentSpec("other", help: "The architectures to compare with it.", isOptional: true, isRepeating: true)
    static let out = Option.text("out", valueName: "path", help: "Where to write the table.")

    static let compare = CommandSpec(
        name: "compare",
        abstract: "Compare several architectures.",
        arguments: [baseline, others],
        options: [out.spec, layerCount.spec])

    static let version = Flag("version", help: "Show the version.")

    static let root = CommandSpec(
        name: "pmeta-plan",
        abstract: "Plan the memory of on-device few-shot learning.",
        options: [version.spec],
        subcommands: [analyze, compare])
}
