import Testing
@testable import PMetaPlanCLI

@Suite struct ArgumentParserTests {
    @Test func readsOptionsInEverySpellingAndFlags() throws {
        let parsed = try parse(["analyze", "4conv.json", "--format=json", "-b", "256KB", "--include", "conv1",
                                "--include=fc", "-v"], as: SampleCommands.root)
        #expect(parsed.commandPath == ["pmeta-plan", "analyze"])
        #expect(parsed.command.name == "analyze")
        #expect(!parsed.isHelpRequested)
        #expect(parsed.positionals == ["4conv.json"])
        #expect(parsed.positional(SampleCommands.architecture) == "4conv.json")
        #expect(try parsed.value(SampleCommands.format) == .json)
        #expect(try parsed.value(SampleCommands.budget) == "256KB")
        #expect(try parsed.values(SampleCommands.include) == ["conv1", "fc"])
        #expect(parsed.isSet(SampleCommands.verbose))
        #expect(!parsed.isSet(SampleCommands.version))
    }

    @Test func absentOptionsGiveTheirDefaultOrNothing() throws {
        let parsed = try parse(["analyze", "--budget", "1.5MB", "a.json"], as: SampleCommands.root)
        #expect(try parsed.value(SampleCommands.format) == .text)
        #expect(!parsed.isGiven(SampleCommands.format))
        #expect(try parsed.value(SampleCommands.budget) == "1.5MB")
        #expect(try parsed.values(SampleCommands.include) == [])
        #expect(!parsed.isSet(SampleCommands.verbose))
    }

    @Test func takesNegativeNumbersAndDashAsValuesAndEverythingAfterTerminatorAsPositional() throws {
        let parsed = try parse(["analyze", "--budget", "-5", "--", "--verbose"], as: SampleCommands.root)
        #expect(try parsed.value(SampleCommands.budget) == "-5")
        #expect(parsed.positional(SampleCommands.architecture) == "--verbose")
        #expect(!parsed.isSet(SampleCommands.verbose))
        #expect(try parse(["analyze", "-"], as: SampleCommands.root).positional(SampleCommands.architecture) == "-")
    }

    @Test func sharesPositionalsAmongRequiredOptionalAndRepeatingArguments() throws {
        let one = try parse(["compare", "a.json"], as: SampleCommands.root)
        #expect(one.positional(SampleCommands.baseline) == "a.json")
        #expect(one.positional(SampleCommands.others) == nil)
        let three = try parse(["compare", "a.json", "b.json", "--out", "t.md", "c.json"], as: SampleCommands.root)
        #expect(three.positionalValues(SampleCommands.others) == ["b.json", "c.json"])
        #expect(try three.value(SampleCommands.out) == "t.md")
        #expect(try three.value(SampleCommands.layerCount) == nil)
    }

    @Test(arguments: [
        ["--help"], ["-h"], ["--version", "--help"],
    ])
    func returnsAHelpRequestForTheRootCommand(arguments: [String]) throws {
        let parsed = try parse(arguments, as: SampleCommands.root)
        #expect(parsed.isHelpRequested)
        #expect(parsed.commandPath == ["pmeta-plan"])
    }

    @Test func returnsAHelpRequestForASubcommandEvenWithoutItsArguments() throws {
        let parsed = try parse(["analyze", "-h"], as: SampleCommands.root)
        #expect(parsed.isHelpRequested)
        #expect(parsed.commandPath == ["pmeta-plan", "analyze"])
    }

    static let mistakes: [([String], String)] = [
        (["analyze", "a.json", "--bugdet", "1MB"], "unknown option '--bugdet'; did you mean '--budget'?"),
        (["analyze", "a.json", "-budget", "1MB"], "unknown option '-budget'; did you mean '--budget'?"),
        (["analyze", "a.json", "--fromat", "json"], "unknown option '--fromat'; did you mean '--format'?"),
        (["analyze", "a.json", "--hlep"], "unknown option '--hlep'; did you mean '--help'?"),
        (["analyze", "a.json", "--zzz"], "unknown option '--zzz'"),
        (["analyze", "a.json", "-x"], "unknown option '-x'"),
        (["analyze", "a.json", "--budget"], "option '--budget' needs a value, e.g. 256KB"),
        (["analyze", "a.json", "-b", "--verbose"], "option '-b' needs a value, e.g. 256KB"),
        (["analyze", "a.json", "--format"], "option '--format' needs a value, one of text, json"),
        (["compare", "a.json", "--out"], "option '--out' needs a value <path>"),
        (["analyze", "a.json", "--format", "xml"], "invalid value 'xml' for '--format'; expected one of text, json"),
        (["analyze", "a.json", "-f", "jsn"],
         "invalid value 'jsn' for '-f'; expected one of text, json; did you mean 'json'?"),
        (["analyze", "a.json", "--budget", "1MB", "-b", "2MB"], "option '-b' was given more than once"),
        (["analyze", "a.json", "-v", "--verbose"], "flag '--verbose' was given more than once"),
        (["analyze", "a.json", "--verbose=yes"], "flag '--verbose' does not take a value"),
        (["analyze"], "missing argument <arch.json>"),
        (["analyze", "a.json", "b.json"], "unexpected argument 'b.json'"),
        (["compare"], "missing argument <baseline>"),
        ([], "missing subcommand; the subcommands are analyze, compare"),
        (["--version"], "missing subcommand; the subcommands are analyze, compare"),
        (["analyse", "a.json"], "unknown subcommand 'analyse'; did you mean 'analyze'?"),
        (["train"], "unknown subcommand 'train'; the subcommands are analyze, compare"),
    ]

    @Test(arguments: mistakes)
    func namesTheBadArgument(arguments: [String], message: String) {
        do {
            let parsed = try parse(arguments, as: SampleCommands.root)
            Issue.record("expected a usage error, parsed \(parsed.positionals)")
        } catch let error as UsageError {
            #expect(error.message == message)
            #expect(error.description == message)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func usageErrorsNameTheCommandTheyHappenedIn() {
        #expect(throws: UsageError(message: "missing argument <arch.json>", commandPath: ["pmeta-plan", "analyze"])) {
            try parse(["analyze"], as: SampleCommands.root)
        }
        #expect(throws: UsageError(message: "unknown option '--verbose'", commandPath: ["pmeta-plan"])) {
            try parse(["--verbose"], as: SampleCommands.root)
        }
    }

    @Test func typedOptionsParseTheirValueAndNameTheOptionWhenItIsNotOne() throws {
        let parsed = try parse(["compare", "a.json", "--layers", "12"], as: SampleCommands.root)
        #expect(try parsed.value(SampleCommands.layerCount) == 12)
        // The parser checks every typed value as it reads it, so a bad one fails even where the command would not read it.
        for (text, message) in [("0", "--layers expects a whole number from 1 to 100, found '0'"),
                                ("twelve", "--layers expects a whole number from 1 to 100, found 'twelve'")] {
            #expect(throws: UsageError(message: message, commandPath: ["pmeta-plan", "compare"])) {
                try parse(["compare", "a.json", "--layers", text], as: SampleCommands.root)
            }
        }
    }

    @Test func aDefaultIsStatedOnceAsATypedValueAndShownInHelp() {
        // The help's "(default: text)" is the typed default written out, not a second copy of it.
        #expect(SampleCommands.format.spec.defaultValue == "text")
        #expect(SampleCommands.format.spec.allowedValues == ["text", "json"])
        #expect(SampleCommands.include.spec.isRepeatable)
        #expect(SampleCommands.layerCount.spec.defaultValue == nil)
    }
}
