import Foundation

extension MeanWithInterval {
    /// mean − 1.96·s/√n.
    public var lowerBound: Double { mean - halfWidth }
    /// mean + 1.96·s/√n.
    public var upperBound: Double { mean + halfWidth }
}

extension DynamicChannelComparison {
    /// The comparison as a plain-text table: the plan, accuracy per strategy with its 95% interval, then dynamic's
    /// paired advantage over the others in percentage points.
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
        lines.append("")
        lines.append("paired difference      points     95% CI")
        for entry in dynamicAdvantages {
            let value = entry.accuracy
            lines.append("dynamic - \(entry.strategy == .staticTopK ? "static" : entry.strategy.rawValue)".padding(toLength: 23, withPad: " ", startingAt: 0)
                         + String(format: "%+6.2f    [%+6.2f, %+6.2f]", 100 * value.mean, 100 * value.lowerBound, 100 * value.upperBound))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
