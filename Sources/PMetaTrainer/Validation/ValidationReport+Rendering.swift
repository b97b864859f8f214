import Foundation
import PMetaPlan

extension ValidationReport {
    /// The report as aligned text, JSON (stable keys, exact bytes) or markdown.
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .json: return JSONWriter.write(json()) + "\n"
        case .text, .markdown: return table(markdown: format == .markdown)
        }
    }

    private func score(_ value: MeanWithInterval) -> String {
        switch metric {
        case .accuracy: String(format: "%.1f%% ± %.1f", 100 * value.mean, 100 * value.halfWidth)
        case .meanSquaredError: String(format: "%.3f ± %.3f", value.mean, value.halfWidth)
        }
    }

    private func difference(_ row: ValidationRow) -> String {
        guard let (_, largest) = row.memory.largestDifference else { return "-" }
        let delta = largest.predictedBytes - largest.measuredBytes
        return "\(graph.layers[largest.layer].name) \(largest.phase.rawValue) \(delta >= 0 ? "+" : "")\(DecimalFormatting.grouped(delta)) B"
    }

    private func table(markdown: Bool) -> String {
        let metricName = metric == .accuracy ? "accuracy" : "MSE"
        let headers = ["method", "updates", "measured peak", "predicted peak", "ratio", "largest difference",
                       "\(metricName) before", "\(metricName) after"]
        let alignments: [ColumnAlignment] = [.left, .left, .right, .right, .right, .left, .right, .right]
        let cells = rows.map { row in
            [row.name, updateSummary(row.plan), ByteCount(row.memory.measuredPeakBytes).humanReadable,
             ByteCount(row.memory.predictedPeakBytes).humanReadable, String(format: "%.3f", row.memory.ratio), difference(row),
             score(row.before), score(row.after)]
        }
        var text = "Validation of \(graph.graph.name): \(taskCount) held-out tasks, \(workload.samplesPerStep) support samples, "
            + "micro-batch \(workload.microBatch); peaks measured by the trainer, predicted by the cost model (physical profile); "
            + "\(metricName) with 95% confidence intervals.\n\n"
        text += renderTable(headers, alignments, cells, markdown: markdown).joined(separator: "\n")
        text += "\n"
        for row in rows { text += "\(row.name): \(row.source)\n" }
        return text
    }

    /// "all", "head", or the updated layer count per step.
    private func updateSummary(_ plan: UpdatePlan) -> String {
        plan.steps.map { step in
            let updated = step.layers.indices.filter { step.layers[$0].isUpdated }
            if updated.count == 1 { return graph.layers[updated[0]].name }
            return "\(updated.count) layers"
        }.joined(separator: " / ")
    }

    /// The JSON document: per method the measured and predicted peaks and the scores (`accuracy_*` hold the
    /// task metric; for regression it is the mean squared error, also under `mse_*`).
    public func json() -> JSONValue {
        let methods: [(key: String, value: JSONValue)] = rows.map { row in
            var members: [(key: String, value: JSONValue)] = [
                ("source", .string(row.source)),
                ("plan", row.plan.json(for: graph)),
                ("measured_peak_bytes", .integer(row.memory.measuredPeakBytes)),
                ("predicted_peak_bytes", .integer(row.memory.predictedPeakBytes)),
                ("ratio", .double(row.memory.ratio.isFinite ? row.memory.ratio : 0)),
            ]
            if let (step, largest) = row.memory.largestDifference {
                members.append(("largest_difference", .object([
                    ("step", .integer(step + 1)), ("layer", .string(graph.layers[largest.layer].name)),
                    ("phase", .string(largest.phase.rawValue)), ("predicted_bytes", .integer(largest.predictedBytes)),
                    ("measured_bytes", .integer(largest.measuredBytes)),
                ])))
            }
            members += [
                ("accuracy_before", .double(row.before.mean)), ("accuracy_before_ci95", .double(row.before.halfWidth)),
                ("accuracy_after", .double(row.after.mean)), ("accuracy_after_ci95", .double(row.after.halfWidth)),
            ]
            if metric == .meanSquaredError {
                members += [
                    ("mse_before", .double(row.before.mean)), ("mse_before_ci95", .double(row.before.halfWidth)),
                    ("mse_after", .double(row.after.mean)), ("mse_after_ci95", .double(row.after.halfWidth)),
                ]
            }
            return (row.name, .object(members))
        }
        return .object([
            ("architecture", .string(graph.graph.name)), ("tasks", .integer(taskCount)),
            ("samples", .integer(workload.samplesPerStep)), ("micro_batch", .integer(workload.microBatch)),
            ("metric", .string(metric.rawValue)), ("profile", .string(CountingProfile.physical.name)),
            ("methods", .object(methods)),
        ])
    }
}
