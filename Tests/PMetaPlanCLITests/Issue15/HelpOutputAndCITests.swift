import Foundation
import PMetaPlan
@testable import PMetaPlanCLI
import Testing

/// Issue 15, items 15-17 and 19: formats, help, budgets and CI annotations, through the entry point.
@Suite struct HelpOutputAndCITests {
    let fourConv = CommandHarness.architecture("4conv")

    func run(_ arguments: [String], environment: [String: String] = [:]) -> CommandResult {
        PMetaPlanCommand.run(arguments: arguments, environment: environment)
    }

    // MARK: - Item 15

    @Test func everyCommandThatPrintsResultsTakesFormat() {
        for subcommand in PMetaPlanCommand.subcommands {
            let format = subcommand.spec.options.first { $0.longName == "format" }
            #expect(format?.allowedValues == ["text", "json", "markdown"], "\(subcommand.spec.name) has no --format text|json|markdown")
        }
    }

    @Test func checkPrintsTextAndMarkdownForPeople() throws {
        let text = run(["check", fourConv, "--budget", "3MB", "--format", "text"])
        #expect(text.exitCode == .success)
        // MAML's 4Conv peak as `pmeta-plan --budget 1.2MB architectures/4conv.json` prints it.
        #expect(text.output.hasPrefix("pmeta-plan check: 4Conv (MAML) passed"))
        #expect(text.output.contains("2.21 MB (2,206,100 B)"))
        let markdown = run(["check", fourConv, "--budget", "3MB", "--format", "markdown"])
        #expect(markdown.output.hasPrefix("### pmeta-plan check: 4Conv (MAML) passed"))
        #expect(markdown.output.contains("| adaptation peak |"))
    }

    @Test func benchPrintsJSONRowsKeyedByItsHeaders() throws {
        let result = run(["bench", "--chains", "5", "--repeat", "1", "--format", "json", "--architectures", "/nonexistent-folder"])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        let json = try JSONParser.parse(result.output)
        let row = try #require(json["networks"]?.arrayValue?.first)
        #expect(row["network"]?.stringValue == "chain of 5 layers")
        #expect(row["layers"]?.stringValue == "5")
    }

    // MARK: - Item 16

    @Test func versionIsPrintedBothWays() {
        for arguments in [["--version"], ["version"]] {
            let result = run(arguments)
            #expect(result.exitCode == .success)
            #expect(result.output == "pmeta-plan \(PMetaPlanCommand.version)\n")
        }
    }

    @Test func aMisspelledSubcommandGetsDidYouMean() {
        let result = run(["analyse", fourConv])
        #expect(result.exitCode == .usage)
        #expect(result.errorOutput.hasPrefix("Error: unknown subcommand 'analyse'; did you mean 'analyze'?"), "\(result.errorOutput)")
    }

    @Test func requiredOptionsAreUnbracketedInUsage() {
        let help = run(["check", "--help"]).output
        #expect(help.contains("USAGE: pmeta-plan check <arch.json> --budget <size> [--method <method>]"), "\(help)")
        #expect(help.contains("(required)"))
        let plan = run(["plan", "--help"]).output
        #expect(plan.contains("(required unless --sweep, --device or --sram)"))
    }

    // MARK: - Item 17

    @Test func lowerCaseMIsMilliAndRefused() {
        let result = run(["--budget", "1.2mB", fourConv])
        #expect(result.exitCode == .usage)
        #expect(result.errorOutput.contains("'m' is milli (10^-3), not mega; did you mean 1.2MB?"))
    }

    @Test func aFractionOfAByteRoundsDownAndSaysSo() throws {
        // 0.3 MiB = 0.3 x 1,048,576 = 314,572.8 B by hand.
        let result = run(["--budget", "0.3MiB", fourConv, "--format", "json"])
        #expect(result.errorOutput == "Note: --budget 0.3MiB is 314572.8 B; a budget holds whole bytes, so it is 314,572 B.\n")
        #expect(try JSONParser.parse(result.output)["budget_bytes"]?.integerValue == 314_572)
    }

    @Test func aKilobyteBudgetAlsoShowsKibibytes() {
        // 256,000 / 1,024 = 250 KiB exactly.
        let result = run(["--budget", "256KB", fourConv])
        #expect(result.output.contains("budget 256KB = 256,000 B (250.00 KiB)"), "\(result.output)")
    }

    // MARK: - Item 19

    @Test func badInputIsAnAnnotationOnlyUnderGitHubActions() throws {
        let file = NSTemporaryDirectory() + "pmeta-annotation-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "{\n  \"format\": 1,\n  \"name\": oops\n}".write(toFile: file, atomically: true, encoding: .utf8)
        let local = run(["analyze", file])
        #expect(local.exitCode == .badData)
        #expect(!local.errorOutput.contains("::error"))
        let actions = run(["analyze", file], environment: ["GITHUB_ACTIONS": "true"])
        #expect(actions.exitCode == .badData)
        let annotation = try #require(actions.errorOutput.split(separator: "\n").first { $0.hasPrefix("::error ") })
        #expect(annotation.hasPrefix("::error file=\(file),line=3,col="), "\(annotation)")
        #expect(annotation.contains(",title=pmeta-plan%3A bad input::"))
    }

    @Test func checkFailsOnAMACLimit() throws {
        // MAML on 4Conv: 1.96 GMAC for one step (printed by `pmeta-plan --budget 1.2MB architectures/4conv.json`).
        let over = run(["check", fourConv, "--budget", "3MB", "--max-macs", "1G"])
        #expect(over.exitCode == .overBudget)
        #expect(over.errorOutput.contains("MACs, more than the allowed 1,000,000,000"))
        let within = run(["check", fourConv, "--budget", "3MB", "--max-macs", "2.5G"])
        #expect(within.exitCode == .success)
        #expect(try JSONParser.parse(within.output)["max_macs"]?.integerValue == 2_500_000_000)
        #expect(run(["check", fourConv, "--budget", "3MB", "--max-macs", "lots"]).exitCode == .usage)
    }
}

/// Issue 15 item 18: text reports fit a 120-column terminal wherever a line can break.
@Suite struct ReportLineWidthTests {
    /// Lines over 120 columns that are prose (no run of two spaces, which marks a table row).
    static func longProseLines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.count > TextWrapping.reportWidth && !$0.trimmingCharacters(in: .whitespaces).contains("  ") }
    }

    @Test(arguments: [
        ["--budget", "2MB", "efficientnet-b0"],
        ["--budget", "1.2MB", "4conv", "--sweep"],
        ["analyze", "efficientnet-b0"],
        ["compare", "efficientnet-b0"],
        ["--budget", "1.2MB", "4conv", "--strategy", "dynamic"],
        ["simulate-federated", "mlp-sinusoid", "--rounds", "2", "--clients", "2", "--eval-tasks", "4"],
    ])
    func proseFitsTheWidth(_ arguments: [String]) {
        let resolved = arguments.map { FileManager.default.fileExists(atPath: CommandHarness.architecture($0)) ? CommandHarness.architecture($0) : $0 }
        let result = CommandHarness.run(resolved)
        #expect(result.exitCode == .success || result.exitCode == .overBudget, "\(result.errorOutput)")
        #expect(!result.output.isEmpty)
        #expect(Self.longProseLines(result.output).isEmpty, "\(Self.longProseLines(result.output))")
    }

    @Test func federatedUsageShowsTopPAsRequired() {
        let result = CommandHarness.run(["federated", "--help"])
        #expect(result.output.contains("--top-p <percent>"))
        #expect(!result.output.contains("[--top-p"))
    }
}
