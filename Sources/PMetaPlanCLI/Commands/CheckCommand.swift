import Foundation
import PMetaPlan

/// `pmeta-plan check ARCH.json --budget B`: a CI gate that exits 0 when the adaptation step fits and 1 when not.
enum CheckCommand {
    static let spec = CommandSpec(
        name: "check",
        abstract: "Gate CI on a memory budget: exit 0 when the adaptation step fits, 1 when it does not.",
        discussion: "Prints JSON on stdout (budget_bytes, fits, adaptation_peak_bytes, ...). Failures are also printed as GitHub "
            + "'::error' annotations on stderr, and a markdown summary is appended to $GITHUB_STEP_SUMMARY when it is set. "
            + "With --baseline (an earlier check's JSON output), the check also fails when the peak grew by more than --max-increase.",
        arguments: [ArgumentSpec("arch.json", help: "An architecture file (see architectures/).")],
        options: [
            OptionSpec("budget", shortName: "b", valueName: "size", help: "The memory budget for the adaptation peak.", valueExample: "256KB"),
            OptionSpec("method", valueName: "method", help: "A built-in method to check (when no --plan).", defaultValue: "maml",
                       allowedValues: AdaptationMethod.allCases.map(\.rawValue)),
            OptionSpec("plan", valueName: "plan.json", help: "A plan file to check instead of a method."),
            OptionSpec("baseline", valueName: "previous.json", help: "An earlier check's JSON output to compare the peak with."),
            OptionSpec("max-increase", valueName: "percent", help: "The largest allowed growth of the peak over the baseline.",
                       defaultValue: "0%"),
        ] + WorkloadOptions.specs)

    static func run(_ parsed: ParsedArguments, environment: [String: String]) throws(CommandFailure) -> CommandResult {
        guard let budgetText = parsed.value("budget") else {
            throw .usage("missing --budget, e.g. --budget 256KB", commandPath: parsed.commandPath)
        }
        let budget = try PlanInputs.budget(budgetText, commandPath: parsed.commandPath)
        let maximumIncrease: Percentage
        do {
            maximumIncrease = try Percentage(parsing: parsed.value("max-increase") ?? "0%")
        } catch {
            throw .usage("--max-increase: \(error)", commandPath: parsed.commandPath)
        }
        let path = parsed.positional("arch.json") ?? ""
        let model = try InputFile.architecture(at: path)
        let (workload, innerSteps, profile) = try WorkloadOptions.resolve(parsed, graph: model.graph)
        let (plan, planName, _) = try PlanInputs.planOrMethod(parsed, graph: model.graph, innerSteps: innerSteps)
        let baselinePeak = try parsed.value("baseline").map { (baselinePath: String) throws(CommandFailure) -> Int in
            let json = try PlanInputs.jsonDocument(at: baselinePath)
            guard let peak = json["adaptation_peak_bytes"]?.integerValue, peak >= 0 else {
                throw CommandFailure.badData("\(baselinePath): adaptation_peak_bytes: expected a non-negative integer (an earlier 'pmeta-plan check' output)")
            }
            return peak
        }
        let cost: AdaptationCost
        do {
            cost = try model.adaptation(of: plan, workload: workload, profile: profile)
        } catch {
            throw .badData("\(path): \(error)")
        }
        let verdict = CheckVerdict(budget: budget, peak: cost.peak, baselinePeak: baselinePeak.map(ByteCount.init), maximumIncrease: maximumIncrease)
        var json: [(key: String, value: JSONValue)] = [
            ("architecture", .string(model.graph.graph.name)), ("plan", .string(planName)), ("profile", .string(profile.name)),
            ("workload", workload.json(innerSteps: plan.innerStepCount)),
            ("budget", .string(budgetText)), ("budget_bytes", .integer(budget.bytes)),
            ("adaptation_peak_bytes", .integer(cost.peak.bytes)), ("adaptation_macs", .integer(cost.macs.macs)),
            ("fits", .bool(verdict.fits)),
        ]
        if let baselinePeak {
            json += [("baseline_peak_bytes", .integer(baselinePeak)), ("max_increase", .string(maximumIncrease.description)),
                     ("within_increase", .bool(verdict.isWithinIncrease))]
        }
        json.append(("passed", .bool(verdict.passed)))
        var errors = ""
        for message in verdict.failures {
            errors += "::error file=\(path)::\(message)\n"
        }
        if let summaryPath = environment["GITHUB_STEP_SUMMARY"], !summaryPath.isEmpty {
            let summary = "### pmeta-plan check: \(model.graph.graph.name) (\(planName)) \(verdict.passed ? "passed" : "failed")\n\n"
                + "| budget | adaptation peak | fits |\n|---:|---:|:--|\n| \(budget) | \(cost.peak) | \(verdict.fits ? "yes" : "no") |\n"
                + verdict.failures.map { "\n- \($0)" }.joined() + "\n"
            if let reason = StandardStreams.append(summary, toFileAt: summaryPath) {
                // The gate's answer still goes to stdout; the exit code says the summary is missing.
                errors += "Error: cannot append to GITHUB_STEP_SUMMARY (\(summaryPath.escapingControlCharacters)): \(reason)\n"
                return CommandResult(output: JSONWriter.write(.object(json)), errorOutput: errors, exitCode: .ioError)
            }
        }
        return CommandResult(output: JSONWriter.write(.object(json)), errorOutput: errors,
                             exitCode: verdict.passed ? .success : .overBudget)
    }
}

/// The gate's decision: fits the budget, and (with a baseline) grew by no more than allowed.
struct CheckVerdict {
    var budget: ByteCount
    var peak: ByteCount
    var baselinePeak: ByteCount?
    var maximumIncrease: Percentage

    var fits: Bool { peak <= budget }

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

    var passed: Bool { fits && isWithinIncrease }

    /// One sentence per failed condition.
    var failures: [String] {
        var messages: [String] = []
        if !fits { messages.append("adaptation peak \(peak) exceeds the budget \(budget) by \(ByteCount(peak.bytes - budget.bytes))") }
        if !isWithinIncrease, let baselinePeak {
            messages.append("adaptation peak \(peak) grew from \(baselinePeak), more than the allowed \(maximumIncrease)")
        }
        return messages
    }
}
