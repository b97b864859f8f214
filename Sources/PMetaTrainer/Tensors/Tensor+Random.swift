import Foundation

/// Random initializations; the caller passes the generator, so a seed reproduces every tensor.
extension Tensor {
    /// Creates a tensor of independent uniform samples.
    /// - Parameters:
    ///   - shape: The extent of each dimension.
    ///   - range: The closed interval the samples come from.
    ///   - generator: The source of randomness, such as ``SplitMix64``.
    /// - Complexity: O(element count).
    public init(
        randomUniform shape: [Int], in range: ClosedRange<Float> = -1...1,
        using generator: inout some RandomNumberGenerator
    ) {
        let count = Tensor.elementCount(of: shape)
        var values = [Float]()
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(Float.random(in: range, using: &generator)) }
        self.init(shape: shape, values: values)
    }

    /// Creates a tensor of independent normal samples (Box–Muller in Double precision).
    /// - Parameters:
    ///   - shape: The extent of each dimension.
    ///   - mean: The mean of every element.
    ///   - standardDeviation: The standard deviation of every element.
    ///   - generator: The source of randomness, such as ``SplitMix64``.
    /// - Complexity: O(element count).
    public init(
        randomNormal shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
        using generator: inout some RandomNumberGenerator
    ) {
        let count = Tensor.elementCount(of: shape)
        var values = [Float]()
        values.reserveCapacity(count + 1)
        while values.count < count {
            // 1 - u keeps the logarithm's argument in (0, 1].
            let radius = (-2 * log(1 - Double.random(in: 0..<1, using: &generator))).squareRoot()
            let angle = 2 * Double.pi * Double.random(in: 0..<1, using: &generator)
            values.append(mean + standardDeviation * Float(radius * cos(angle)))
            values.append(mean + standardDeviation * Float(radius * sin(angle)))
        }
        values.removeLast(values.count - count)
        self.init(shape: shape, values: values)
    }

    /// Creates a weight tensor with He (Kaiming) normal initialization, standard deviation `sqrt(2 / fanIn)`.
    /// - Parameters:
    ///   - shape: The weight's extents, such as `[C_out, C_in / groups, S, S]`.
    ///   - fanIn: The inputs that feed one output, such as `C_in / groups * S * S`.
    ///   - generator: The source of randomness, such as ``SplitMix64``.
    /// - Complexity: O(element count).
    public init(heNormal shape: [Int], fanIn: Int, using generator: inout some RandomNumberGenerator) {
        precondition(fanIn > 0, "Tensor(heNormal:): fanIn must be positive, got \(fanIn)")
        self.init(randomNormal: shape, standardDeviation: Float((2 / Double(fanIn)).squareRoot()), using: &generator)
    }
}
