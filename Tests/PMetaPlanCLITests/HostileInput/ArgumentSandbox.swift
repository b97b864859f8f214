import Foundation
import PMetaPlan
@testable import PMetaPlanCLI

/// Where the arguments fuzz target runs commands, and the rules that keep a fuzzed command line from touching
/// anything outside it or running for long.
///
/// - Every execution gets a fresh copy of a small fixed set of files in a temporary folder (`work`): the shipped
///   architectures/4conv.json, the trainer's tiny conv net and MLP (`conv.json`, `mlp.json`), a small ONNX export
///   (`model.onnx`), a plan for 4Conv (`plan.json`), and a model folder meta-trained for 0 iterations on the conv
///   net (`model/`, with `importance.json` also at the top). An argument naming one of these is rewritten to its
///   path in `work`; the fuzzer (built with PMETA_FUZZING) also makes `work` its current folder.
/// - An argument that starts with `/` or `~` or contains `..` skips the input, so nothing outside `work` is named.
/// - `--output`/`-o` values are rewritten into `work`; `report` without one gets `--output work/report.md`.
/// - Commands that train or measure for long are skipped (meta-train, validate, bench, bench-trainer,
///   bench-import, reproduce, report --all); the simulations run only on the tiny networks, with small counts
///   added when absent and inputs with larger ones skipped (`caps`).
final class ArgumentSandbox: @unchecked Sendable {
    /// The one sandbox of a process, set up on first use; nil if the fixtures could not be written.
    static let shared: ArgumentSandbox? = try? ArgumentSandbox()

    /// The folder holding the fixtures and the per-execution folder.
    let base: String
    /// The pristine fixed files.
    let fixtures: String
    /// The folder each execution runs in, recreated every time.
    let work: String
    /// The environment commands see: a GitHub Actions job whose step summary is in `work`.
    var environment: [String: String] { ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": work + "/summary.md"] }

    /// The names an argument may use for the fixed files.
    static let fixedNames = ["4conv.json", "conv.json", "mlp.json", "model.onnx", "plan.json", "importance.json", "model", "model/",
                             "model/model.json", "model/weights.bin", "model/importance.json", "model/plan.json"]
    /// Commands that train or measure for seconds to hours: skipped.
    static let refusedCommands: Set<String> = ["meta-train", "validate", "bench", "bench-trainer", "bench-import", "reproduce"]
    /// Commands that train: run only on the tiny networks.
    static let trainingCommands: Set<String> = ["simulate-dynamic", "simulate-federated"]
    /// Per command (nil for all), the largest value a count option may have, and the value added when it is absent
    /// (nil: the default is small enough).
    static let caps: [(command: String?, option: String, largest: Int, added: String?)] = [
        (nil, "inner-steps", 4, nil), (nil, "samples", 1_000, nil), (nil, "micro-batch", 1_000, nil),
        (nil, "sweep-budgets", 8, nil), (nil, "tasks", 2, nil),
        ("simulate-dynamic", "tasks", 2, "1"), ("simulate-dynamic", "epochs", 1, "1"), ("simulate-dynamic", "shots", 5, nil),
        ("simulate-federated", "rounds", 2, "1"), ("simulate-federated", "clients", 3, "2"), ("simulate-federated", "eval-tasks", 2, "1"),
        ("simulate-federated", "reconstruction-steps", 2, "1"), ("simulate-federated", "eval-every", 1_000, "1"),
        ("federated", "clients", 10_000, nil), ("federated", "rounds", 10_000, nil),
    ]

    /// The repository root (this file is Tests/PMetaPlanCLITests/HostileInput/ArgumentSandbox.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    private init() throws {
        base = NSTemporaryDirectory() + "pmeta-fuzz-arguments-\(getpid())-\(UUID().uuidString.prefix(8))"
        fixtures = base + "/fixtures"
        work = base + "/work"
        let files = FileManager.default
        try files.createDirectory(atPath: fixtures, withIntermediateDirectories: true)
        try files.copyItem(atPath: Self.root + "/architectures/4conv.json", toPath: fixtures + "/4conv.json")
        try files.copyItem(atPath: Self.root + "/Tests/PMetaPlanTests/Fixtures/ONNX/upsampling_cnn.onnx", toPath: fixtures + "/model.onnx")
        try TrainerFuzzNetworks.conv.write(toFile: fixtures + "/conv.json", atomically: true, encoding: .utf8)
        try TrainerFuzzNetworks.mlp.write(toFile: fixtures + "/mlp.json", atomically: true, encoding: .utf8)
        for arguments in [["meta-train", fixtures + "/conv.json", "--task", "fewshot", "-o", fixtures + "/model", "--iterations", "0",
                           "--method", "pmeta", "--queries", "2"],
                          ["plan", "--budget", "1.2MB", fixtures + "/4conv.json", "-o", fixtures + "/plan.json"]] {
            let result = PMetaPlanCommand.run(arguments: arguments)
            guard result.exitCode == .success else { throw DataError(path: arguments[0], message: result.errorOutput) }
        }
        try files.copyItem(atPath: fixtures + "/model/importance.json", toPath: fixtures + "/importance.json")
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    /// Held while `work` is recreated and a command runs in it (the tests share one sandbox).
    private let lock = NSLock()

    /// Runs the fuzzed `arguments` as `prepare` rewrites them, unless they are skipped.
    /// - Returns: The command line run and its result, or nil when skipped.
    func run(_ arguments: [String]) -> (arguments: [String], result: CommandResult)? {
        lock.withLock {
            guard let prepared = preparedLocked(arguments) else { return nil }
            return (prepared, PMetaPlanCommand.run(arguments: prepared, environment: environment))
        }
    }

    /// The command line to run for the fuzzed `arguments`, with the fixed files' names rewritten into a fresh
    /// `work` folder, or nil to skip it.
    func prepare(_ arguments: [String]) -> [String]? {
        lock.withLock { preparedLocked(arguments) }
    }

    private func preparedLocked(_ arguments: [String]) -> [String]? {
        var arguments = arguments
        for (index, argument) in arguments.enumerated() {
            var prefix = ""
            var value = argument
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                prefix = String(argument[...equals])
                value = String(argument[argument.index(after: equals)...])
            }
            guard !value.hasPrefix("/"), !value.hasPrefix("~"), !value.contains("..") else { return nil }
            if Self.fixedNames.contains(value) { arguments[index] = prefix + work + "/" + value }
        }
        guard var parsed = Self.parsedCommand(arguments) else { return arguments }
        let command = parsed.command.name
        guard !Self.refusedCommands.contains(command), !(command == "report" && parsed.isSet(ReportCommand.all)) else { return nil }
        if Self.trainingCommands.contains(command) {
            let tiny = [work + "/conv.json", work + "/mlp.json"]
            guard parsed.positionalValues(InputFile.architectureArgument).allSatisfy(tiny.contains) else { return nil }
        }
        // Options go right after the command's name, before any `--`; report and the simulations are never the default command.
        var added: [String] = []
        if command == "report" && parsed.givenValues["output"] == nil { added += ["--output", work + "/report.md"] }
        for cap in Self.caps where cap.command == command {
            if parsed.givenValues[cap.option] == nil, let value = cap.added { added += ["--" + cap.option, value] }
        }
        if !added.isEmpty {
            guard arguments.first == command else { return nil }
            arguments.insert(contentsOf: added, at: 1)
        }
        for index in arguments.indices {
            if ["-o", "--output"].contains(arguments[index]), index + 1 < arguments.count {
                arguments[index + 1] = inWork(arguments[index + 1])
            } else if arguments[index].hasPrefix("--output=") {
                arguments[index] = "--output=" + inWork(String(arguments[index].dropFirst("--output=".count)))
            }
        }
        // The rules are checked again on what will run.
        guard let final = Self.parsedCommand(arguments) else { return arguments }
        parsed = final
        guard parsed.command.name == command else { return nil }
        for output in parsed.givenValues["output"] ?? [] where !output.isEmpty && !output.hasPrefix(work + "/") { return nil }
        for cap in Self.caps where cap.command == nil || cap.command == command {
            for value in parsed.givenValues[cap.option] ?? [] {
                if let count = Int(value), count > cap.largest { return nil }
            }
        }
        freshWork()
        return arguments
    }

    /// `value` inside `work` (an empty value stays empty: `-o ""` is a usage error to keep).
    func inWork(_ value: String) -> String {
        value.isEmpty || value.hasPrefix(work + "/") ? value : work + "/" + value
    }

    /// The command `PMetaPlanCommand.run` would run for `arguments`, or nil when it runs none (a usage error,
    /// help, the version).
    static func parsedCommand(_ arguments: [String]) -> ParsedArguments? {
        let names = Set(PMetaPlanCommand.subcommands.map(\.spec.name))
        var effective = arguments
        if let first = effective.first, !names.contains(first), !["--help", "-h", "help"].contains(first) {
            effective.insert(PMetaPlanCommand.defaultSubcommand, at: 0)
        }
        guard let first = effective.first, first != "help", arguments != ["--version"], arguments != ["version"],
              let parsed = try? parse(effective, as: PMetaPlanCommand.rootSpec), !parsed.isHelpRequested,
              names.contains(parsed.command.name) else { return nil }
        return parsed
    }

    /// Replaces `work` with a copy of the fixtures (and, in the fuzzer, makes it the current folder).
    func freshWork() {
        let files = FileManager.default
        try? files.removeItem(atPath: work)
        try? files.copyItem(atPath: fixtures, toPath: work)
        #if PMETA_FUZZING
        _ = files.changeCurrentDirectoryPath(work)
        #endif
    }
}
