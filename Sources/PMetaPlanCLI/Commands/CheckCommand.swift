import Foundation
import PMetaPlan

/// `pmeta-plan check ARCH.json --budget B`: a CI gate that exits 0 when the adaptation step fits and 1 when not.
enum CheckCommand {
    static let spec = CommandSpec(
        name: "check",
        abstract: "Gate CI on a memory budget: exit 0 when the adaptation step fits, 1 when it does not.",
        discussion: "Prints JSON on stdout (budget_bytes, fits, adaptation_peak_bytes, ...; --format text or markdown for people), "
            + "recording what the result is of: the architecture and a hash of its graph, the plan (or method) and its hash, the "
            + "workload and the profile. A plan file is costed under the workload and profile it records. When GITHUB_ACTIONS=true, "
            + "failures are also printed as GitHub '::error' annotations on stderr; a markdown summary is appended to "
            + "$GITHUB_STEP_SUMMARY when it is set. With --baseline (an earlier check's JSON output of the same architecture, plan, "
            + "workload and profile), the check also fails when the peak grew by more than --max-increase.",
        arguments: [InputFile.architectureArgument],
        options: [budget.spec, PlanInputs.method.spec, PlanInputs.planFile.spec, WorkloadOptions.overridePlanWorkload.spec, baseline.spec,
                  maximumIncrease.spec, maximumMACs.spec]
            + WorkloadOptions.specs + [format.spec])

    static let budget = Option.size("budget", shortName: "b", help: "The memory budget for the adaptation peak.").required()
    static let baseline = Option.text("baseline", valueName: "previous.json", help: "An earlier check's JSON output to compare the peak with.")
    static let maximumIncrease = Option<Percentage>(spec: OptionSpec("max-increase", valueName: "percent",
                                                                     help: "The largest allowed growth of the peak over the baseline."),
        parse: { text throws(OptionValueError) in
            do { return try Percentage(parsing: text) } catch { throw OptionValueError(message: "--max-increase: \(error)") }
        },
        describe: \.description).defaulting(to: Percentage(percent: 0))
    static let maximumMACs = Option<Int>(spec: OptionSpec("max-macs", valueName: "count",
        help: "Also fail when one adaptation step needs more MACs: a count such as 120M, 1.5G or 250000 (k, M, G = 10^3, 10^6, 10^9)."),
        parse: { text throws(OptionValueError) in
            guard let count = CheckCommand.macCount(text) else {
                throw OptionValueError(message: "--max-macs expects a count such as 120M, 1.5G or 250000, found '\(text)'")
            }
            return count
        },
        describe: { String($0) })
    /// `--format`: JSON by default, since the gate's first reader is a CI script.
    static let format = WorkloadOptions.format.option.defaulting(to: .json)

    static func run(_ parsed: ParsedArguments, environment: [String: String]) throws(CommandFailure) -> CommandResult {
        guard let givenBudget = try parsed.value(Self.budget) else {
            throw .usage("missing --budget, e.g. --budget 256KB", commandPath: parsed.commandPath)
        }
        let (budgetText, budget) = (givenBudget.text, givenBudget.bytes)
        let format = try parsed.value(Self.format)
        let maximumIncrease = try parsed.value(Self.maximumIncrease)
        let maximumMACs = try parsed.value(Self.maximumMACs)
        let path = parsed.positional(InputFile.architectureArgument) ?? ""
        let model = try InputFile.architecture(at: path)
        // An ONNX model hashes as the architecture document it reads as.
        let document = ONNXInput.isONNX(at: path) ? try ONNXInput.architectureDocument(at: path) : try PlanInputs.jsonDocument(at: path)
        let graphHash = StableHash.fnv1a64(JSONWriter.write(document, pretty: false))
        let subject = try CostedSubject(parsed, graph: model.graph)
        let planHash = StableHash.fnv1a64(JSONWriter.write(subject.plan.json(for: model.graph, annotated: false), pretty: false))
        let cost: AdaptationCost
        do {
            cost = try model.adaptation(of: subject.plan, workload: subject.workload, profile: subject.profile, layerDetail: .peakStepOnly)
        } catch {
            throw .badData("\(path): \(error)")
        }
        let identity: [(key: String, value: JSONValue)] = [
            ("architecture", .string(model.graph.graph.name)), ("graph_hash", .string(graphHash)),
            ("plan", .string(subject.identifier)), ("plan_hash", .string(planHash)), ("profile", .string(subject.profile.name)),
            ("workload", subject.workload.json(innerSteps: subject.plan.innerStepCount)),
        ]
        let baselinePath = try parsed.value(Self.baseline)
        let baselinePeak = try baselinePath.map { (baselinePath: String) throws(CommandFailure) -> Int in
            try Self.baselinePeak(at: baselinePath, identity: identity)
        }
        let verdict = CheckVerdict(budget: budget, peak: cost.peak, baselinePeak: baselinePeak.map(ByteCount.init), maximumIncrease: maximumIncrease,
                                   macs: cost.macs.macs, maximumMACs: maximumMACs)
        var json = identity + [
            ("budget", .string(budgetText)), ("budget_bytes", .integer(budget.bytes)),
            ("adaptation_peak_bytes", .integer(cost.peak.bytes)), ("adaptation_macs", .integer(cost.macs.macs)),
            ("fits", .bool(verdict.fits)),
        ]
        if !subject.overrides.isEmpty { json.append(("overrides", .array(subject.overrides.map { .string($0) }))) }
        if let maximumMACs { json += [("max_macs", .integer(maximumMACs)), ("within_max_macs", .bool(verdict.isWithinMACs))] }
        if let baselinePeak, let baselinePath {
            let baseline = try PlanInputs.jsonDocument(at: baselinePath)
            json += [("baseline_peak_bytes", .integer(baselinePeak))]
            for (key, name) in [("graph_hash", "graph_changed"), ("plan_hash", "plan_changed")] {
                if let old = baseline[key], let new = identity.first(where: { $0.key == key })?.value { json.append((name, .bool(old != new))) }
            }
            if let growth = verdict.growthPercentText { json.append(("growth_percent", .number(growth))) }
            json += [("max_increase", .string(maximumIncrease.description)), ("within_increase", .bool(verdict.isWithinIncrease))]
        }
        json.append(("passed", .bool(verdict.passed)))
        var errors = subject.overrides.map { "Note: --override-plan-workload: \($0).\n" }.joined()
        if environment["GITHUB_ACTIONS"] == "true" {
            for message in verdict.failures {
                errors += "::error file=\(GitHubAnnotation.escapedProperty(path)),title=pmeta-plan check::\(GitHubAnnotation.escapedData(message))\n"
            }
        } else {
            errors += verdict.failures.map { "check failed: \($0)\n" }.joined()
        }
        let output = Self.render(json: json, verdict: verdict, architecture: model.graph.graph.name, plan: subject.displayName, format: format)
        if let summaryPath = environment["GITHUB_STEP_SUMMARY"], !summaryPath.isEmpty {
            let summary = Self.stepSummary(verdict: verdict, architecture: model.graph.graph.name, plan: subject.identifier)
            if let reason = StandardStreams.append(summary, toFileAt: summaryPath) {
                // The gate's answer still goes to stdout; the exit code says the summary is missing.
                errors += "Error: cannot append to GITHUB_STEP_SUMMARY (\(summaryPath.escapingControlCharacters)): \(reason)\n"
                return CommandResult(output: output, errorOutput: errors, exitCode: .ioError)
            }
        }
        if let note = givenBudget.roundingNote { errors = note + errors }
        return CommandResult(output: output, errorOutput: errors, exitCode: verdict.passed ? .success : .overBudget)
    }

    /// The peak of an earlier check's output, after checking it is of the same thing as this check.
    /// - Throws: `CommandFailure.badData` naming the member that differs.
    static func baselinePeak(at baselinePath: String, identity: [(key: String, value: JSONValue)]) throws(CommandFailure) -> Int {
        let json = try PlanInputs.jsonDocument(at: baselinePath)
        guard let peak = json["adaptation_peak_bytes"]?.integerValue, peak >= 0 else {
            throw .badData("\(baselinePath): adaptation_peak_bytes: expected a non-negative integer (an earlier 'pmeta-plan check' output)")
        }
        let methods = Set(AdaptationMethod.allCases.map(\.rawValue))
        for (key, value) in identity {
            // The hashes say whether the graph or the plan changed, which is what a baseline is there to catch; they
            // are reported, not required to agree. Outputs of older versions lack them.
            if key.hasSuffix("_hash") { continue }
            guard let recorded = json[key] else {
                throw .badData("\(baselinePath): \(key): missing; a baseline must record what it is of (regenerate it with this pmeta-plan check)")
            }
            // Two plan files may sit at different paths; a method must be the same method.
            if key == "plan", let old = recorded.stringValue, let new = value.stringValue, !methods.contains(old) && !methods.contains(new) { continue }
            guard recorded == value else {
                throw .badData("\(baselinePath): \(key): the baseline is of \(JSONWriter.write(recorded, pretty: false).escapingControlCharacters), "
                    + "this check of \(JSONWriter.write(value, pretty: false)); compare like with like (regenerate the baseline with the same "
                    + "architecture, plan, workload and profile)")
            }
        }
        return peak
    }

    /// The result as JSON, or for people as text or markdown.
    static func render(json: [(key: String, value: JSONValue)], verdict: CheckVerdict, architecture: String, plan: String,
                       format: OutputFormat) -> String {
        switch format {
        case .json:
            return JSONWriter.write(.object(json))
        case .text, .markdown:
            var rows: [(String, String)] = [("budget", verdict.budget.description), ("adaptation peak", verdict.peak.description),
                                            ("fits", verdict.fits ? "yes" : "no")]
            if let baselinePeak = verdict.baselinePeak {
                rows += [("baseline peak", baselinePeak.description), ("growth", verdict.growthText),
                         ("allowed growth", verdict.maximumIncrease.description)]
            }
            if let maximumMACs = verdict.maximumMACs {
                rows += [("MACs", DecimalFormatting.grouped(verdict.macs)), ("MAC limit", DecimalFormatting.grouped(maximumMACs))]
            }
            let title = "pmeta-plan check: \(architecture.escapingControlCharacters) (\(plan.escapingControlCharacters)) \(verdict.passed ? "passed" : "failed")"
            let failures = verdict.failures.map { "- \($0)\n" }.joined()
            if format == .markdown {
                var table = MarkdownTable(header: ["", "value"], alignments: [.left, .right])
                rows.forEach { table.append([$0.0, $0.1]) }
                return "### \(title)\n\n\(table.render())" + (failures.isEmpty ? "" : "\n\(failures)")
            }
            var table = TextTable(headers: ["", "value"], alignments: [.left, .right])
            rows.forEach { table.append([$0.0, $0.1]) }
            return "\(title)\n\n\(table.render())" + failures
        }
    }

    /// The markdown appended to `$GITHUB_STEP_SUMMARY`: budget, baseline, peak, delta and the verdict.
    static func stepSummary(verdict: CheckVerdict, architecture: String, plan: String) -> String {
        let baseline = verdict.baselinePeak.map(\.description) ?? "-"
        let delta = verdict.baselinePeak == nil ? "-" : verdict.growthText
        return "### pmeta-plan check: \(architecture) (\(plan)) \(verdict.passed ? "passed" : "failed")\n\n"
            + "| budget | baseline | adaptation peak | delta | fits |\n|---:|---:|---:|---:|:--|\n"
            + "| \(verdict.budget) | \(baseline) | \(verdict.peak) | \(delta) | \(verdict.fits ? "yes" : "no") |\n"
            + verdict.failures.map { "\n- \($0)" }.joined() + "\n"
    }

    /// A MAC count: digits with an optional fraction and an optional k, M or G (10^3, 10^6, 10^9); nil otherwise.
    static func macCount(_ text: String) -> Int? {
        let multipliers: [Character: Int] = ["k": 1_000, "K": 1_000, "M": 1_000_000, "G": 1_000_000_000]
        var digits = Substring(text)
        var multiplier = 1
        if let last = digits.last, let value = multipliers[last] {
            multiplier = value
            digits = digits.dropLast()
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 18,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }), let whole = Int(parts[0]) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard parts.count == 1 || (!fraction.isEmpty && fraction.count <= 9) else { return nil }
        // Exact: `1.5M` is 1,500,000; a fraction that leaves part of a MAC (`1.0000005M`) is refused.
        var fractionValue = 0
        var divisor = 1
        for digit in fraction {
            fractionValue = fractionValue * 10 + (digit.wholeNumberValue ?? 0)
            divisor *= 10
        }
        let (product, overflow) = whole.multipliedReportingOverflow(by: multiplier)
        guard !overflow, (fractionValue * multiplier) % divisor == 0 else { return nil }
        let (total, overflowTotal) = product.addingReportingOverflow(fractionValue * multiplier / divisor)
        return overflowTotal ? nil : total
    }
}

/// The gate's decision: fits the budget, grew by no more than allowed (with a baseline), stays under a MAC limit.
struct CheckVerdict {
    var budget: ByteCount
    var peak: ByteCount
    var baselinePeak: ByteCount?
    var maximumIncrease: Percentage
    var macs: Int = 0
    var maximumMACs: Int?

    var fits: Bool { peak <= budget }

    var isWithinMACs: Bool { maximumMACs.map { macs <= $0 } ?? true }

    /// Whether peak <= baseline x (1 + increase), in exact integer arithmetic.
    var isWithinIncrease: Bool {
        guard let baselinePeak else { return true }
        // peak * 100 * 10^d <= baseline * (100 * 10^d + significand)
        var scale = 100
        for _ in 0..<maximumIncrease.decimalPlaces { scale *= 10 }
        let (left, overflowLeft) = peak.bytes.multipliedReportingOverflow(by: scale)
        let (right, overflowRight) = baselinePeak.bytes.multipliedReportingOverflow(by: scale + maximumIncrease.significand)
        if overflowLeft || overflowRight {
            return Double(peak.bytes) <= Double(baselinePeak.bytes) * (1 + maximumIncrease.fractionOfOne)
        }
        return left <= right
    }

    var passed: Bool { fits && isWithinIncrease && isWithinMACs }

    /// The growth over the baseline in percent with two decimals (`12.50`, `-3.00`); nil without a baseline or
    /// from a baseline of 0 B.
    var growthPercentText: String? {
        guard let baselinePeak, baselinePeak.bytes > 0 else { return nil }
        let percent = Double(peak.bytes - baselinePeak.bytes) / Double(baselinePeak.bytes) * 100
        return String(format: "%.2f", percent)
    }

    /// `+12.50% (+140,000 B)`, `-3.00% (-1,024 B)` or `+0.00% (0 B)`.
    var growthText: String {
        guard let baselinePeak else { return "-" }
        let difference = peak.bytes - baselinePeak.bytes
        let bytes = (difference > 0 ? "+" : difference < 0 ? "-" : "") + DecimalFormatting.grouped(abs(difference)) + " B"
        guard let percent = growthPercentText else { return bytes }
        return (percent.hasPrefix("-") ? "" : "+") + percent + "% (" + bytes + ")"
    }

    /// One sentence per failed condition.
    var failures: [String] {
        var messages: [String] = []
        if !fits { messages.append("adaptation peak \(peak) exceeds the budget \(budget) by \(ByteCount(peak.bytes - budget.bytes))") }
        if !isWithinIncrease, let baselinePeak {
            messages.append("adaptation peak \(peak) grew from \(baselinePeak) by \(growthText), more than the allowed \(maximumIncrease)")
        }
        if !isWithinMACs, let maximumMACs {
            messages.append("one adaptation step needs \(DecimalFormatting.grouped(macs)) MACs, more than the allowed \(DecimalFormatting.grouped(maximumMACs))")
        }
        return messages
    }
}
