import Testing
@testable import PMetaPlanCLI

@Suite struct HelpTextTests {
    @Test func laysOutASubcommandsHelp() {
        let expected = """
        OVERVIEW: Print the memory and MACs of an architecture.

        Reads an architecture file and prints, layer by layer, the words saved for the
        backward pass and the multiply-accumulates of each step.

        USAGE: pmeta-plan analyze <arch.json> [--format <format>] [--budget <size>]
               [--include <layer> ...] [--verbose]

        ARGUMENTS:
          <arch.json>            The architecture to analyze.

        OPTIONS:
          -f, --format <format>  How to print the result. (values: text, json)
                                 (default: text)
          -b, --budget <size>    The memory available for adaptation, such as 256KB or
                                 1.5MB.
          --include <layer> ...  A layer to report; repeat for several.
          -v, --verbose          Print every layer.
          -h, --help             Show help information.

        """
        #expect(helpText(for: SampleCommands.analyze, commandPath: ["pmeta-plan", "analyze"]) == expected)
    }

    @Test func listsSubcommandsOfTheRoot() {
        let expected = """
        OVERVIEW: Plan the memory of on-device few-shot learning.

        USAGE: pmeta-plan [--version] <subcommand>

        OPTIONS:
          --version   Show the version.
          -h, --help  Show help information.

        SUBCOMMANDS:
          analyze     Print the memory and MACs of an architecture.
          compare     Compare several architectures.

          See 'pmeta-plan <subcommand> --help' for detailed help.

        """
        #expect(helpText(for: SampleCommands.root, commandPath: ["pmeta-plan"]) == expected)
    }

    @Test func showsOptionalAndRepeatingArguments() {
        #expect(usageLine(for: SampleCommands.compare, commandPath: ["pmeta-plan", "compare"])
            == "USAGE: pmeta-plan compare <baseline> [<other> ...] [--out <path>] [--layers <n>]")
    }

    @Test func putsHelpBelowALabelTooWideForTheColumn() {
        let spec = CommandSpec(name: "train", abstract: "", options: [
            OptionSpec("learning-rate-schedule", valueName: "schedule", help: "How the rate decays."),
        ])
        let expected = """
        USAGE: train [--learning-rate-schedule <schedule>]

        OPTIONS:
          --learning-rate-schedule <schedule>
                                    How the rate decays.
          -h, --help                Show help information.

        """
        #expect(helpText(for: spec, commandPath: ["train"]) == expected)
    }

    @Test func keepsDiscussionLineBreaksAndIndentation() {
        let spec = CommandSpec(name: "tool", abstract: "Do it.", discussion: "Examples:\n  tool a.json\n\nDone.")
        #expect(helpText(for: spec, commandPath: ["tool"]).hasPrefix("""
        OVERVIEW: Do it.

        Examples:
          tool a.json

        Done.

        USAGE: tool

        """))
    }
}
