import Foundation
import PMetaPlan

/// Top-P% selective upload against full communication and against the whole model, from the same seed: the same
/// client tasks, the same held-out tasks.
public struct FederatedComparison: Sendable, Hashable {
    /// The run that sends the Top-P% of the changed global weights.
    public var selective: FederatedRun
    /// The run that sends every global weight (P = 100), with the same local layers.
    public var full: FederatedRun
    /// The baseline without TinyMetaFed's two savings: every layer global (nothing reconstructed locally, every
    /// weight updated online and sent) and full communication.
    public var wholeModel: FederatedRun

    /// Runs both from copies of the same generator state.
    /// - Parameters:
    ///   - simulation: The clients, rounds and network.
    ///   - percentage: P of the selective run.
    ///   - generator: The source of randomness; both runs start from its state, which then advances once.
    /// - Throws: `ArithmeticOverflow` from the byte counts.
    public init(_ simulation: FederatedSimulation, topPercentage percentage: Percentage,
                using generator: inout some RandomNumberGenerator) throws {
        let seed = generator.next()
        var selectiveGenerator = SplitMix64(seed: seed)
        var fullGenerator = SplitMix64(seed: seed)
        self.selective = try simulation.run(topPercentage: percentage, using: &selectiveGenerator)
        self.full = try simulation.run(topPercentage: Percentage(percent: 100), using: &fullGenerator)
        var whole = simulation
        whole.partition = try ParameterPartition(model: try CostModel(simulation.network.graph), local: LayerSelector([]))
        var wholeGenerator = SplitMix64(seed: seed)
        self.wholeModel = try whole.run(topPercentage: Percentage(percent: 100), using: &wholeGenerator)
    }

    /// 1 − (bytes of the selective run) / (bytes of the full run), up and down; and for the upload alone.
    public var saving: (total: Double, upload: Double) { saving(against: full) }

    /// 1 − (bytes of the selective run) / (bytes of `baseline`) over the whole run, up and down; and for the upload.
    public func saving(against baseline: FederatedRun) -> (total: Double, upload: Double) {
        let (selectiveLast, baselineLast) = (selective.rounds.last!, baseline.rounds.last!)
        return (1 - Double(selectiveLast.totalBytes) / Double(baselineLast.totalBytes),
                1 - Double(selectiveLast.uploadedBytes) / Double(baselineLast.uploadedBytes))
    }

    /// The worst of the three final mean scores: a level every run reaches by its last round.
    public var commonTarget: Double {
        let finals = [selective, full, wholeModel].map { $0.rounds.last!.score.mean }
        return selective.metric == .accuracy ? finals.min()! : finals.max()!
    }

    /// 1 − (bytes the selective run sent until it first reached `target`) / (bytes the full run sent until then),
    /// up and down; nil when either run never reaches it (at the evaluated rounds).
    /// - Parameter target: An MSE (reached at or below) or an accuracy (reached at or above).
    public func saving(toReach target: Double) -> Double? { saving(toReach: target, against: full) }

    /// The same against `baseline`, the full or the whole-model run.
    public func saving(toReach target: Double, against baseline: FederatedRun) -> Double? {
        guard let top = selective.firstRound(reaching: target), let dense = baseline.firstRound(reaching: target),
              dense.totalBytes > 0 else { return nil }
        return 1 - Double(top.totalBytes) / Double(dense.totalBytes)
    }

    /// The score against bytes round by round, then the saving overall and to reach each target.
    /// - Parameter targets: Scores to report the bytes to reach, before ``commonTarget`` (always reported).
    /// - Returns: Plain text, one line per evaluated round, then the summary lines.
    public func table(targets: [Double] = []) -> String {
        let metric = selective.metric == .accuracy ? "accuracy" : "MSE"
        func score(_ value: MeanWithInterval) -> String {
            selective.metric == .accuracy
                ? String(format: "%6.2f%% ± %5.2f", 100 * value.mean, 100 * value.halfWidth)
                : String(format: "%8.4f ± %7.4f", value.mean, value.halfWidth)
        }
        // A size with its unit and exact bytes: `31.01 kB (31,008 B)`, and `0 B` for round 0.
        func bytes(_ count: Int) -> String { count == 0 ? "0 B" : ByteCount(count).description }
        var lines = ["Global weights n = \(selective.globalWeights); Top-\(selective.percentage) sends k = \(selective.sentPerClient) "
            + "values with indices per client and round, full communication sends all \(full.globalWeights).",
                     "",
                     "round  Top-\(selective.percentage) bytes (up+down)  \(metric) (95% CI)            full bytes (up+down)  \(metric) (95% CI)"]
        for (top, dense) in zip(selective.rounds, full.rounds) {
            lines.append(String(format: "%5d", top.round) + "  " + bytes(top.totalBytes).leftPadded(to: 24) + "  " + score(top.score)
                         + "  " + bytes(dense.totalBytes).leftPadded(to: 24) + "  " + score(dense.score))
        }
        lines.append("")
        lines.append("Whole model (every layer global: nothing reconstructed locally, all \(wholeModel.globalWeights) weights updated and sent):")
        lines.append("round  whole-model bytes (up+down)  \(metric) (95% CI)")
        for round in wholeModel.rounds {
            lines.append(String(format: "%5d", round.round) + "  " + bytes(round.totalBytes).leftPadded(to: 27) + "  " + score(round.score))
        }
        let (total, upload) = saving
        lines.append("")
        lines.append(String(format: "Communication saving of Top-%@: %.1f%% of all bytes, %.1f%% of the upload.", "\(selective.percentage)",
                            100 * total, 100 * upload))
        let (wholeTotal, wholeUpload) = saving(against: wholeModel)
        lines.append(String(format: "Against the whole model: Top-%@ saves %.1f%% of all bytes, %.1f%% of the upload.", "\(selective.percentage)",
                            100 * wholeTotal, 100 * wholeUpload))
        lines.append("Final held-out \(metric): Top-\(selective.percentage) \(score(selective.rounds.last!.score)), "
                     + "full \(score(full.rounds.last!.score)), whole model \(score(wholeModel.rounds.last!.score)).")
        let relation = selective.metric == .accuracy ? ">=" : "<="
        for target in targets + [commonTarget] {
            func reached(_ run: FederatedRun) -> String {
                guard let round = run.firstRound(reaching: target) else { return "not reached" }
                return "\(DecimalFormatting.grouped(round.totalBytes)) B (up \(DecimalFormatting.grouped(round.uploadedBytes)) B) by round \(round.round)"
            }
            var line = "Bytes to reach mean \(metric) \(relation) " + String(format: selective.metric == .accuracy ? "%.2f%%" : "%.4f",
                                                                             selective.metric == .accuracy ? 100 * target : target)
                + ": Top-\(selective.percentage) \(reached(selective)), full \(reached(full)), whole model \(reached(wholeModel))"
            if let saving = saving(toReach: target) { line += String(format: "; saving %.1f%%", 100 * saving) }
            if let saving = saving(toReach: target, against: wholeModel) { line += String(format: ", %.1f%% against the whole model", 100 * saving) }
            lines.append(line + ".")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
