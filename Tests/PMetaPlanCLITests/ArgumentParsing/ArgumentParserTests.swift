import Testing
import PMetaPlanCLI

@Suite struct ArgumentParserTests {
    @Test func readsOptionsInEverySpellingAndFlags() throws {
        let parsed = try parse(["analyze", "4conv.json", "--format=json", "-b", "256KB", "--include", "conv1",
                                "--include=fc", "-v"], as: SampleCommands.root)
        #expect(parsed.commandPath == ["pmeta-plan", "analyze"])
        #expect(parsed.command.name == "analyze")
        #expect(!parsed.isHelpRequested)
        #expect(parsed.positionals == ["4conv.json"])
        #expect(parsed.positional("arch.json") == "4conv.json")
        #expect(parsed.value("format") == "json")
        #expect(parsed.value("budget") == "256KB")
        #expect(parsed.values("include") == ["conv1", "fc"])
        #expect(parsed.flag("verbose"))
        #expect(!parsed.flag("version"))
    }

    @Test func absentOptionsGiveTheirDefaultOrNothing() throws {
        let parsed = try parse(["analyze", "--budget", "1.5MB", "a.json"], as: SampleCommands.root)
        #expect(parsed.value("format") == "text")
        #expect(parsed.values("format") == ["text"])
        #expect(parsed.value("include") == nil)
        #expect(parsed.values("include") == [])
        #expect(!parsed.flag("verbose"))
    }

    @Test func takesNegativeNumbersAndDashAsValuesAndEverythingAfterTerminatorAsPositional() throws {
        let parsed = try parse(["analyze", "--budget", "-5", "--", "--verbose"], as: SampleCommands.root)
        #expect(parsed.value("budget") == "-5")
        #expect(parsed.positional("arch.json") == "--verbose")
        #expect(!parsed.flag("verbose"))
        #expect(try parse(["analyze", "-"], as: SampleCommands.root).positional("arch.json") == "-")
    }

    @Test func sharesPositionalsAmongRequiredOptionalAndRepeatingArguments() throws {
        let one = try parse(["compare", "a.json"], as: SampleCommands.root)
        #expect(one.positional("baseline") == "a.json")
        #expect(one.positional("other") == nil)
        let three = try parse(["compare", "a.json", "b.json", "--out", "t.md", "c.json"], as: SampleCommands.root)
        #expect(three.positionalValues("other") == ["b.json", "c.json"])
        #expect(three.value("out") == "t.md")
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
}
