/// An integer size or count that does not fit in 64 bits.
public struct ArithmeticOverflow: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being computed, e.g. `layer 'conv1': weight elements`.
    public var context: String

    /// Creates an overflow error naming what was being computed.
    public init(context: String) { self.context = context }

    public var description: String { "\(context): the value does not fit in a 64-bit integer" }
}

/// Overflow-checked integer arithmetic that throws instead of trapping.
///
/// Every size and count in the cost model goes through these, so that a hostile architecture file
/// (100,000 channels at 100,000 x 100,000 pixels) is an error naming the layer, never a crash.
public enum Checked {
    /// The product of `values`, or an error naming `context`.
    /// - Throws: `ArithmeticOverflow` when the product does not fit in `Int`.
    public static func product(_ values: Int..., context: @autoclosure () -> String) throws -> Int {
        try product(of: values, context: context())
    }

    /// The product of `values`, or an error naming `context`.
    /// - Throws: `ArithmeticOverflow` when the product does not fit in `Int`.
    /// - Complexity: O(n).
    public static func product(of values: [Int], context: @autoclosure () -> String) throws -> Int {
        var result = 1
        for value in values {
            let (next, overflow) = result.multipliedReportingOverflow(by: value)
            if overflow { throw ArithmeticOverflow(context: context()) }
            result = next
        }
        return result
    }

    /// The sum of `values`, or an error naming `context`.
    /// - Throws: `ArithmeticOverflow` when the sum does not fit in `Int`.
    public static func sum(_ values: Int..., context: @autoclosure () -> String) throws -> Int {
        try sum(of: values, context: context())
    }

    /// The sum of `values`, or an error naming `context`.
    /// - Throws: `ArithmeticOverflow` when the sum does not fit in `Int`.
    /// - Complexity: O(n).
    public static func sum(of values: [Int], context: @autoclosure () -> String) throws -> Int {
        var result = 0
        for value in values {
            let (next, overflow) = result.addingReportingOverflow(value)
            if overflow { throw ArithmeticOverflow(context: context()) }
            result = next
        }
        return result
    }

    /// `value` divided by `divisor`, rounded up; both non-negative, `divisor` positive.
    public static func divideRoundingUp(_ value: Int, by divisor: Int) -> Int {
        precondition(value >= 0 && divisor > 0, "divideRoundingUp needs value >= 0 and divisor > 0")
        return value / divisor + (value % divisor == 0 ? 0 : 1)
    }
}
