import Foundation

extension MeanWithInterval {
    /// mean − 1.96·s/√n.
    public var lowerBound: Double { mean - halfWidth }
    /// mean + 1.96·s/√n.
    public var upperBound: Double { mean + halfWidth }
}

extension DynamicChannelComparison {
    /// The comparison as a plain-text table: the plan, then accuracy per strategy with its 95% interval.
    public var table: String {
        var lines = ["Planned layers (c of C input channels): "
            + plan.layers.map { "\($0.name) \($0.selectedCount)/\($0.channelCount)" }.joined(separator: ", "),
                     "Adaptation peak of every draw: \(plan.cost.peak)",
                     "",
                     "strategy               accuracy   95% CI            tasks"]
        func row(_ name: String, _ value: MeanWithInterval) -> String {
            name.padding(toLength: 23, withPad: " ", startingAt: 0)
                + String(format: "%6.2f%%   [%6.2f%%, %6.2f%%]  %d", 100 * value.mean, 100 * value.lowerBound,
                         100 * value.upperBound, value.count)
        }
        lines.append(row("before adaptation", before))
        for entry in rows { lines.append(row(entry.strategy.label, entry.accuracy)) }
        return lines.joined(separator: "\n") + "\n"
    }
}
