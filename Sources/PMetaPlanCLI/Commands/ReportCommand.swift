import Foundation
import PMetaPlan

/// A file the report command writes: its path as given (relative to the repository for committed reports) and
/// its contents.
struct ReportFile: Sendable, Equatable {
    var path: String
    var contents: String
}

/// `pmeta-plan report ARCH.json [--budget B ...] [-o reports/NAME.md]`, and `pmeta-plan report --all`.
enum ReportCommand {
    static let spec = CommandSpec(
        name: "report",
        abstract: "Write a markdown report with SVG charts: methods side by side, the p-Meta plans, live memory, the frontier.",
        discussion: "The charts go in a folder named after the report, beside it, and are linked by relative path. "
            + "--all regenerates reports/: one report per architectures/*.json with the default workload and budgets, and "
            + "reports/paper-reproduction.md. Output is deterministic: regenerating gives byte-identical files.",
        arguments: [architecture],
        options: [budgets.spec, output.spec, all.spec, sweepBudgets.spec] + WorkloadOptions.specs + [WorkloadOptions.format.spec])

    static let architecture = ArgumentSpec("arch.json", help: "An architecture file (see architectures/) or an ONNX model; not with --all.", isOptional: true)
    static let budgets = Option.size("budget", shortName: "b",
        help: "An adaptation budget for the planner; repeat for several. Default: 25% and 50% of the way from the smallest peak any update reaches to MAML's.")
        .repeatable()
    static let output = Option.text("output", shortName: "o", valueName: "report.md", help: "The markdown file to write. Default: reports/NAME.md for ARCH.json named NAME.json.")
    static let all = Flag("all", help: "Regenerate every report in reports/ from architectures/ (run from the repository root).")
    static let sweepBudgets = Option.integer("sweep-budgets", help: "Budgets the planner's frontier is swept at.", in: 2...200)
        .defaulting(to: ArchitectureReport.defaultSweepBudgetCount)

    /// The folder of the committed reports and of the shipped architectures, relative to the repository.
    static let reportsFolder = "reports"
    static let architecturesFolder = "architectures"

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let files: [ReportFile]
        if parsed.isSet(all) {
            let extra = parsed.command.options.filter { ![all.spec.longName, WorkloadOptions.format.spec.longName].contains($0.longName) && !parsed.givenTexts($0).isEmpty }
            guard parsed.positional(architecture) == nil, extra.isEmpty else {
                let what = parsed.positional(architecture) ?? (extra.first?.longSpelling ?? "")
                throw .usage("--all regenerates the committed reports with their defaults; it takes no '\(what)'",
                             commandPath: parsed.commandPath)
            }
            files = try allFiles(root: "")
        } else {
            guard parsed.positional(architecture) != nil else {
                throw .usage("missing <arch.json> (or --all to regenerate every report)", commandPath: parsed.commandPath)
            }
            files = try reportFiles(parsed, root: "")
        }
        // Every destination is checked and staged before any is replaced: the report and its charts, or nothing.
        try OutputFiles.write(files.map { OutputFiles.Pending(path: $0.path, bytes: Array($0.contents.utf8)) })
        try removeStaleCharts(keeping: files, root: "")
        let markdown = files.filter { $0.path.hasSuffix(".md") }.map(\.path)
        let charts = files.filter { !$0.path.hasSuffix(".md") }.map(\.path)
        let sentence = "Wrote \(markdown.joined(separator: ", ")) and \(charts.count) chart\(charts.count == 1 ? "" : "s")."
        switch try parsed.value(WorkloadOptions.format) {
        case .text:
            return CommandResult(output: sentence + "\n")
        case .markdown:
            return CommandResult(output: "### pmeta-plan report\n\n" + (markdown + charts).map { "- [\($0)](\($0))\n" }.joined())
        case .json:
            return CommandResult(output: JSONWriter.write(.object([("reports", .array(markdown.map { .string($0) })),
                                                                   ("charts", .array(charts.map { .string($0) }))])))
        }
    }

    // MARK: - Building the files

    /// Every committed report: one per shipped architecture, then the paper reproduction.
    /// - Parameter root: The repository root, or "" for the working directory; paths in the files stay relative.
    static func allFiles(root: String) throws(CommandFailure) -> [ReportFile] {
        var files: [ReportFile] = []
        for name in try shippedArchitectureNames(root: root) { files += try shippedReportFiles(name, root: root) }
        files.append(try reproductionFile(root: root))
        return files
    }

    /// The stems of architectures/*.json, sorted.
    static func shippedArchitectureNames(root: String) throws(CommandFailure) -> [String] {
        let folder = located(architecturesFolder, root: root)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw .unreadable("\(architecturesFolder): cannot be listed (run from the repository root)")
        }
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(".json".count)) }.sorted()
    }

    /// The committed report of `architectures/NAME.json`: what `pmeta-plan report architectures/NAME.json` writes.
    static func shippedReportFiles(_ name: String, root: String) throws(CommandFailure) -> [ReportFile] {
        let parsed: ParsedArguments
        do {
            parsed = try parse(["report", "\(architecturesFolder)/\(name).json"], as: PMetaPlanCommand.rootSpec)
        } catch {
            throw .usage("\(error)", commandPath: ["pmeta-plan", "report"])
        }
        return try reportFiles(parsed, root: root)
    }

    /// The markdown file and its charts for one architecture, as the parsed command line asks.
    static func reportFiles(_ parsed: ParsedArguments, root: String) throws(CommandFailure) -> [ReportFile] {
        let path = parsed.positional(architecture) ?? ""
        let model = try InputFile.architecture(at: located(path, root: root))
        try PlanInputs.checkHasTrainableLayer(model.graph, path: path)
        let (workload, innerSteps, profile) = try WorkloadOptions.resolve(parsed, graph: model.graph)
        let budgets = try parsed.values(Self.budgets).map(\.bytes)
        let sweepBudgets = try parsed.value(Self.sweepBudgets)
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let output = try parsed.value(Self.output).map { (value: String) throws(CommandFailure) -> String in
            try OutputFiles.outputPath(value, defaultName: "\(stem).md", option: "--output", commandPath: parsed.commandPath)
        } ?? "\(reportsFolder)/\(stem).md"
        guard output.hasSuffix(".md") else {
            throw .usage("--output must name a markdown file ending in .md, found '\(output)'", commandPath: parsed.commandPath)
        }
        let outputFolder = (output as NSString).deletingLastPathComponent
        let chartFolder = ((output as NSString).lastPathComponent as NSString).deletingPathExtension
        let report: ArchitectureReport
        do {
            report = try ArchitectureReport(model: model, architecturePath: path, workload: workload, innerSteps: innerSteps,
                                            profile: profile, budgets: budgets, chartFolder: chartFolder,
                                            command: command(for: parsed), sweepBudgetCount: sweepBudgets,
                                            workloadArguments: workloadArguments(of: parsed))
        } catch {
            throw .badData("\(path): \(error)")
        }
        let beside = { (relative: String) in outputFolder.isEmpty ? relative : "\(outputFolder)/\(relative)" }
        return [ReportFile(path: output, contents: report.markdown)]
            + report.charts.map { ReportFile(path: beside($0.path), contents: $0.svg) }
    }

    /// reports/paper-reproduction.md: every printed cell of Tables 1-3 against ours.
    static func reproductionFile(root: String) throws(CommandFailure) -> ReportFile {
        var graphs: [String: ShapedGraph] = [:]
        for name in PaperReproduction.architectureNames {
            graphs[name] = try InputFile.architecture(at: located("\(architecturesFolder)/\(name).json", root: root)).graph
        }
        do {
            let cells = try PaperReproduction.cells { name in
                guard let graph = graphs[name] else { throw CommandFailure.unreadable("\(name).json is missing") }
                return graph
            }
            let text = ReproductionReport(cells: cells).render(.markdown)
            return ReportFile(path: "\(reportsFolder)/paper-reproduction.md",
                              contents: text + "\nRegenerate with `pmeta-plan report --all` (or `pmeta-plan reproduce --format markdown`).\n")
        } catch {
            throw .badData("\(error)")
        }
    }

    /// The command line that regenerates a report, options in the order help lists them.
    static func command(for parsed: ParsedArguments) -> String {
        var words = ["pmeta-plan", "report", parsed.positional(architecture) ?? ""]
        for option in parsed.command.options where option != all.spec && option != WorkloadOptions.format.spec {
            for value in parsed.givenTexts(option) {
                words += [option.longSpelling, value]
            }
        }
        return words.joined(separator: " ")
    }

    /// The workload options given, as words for the commands that reproduce the report's sections.
    static func workloadArguments(of parsed: ParsedArguments) -> [String] {
        WorkloadOptions.specs.flatMap { option in
            parsed.givenTexts(option).flatMap { [option.longSpelling, $0] }
        }
    }

    // MARK: - Files on disk

    /// `path` under `root`, unless `root` is empty or `path` absolute.
    static func located(_ path: String, root: String) -> String {
        root.isEmpty || path.hasPrefix("/") ? path : "\(root)/\(path)"
    }

    /// Whether the regular file at `path` starts with `ArchitectureReport.chartMarker` (read: its first line only).
    static func isChartThisToolWrote(_ path: String) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let marker = Array(ArchitectureReport.chartMarker.utf8)
        guard let head = try? handle.read(upToCount: marker.count) else { return false }
        return Array(head) == marker
    }

    /// The SVG files in the chart folders of `files` that `files` does not contain, such as a timeline of a budget
    /// no longer asked for, and that this tool wrote (they start with `ArchitectureReport.chartMarker`).
    static func staleCharts(besides files: [ReportFile], root: String) -> [String] {
        let written = Set(files.map(\.path))
        let folders = Set(files.filter { $0.path.hasSuffix(".svg") }.map { ($0.path as NSString).deletingLastPathComponent })
        var stale: [String] = []
        for folder in folders.sorted() {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: located(folder, root: root))) ?? []
            for name in names.sorted() where name.hasSuffix(".svg") && !written.contains("\(folder)/\(name)")
                && isChartThisToolWrote(located("\(folder)/\(name)", root: root)) {
                stale.append("\(folder)/\(name)")
            }
        }
        return stale
    }

    /// Deletes `staleCharts`, so that a folder holds exactly the charts its report links.
    static func removeStaleCharts(keeping files: [ReportFile], root: String) throws(CommandFailure) {
        for path in staleCharts(besides: files, root: root) {
            do {
                try FileManager.default.removeItem(atPath: located(path, root: root))
            } catch {
                throw .unreadable("\(path): cannot be removed (\(error.localizedDescription))")
            }
        }
    }
}
