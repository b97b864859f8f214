import Testing
@testable import PMetaPlanCLI

/// Issue 15 item 16: every option parses itself and states its default once. The help's `(default: X)` is the
/// typed default written out, so giving X by hand must mean exactly what leaving the option out means.
@Suite struct TypedOptionTests {
    /// Options left out of the spelled-out run, with why: each needs another option to be meaningful.
    static let needsAnotherOption: Set<String> = [
        "seed",              // plan: only with --strategy dynamic (a usage error otherwise)
        "rho-backward",      // plan: only with --attention
        "channel-selection", // plan: only with --output
    ]

    /// `--name default` for every option of `command` that has a default and is not in `given`.
    static func spelledOutDefaults(of command: String, besides given: [String]) throws -> [String] {
        let spec = try #require(PMetaPlanCommand.rootSpec.subcommands.first { $0.name == command })
        return spec.options.compactMap { option in option.defaultValue.map { (option, $0) } }
            .filter { !needsAnotherOption.contains($0.0.longName) && !given.contains($0.0.longSpelling) }
            .flatMap { [$0.0.longSpelling, $0.1] }
    }

    @Test(arguments: [
        ["plan", CommandHarness.architecture("4conv"), "--budget", "1.2MB"],
        ["plan", CommandHarness.architecture("mlp-halfcheetah"), "--budget", "60kB", "--format", "json"],
        ["check", CommandHarness.architecture("4conv"), "--budget", "1.2MB"],
        ["analyze", CommandHarness.architecture("resnet12")],
        ["compare", CommandHarness.architecture("4conv")],
    ])
    func spellingOutEveryDefaultChangesNothing(arguments: [String]) throws {
        let plain = CommandHarness.run(arguments)
        let defaults = try Self.spelledOutDefaults(of: arguments[0], besides: arguments)
        #expect(defaults.count >= 6, "expected the command to have defaults to spell out, found \(defaults)")
        let spelled = CommandHarness.run(arguments + defaults)
        #expect(spelled.exitCode == plain.exitCode, "\(defaults)")
        #expect(spelled.output == plain.output, "\(defaults)")
        #expect(spelled.errorOutput == plain.errorOutput)
    }

    @Test func everyDefaultIsOneOfTheValuesTheOptionAccepts() {
        for command in PMetaPlanCommand.rootSpec.subcommands {
            for option in command.options where !option.allowedValues.isEmpty {
                if let value = option.defaultValue {
                    #expect(option.allowedValues.contains(value), "\(command.name) \(option.longSpelling): default '\(value)' is not one of \(option.allowedValues)")
                }
            }
        }
    }

    @Test func theDefaultTimeLimitIsFiveSecondsAsHelpSays() throws {
        #expect(PlanCommand.timeLimit.spec.defaultValue == "5")
        #expect(PlanCommand.timeLimit.defaultValue == .seconds(5))
        #expect(try PlanCommand.timeLimit.option.parse("5") == .seconds(5))
        #expect(try PlanCommand.timeLimit.option.parse("0") == .zero)
    }

    @Test(arguments: [
        (["plan", "--budget", "1MB", "--ratios", "1/3,x"], "--ratios: 'x' is not a fraction in [0, 1] such as 1/4 or 0.5"),
        (["plan", "--budget", "1MB", "-k", "0"], "--inner-steps expects a whole number from 1 to 1,000, found '0'"),
        (["check", "--budget", "1MB", "--max-increase", "-3%"], "--max-increase: "),
        (["check", "--budget", "1MB", "--max-macs", "12Q"], "--max-macs expects a count such as 120M, 1.5G or 250000, found '12Q'"),
        (["compare", "--methods", "maml,reptile"], "unknown method 'reptile'; the methods are"),
        (["meta-train", "--task", "sinusoid", "-o", "/tmp/never-written", "--noise", "nan"], "--noise expects a number from 0.0 to 100.0, found 'nan'"),
        (["simulate-federated", "--top-p", "0"], "--top-p must be above 0% and at most 100%, found 0%"),
        (["bench", "--chains", "3"], "--chains: '3' is not a layer count from 5 to 100,000"),
    ])
    func aValueOfTheWrongTypeIsAUsageErrorNamingTheOption(arguments: [String], message: String) {
        var command = arguments
        // The architecture goes right after the command name; bench takes none.
        if command[0] != "bench" { command.insert(CommandHarness.architecture(command[0] == "meta-train" || command[0] == "simulate-federated" ? "mlp-sinusoid" : "4conv"), at: 1) }
        let result = CommandHarness.run(command)
        #expect(result.exitCode == .usage, "\(result.errorOutput)")
        #expect(result.errorOutput.hasPrefix("Error: " + message), "\(result.errorOutput)")
        #expect(result.output.isEmpty)
    }
}
