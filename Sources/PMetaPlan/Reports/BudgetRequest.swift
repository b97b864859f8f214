import Foundation

/// A budget as the user asked for it, shared by the static and dynamic strategies' reports: the text they wrote,
/// whether it also holds the model and support samples, and how many bytes those take.
public struct BudgetRequest: Hashable, Sendable {
    /// The budget as the user wrote it (`256KB`).
    public var text: String
    /// Whether the budget also holds the model and the support samples.
    public var includesStatic: Bool
    /// The bytes of model and samples when `includesStatic`.
    public var staticBytes: ByteCount
    /// The device whose SRAM is the budget (`plan --device`, `--sram`), and how the model fits its flash.
    public var device: DeviceFit?

    /// Creates a request.
    public init(text: String, includesStatic: Bool, staticBytes: ByteCount) {
        self.text = text
        self.includesStatic = includesStatic
        self.staticBytes = staticBytes
    }

    /// The budget the user gave, in bytes, when `adaptationBudget` is what is left for the adaptation peak.
    func totalBytes(adaptationBudget: ByteCount) -> ByteCount {
        ByteCount(adaptationBudget.bytes + (includesStatic ? staticBytes.bytes : 0))
    }

    /// `budget 256KB = 256,000 B for the adaptation peak (...)`.
    func line(adaptationBudget: ByteCount) -> String {
        let total = totalBytes(adaptationBudget: adaptationBudget).bytes
        if let device {
            return "SRAM \(self.text) = \(DecimalFormatting.grouped(total)) B (\(DecimalFormatting.scaled(total, by: 1_024, decimals: 2)) KiB) "
                + "of \(device.device.name ?? "the device") for the adaptation peak, the updated weights' SRAM copies and the optimizer state"
        }
        var text = "budget \(self.text) = \(DecimalFormatting.grouped(total)) B"
        if isInKilobytes {
            // An MCU's "256 KB" is usually 256 KiB = 262,144 B; the KiB reading shows which one was meant.
            text += " (\(DecimalFormatting.scaled(total, by: 1_024, decimals: 2)) KiB)"
        }
        if includesStatic {
            text += " for the adaptation peak plus the model and support samples (\(staticBytes)), leaving \(adaptationBudget) for the peak"
        } else {
            text += " for the adaptation peak (model and support samples not included; --include-static adds them)"
        }
        return text
    }

    /// Whether the budget was written in kB or KB (decimal kilobytes), the unit often confused with KiB.
    var isInKilobytes: Bool {
        let unit = text.trimmingCharacters(in: .whitespaces).drop { $0.isNumber || $0 == "." || $0 == " " }
        return unit == "kB" || unit == "KB"
    }

    /// The JSON members both reports open with after their name: the budget, whether it fits, and the problem's
    /// profile, workload and importance.
    func jsonMembers(for problem: PlanningProblem, fits: Bool) -> [(key: String, value: JSONValue)] {
        [
            ("budget", .string(text)),
            ("budget_bytes", .integer(totalBytes(adaptationBudget: problem.budget).bytes)),
            ("budget_includes_static", .bool(includesStatic)),
            ("adaptation_budget_bytes", .integer(problem.budget.bytes)),
            ("fits", .bool(fits)),
            ("profile", .string(problem.profile.name)),
            ("workload", problem.workload.json(innerSteps: problem.innerSteps)),
            ("importance", .string(problem.importance.source)),
        ] + (device.map { [("device", $0.json)] } ?? [])
    }
}

extension FitAdvice {
    /// What the smallest plans need and which knob would make one fit, as report lines.
    func lines(bullet: String) -> [String] {
        var lines = ["",
                     "\(bullet)Inference alone needs \(inferencePeak) for one sample.",
                     "\(bullet)The smallest adaptation peak for this network and workload is \(smallestPeak), updating only '\(smallestPeakLayer)'"
                        + (triedLayers.map {  " (the smallest among the first and last \(DecimalFormatting.grouped($0.tried)) of its \(DecimalFormatting.grouped($0.of)) trainable layers, each updated alone: trying every one would take too long)." } ?? "."),
                     "",
                     "What would fit:"]
        for knob in knobs {
            if let peak = knob.smallestPeak {
                lines.append("\(bullet)\(knob.change): smallest peak \(peak) - \(knob.fits ? "fits" : "still over budget").")
            } else {
                lines.append("\(bullet)\(knob.change): \(knob.note ?? "").")
            }
        }
        return lines
    }

    /// The advice as JSON.
    var json: JSONValue {
        [
            "inference_peak_bytes": .integer(inferencePeak.bytes),
            "smallest_adaptation_peak_bytes": .integer(smallestPeak.bytes),
            "smallest_peak_layer": .string(smallestPeakLayer),
            "knobs": .array(knobs.map { knob in
                .object([("change", .string(knob.change)),
                         ("smallest_adaptation_peak_bytes", knob.smallestPeak.map { .integer($0.bytes) } ?? .null),
                         ("fits", .bool(knob.fits))] + (knob.note.map { [("note", JSONValue.string($0))] } ?? []))
            }),
        ]
    }
}
