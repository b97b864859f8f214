/// What a chart axis shows: its title, unit, scale kind and how its numbers print.
///
/// ```swift
/// let memory = ChartAxis(title: "Peak memory", unit: "MB") { ChartNumberFormat.fixed($0, decimals: 1) }
/// memory.displayTitle  // "Peak memory (MB)"
/// ```
public struct ChartAxis: Sendable {
    /// The quantity shown, such as `Peak memory`.
    public var title: String
    /// The unit of the values, such as `MB`; shown in the axis title and after annotated values.
    public var unit: String?
    /// Linear or logarithmic.
    public var scaleKind: AxisScale.Kind
    /// Whether a linear axis always reaches zero, as bar lengths must.
    public var includesZero: Bool
    /// Formats tick values; `nil` uses ``AxisScale/defaultLabel(for:)``.
    public var tickFormat: (@Sendable (Double) -> String)?
    /// Formats annotated values (bar value labels, the peak label); `nil` prints three significant digits.
    public var valueFormat: (@Sendable (Double) -> String)?

    /// Creates an axis description.
    /// - Parameters:
    ///   - title: The quantity shown.
    ///   - unit: The unit, or `nil` for a plain count.
    ///   - scaleKind: Linear or logarithmic.
    ///   - includesZero: Whether a linear axis always reaches zero.
    ///   - valueFormat: Formats annotated values; `nil` prints three significant digits.
    ///   - tickFormat: Formats tick values; `nil` prints as many decimals as the tick step needs.
    public init(
        title: String, unit: String? = nil, scaleKind: AxisScale.Kind = .linear, includesZero: Bool = true,
        valueFormat: (@Sendable (Double) -> String)? = nil, tickFormat: (@Sendable (Double) -> String)? = nil
    ) {
        self.title = title
        self.unit = unit
        self.scaleKind = scaleKind
        self.includesZero = includesZero
        self.valueFormat = valueFormat
        self.tickFormat = tickFormat
    }

    /// The title with its unit in parentheses: `Peak memory (MB)`.
    public var displayTitle: String {
        guard let unit, !unit.isEmpty else { return title }
        return "\(title) (\(unit))"
    }

    /// The scale whose ticks cover `values`, widened to zero when a linear axis includes zero.
    ///
    /// Non-finite values are ignored, and so are values at or below zero on a logarithmic axis; with nothing left
    /// the scale covers 0...1 (linear) or 0.1...1 (logarithmic).
    /// - Parameters:
    ///   - values: The data (including reference values) to show.
    ///   - maximumIntervalCount: The most tick intervals on a linear scale.
    /// - Returns: The scale.
    /// - Complexity: O(n) in the number of values.
    public func scale(covering values: [Double], maximumIntervalCount: Int = 6) -> AxisScale {
        let shown = values.filter { $0.isFinite && (scaleKind == .linear || $0 > 0) }
        switch scaleKind {
        case .linear:
            var lower = shown.min() ?? 0
            var upper = shown.max() ?? 1
            if includesZero {
                lower = min(0, lower)
                upper = max(0, upper)
            }
            return AxisScale(covering: lower...upper, kind: .linear, maximumIntervalCount: maximumIntervalCount)
        case .logarithmic:
            let upper = shown.max() ?? 1
            let lower = shown.min() ?? upper / 10
            return AxisScale(covering: lower...upper, kind: .logarithmic)
        }
    }

    /// The label of the tick at `value`.
    /// - Parameters:
    ///   - value: A tick value.
    ///   - scale: The scale the tick belongs to.
    /// - Returns: The label text.
    public func tickLabel(for value: Double, on scale: AxisScale) -> String {
        tickFormat?(value) ?? scale.defaultLabel(for: value)
    }

    /// An annotated value without unit: `12.5`; `n/a` for a value that is not finite.
    /// - Parameter value: A value.
    /// - Returns: The formatted value.
    public func formattedValue(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        return valueFormat?(value) ?? ChartNumberFormat.significant(value, digits: 3)
    }

    /// An annotated value followed by the unit: `12.5 MB`.
    /// - Parameter value: A value.
    /// - Returns: The formatted value and unit.
    public func formattedValueWithUnit(_ value: Double) -> String {
        guard let unit, !unit.isEmpty else { return formattedValue(value) }
        return "\(formattedValue(value)) \(unit)"
    }
}
