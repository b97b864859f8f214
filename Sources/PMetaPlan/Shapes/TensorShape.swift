/// The shape of one sample's tensor, without the batch dimension, rank 1 to 4: features `[D]`, tokens `[N, D]`,
/// sequences `[C, L]`, images `[C, H, W]`, attention heads `[heads, N, d]`.
public struct TensorShape: Hashable, Sendable, CustomStringConvertible {
    /// The dimensions, outermost first.
    public let dimensions: [Int]
    /// m(x), the number of elements (the paper's words at 32 bit).
    public let elementCount: Int

    /// Creates a shape whose element count fits in an `Int`.
    /// - Throws: `ArithmeticOverflow` when the product of the dimensions does not fit.
    public init(_ dimensions: [Int]) throws {
        precondition(dimensions.allSatisfy { $0 > 0 }, "TensorShape dimensions must be positive")
        self.dimensions = dimensions
        self.elementCount = try Checked.product(of: dimensions, context: "tensor \(dimensions)")
    }

    /// The channel count: the first dimension.
    public var channels: Int { dimensions[0] }

    /// The number of elements per channel of the first axis: `H * W` for images, 1 for features.
    public var spatialSize: Int { elementCount / dimensions[0] }

    /// Whether the shape is `[C, H, W]`.
    public var isImage: Bool { dimensions.count == 3 }

    public var description: String { "[" + dimensions.map(String.init).joined(separator: ", ") + "]" }
}
