/// Methods side by side on one network and workload: what `pmeta-plan compare` prints.
public struct ComparisonReport: Sendable {
    /// The network's name.
    public var architectureName: String
    /// The workload.
    public var workload: Workload
    /// K.
    public var innerSteps: Int
    /// The counting conventions.
    public var profile: CountingProfile
    /// One summary per method, in the order asked for.
    public var summaries: [MethodSummary]

    /// Creates a report.
    public init(architectureName: String, workload: Workload, innerSteps: Int, profile: CountingProfile, summaries: [MethodSummary]) {
        self.architectureName = architectureName
        self.workload = workload
        self.innerSteps = innerSteps
        self.profile = profile
        self.summaries = summaries
    }

    /// The baseline the ratios divide by: MAML when present, else the first row.
    var baseline: MethodSummary? { summaries.first { $0.identifier == AdaptationMethod.maml.rawValue } ?? summaries.first }

    /// The report as text, JSON or markdown.
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .json: return JSONWriter.write(json)
        case .text: return TextWrapping.wrappingProse(text)
        case .markdown: return markdown
        }
    }

    /// The rows as cells: method, model, samples, inference peak, adaptation peak, adaptation MACs, peak ratio, MAC ratio.
    func rows(exactBytes: Bool) -> [[String]] {
        summaries.map { summary in
            let peak = exactBytes ? summary.adaptation.peak.description : summary.adaptation.peak.humanReadable
            return [summary.name, summary.staticMemory.modelBytes.humanReadable, summary.staticMemory.sampleBytes.humanReadable,
                    summary.inference.peak.humanReadable, peak, summary.adaptation.macs.humanReadable,
                    ratio(summary.adaptation.peak.bytes, baseline?.adaptation.peak.bytes),
                    ratio(summary.adaptation.macs.macs, baseline?.adaptation.macs.macs)]
        }
    }

    static let headers = ["Method", "Model", "Samples", "Inference peak", "Adaptation peak", "Adaptation MACs",
                          "Peak vs MAML", "MACs vs MAML"]

    private var text: String {
        var table = TextTable(headers: Self.headers, alignments: [ColumnAlignment.left] + Array(repeating: ColumnAlignment.right, count: 7))
        for row in rows(exactBytes: true) { table.append(row) }
        return """
        \(architectureName): adaptation footprint per method
        Workload: \(workload.description(innerSteps: innerSteps))
        Profile: \(profile.name) (\(profile.summary))

        \(table.render())
        \(Self.conventions)

        """
    }

    private var markdown: String {
        var table = MarkdownTable(header: Self.headers, alignments: [ColumnAlignment.left] + Array(repeating: ColumnAlignment.right, count: 7))
        for row in rows(exactBytes: true) { table.append(row) }
        return """
        ### \(architectureName): adaptation footprint per method

        Workload: \(workload.description(innerSteps: innerSteps)). Profile: `\(profile.name)` (\(profile.summary)).

        \(table.render())
        \(Self.conventions)

        """
    }

    /// The counting conventions in one sentence, printed under every table.
    public static let conventions = "MB = 10^6 B, MiB = 2^20 B. Inference: one sample. Adaptation peak: the peak dynamic memory of one inner step "
        + "(stored tensors + working set + weight-gradient buffers); adaptation MACs: all inner steps over all samples."

    private var json: JSONValue {
        [
            "architecture": .string(architectureName),
            "profile": .string(profile.name),
            "workload": workload.json(innerSteps: innerSteps),
            "methods": .array(summaries.map(\.json)),
        ]
    }

    private func ratio(_ value: Int, _ base: Int?) -> String {
        guard let base, base > 0 else { return "-" }
        return Self.formatRatio(Double(value) / Double(base))
    }

    static func formatRatio(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return DecimalFormatting.scaled(hundredths, by: 100, decimals: 2) + "x"
    }
}

extension CountingProfile {
    /// One phrase saying what the profile counts.
    public var summary: String {
        switch name {
        case "physical": "Eq. (16) masks, what a trainer holds: conv/linear/pooling hold input and output at once"
        case "appendix-a": "Eq. (16) masks with Appendix A's input/output sharing: can be below what a trainer holds"
        case "paper": "the printed baselines of Tables 1 and 2"
        case "paper-eq18": "the printed baselines of Table 3, Eq. (18) input gradients from l_min"
        case "torch-helper": "what python/pmeta_torch.py holds in PyTorch: physical with bool masks and int64 pool indices"
        case "pytorch": "what stock PyTorch autograd holds (live tensors; kernel workspaces come on top)"
        default: "custom"
        }
    }
}
