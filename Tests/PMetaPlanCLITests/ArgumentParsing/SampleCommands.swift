import PMetaPlanCLI

/// A small tool shaped like pmeta-plan, to pin parsing and help layout.
enum SampleCommands {
    static let analyze = CommandSpec(
        name: "analyze",
        abstract: "Print the memory and MACs of an architecture.",
        discussion: "Reads an architecture file and prints, layer by layer, the words saved for the backward"
            + " pass and the multiply-accumulates of each step.",
        arguments: [ArgumentSpec("arch.json", help: "The architecture to analyze.")],
        options: [
            OptionSpec("format", shortName: "f", valueName: "format", help: "How to print the result.",
                       defaultValue: "text", allowedValues: ["text", "json"]),
            OptionSpec("budget", shortName: "b", valueName: "size",
                       help: "The memory available for adaptation, such as 256KB or 1.5MB.", valueExample: "256KB"),
            OptionSpec("include", valueName: "layer", help: "A layer to report; repeat for several.",
                       isRepeatable: true),
            .flag("verbose", shortName: "v", help: "Print every layer."),
        ])

    static let compare = CommandSpec(
        name: "compare",
        abstract: "Compare several architectures.",
        arguments: [
            ArgumentSpec("baseline", help: "The reference architecture."),
            ArgumentSpec("other", help: "The architectures to compare with it.", isOptional: true, isRepeating: true),
        ],
        options: [OptionSpec("out", valueName: "path", help: "Where to write the table.")])

    static let root = CommandSpec(
        name: "pmeta-plan",
        abstract: "Plan the memory of on-device few-shot learning.",
        options: [.flag("version", help: "Show the version.")],
        subcommands: [analyze, compare])
}
