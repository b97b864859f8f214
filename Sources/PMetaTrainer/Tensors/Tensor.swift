/// A dense Float32 tensor: contiguous row-major storage and a shape with the batch dimension first.
///
/// Activations are `[N, C, H, W]` (images) or `[N, F]` (features); weights use their own layouts
/// (`[C_out, C_in / groups, S, S]` for conv2d, `[C_out, C_in]` for linear). A tensor is a value: copies
/// share storage until one of them is written, so passing tensors around costs nothing.
public struct Tensor: Sendable, Hashable, CustomStringConvertible {
    /// The extent of each dimension, batch first; every extent is at least 0.
    public let shape: [Int]

    /// The elements in row-major order; the count never changes (setting a different count traps).
    public var values: [Float] {
        didSet {
            precondition(values.count == fixedCount, "Tensor: values must keep \(fixedCount) elements, got \(values.count)")
        }
    }

    /// The element count of `shape`, kept so `didSet` can check writes without reading the old array.
    private let fixedCount: Int

    /// Creates a tensor of zeros.
    /// - Parameter shape: The extent of each dimension.
    /// - Complexity: O(element count).
    public init(zeros shape: [Int]) {
        self.init(shape: shape, repeating: 0)
    }

    /// Creates a tensor with every element equal to `value`.
    /// - Parameters:
    ///   - shape: The extent of each dimension.
    ///   - value: The value of every element.
    /// - Complexity: O(element count).
    public init(shape: [Int], repeating value: Float) {
        let count = Tensor.elementCount(of: shape)
        self.shape = shape
        self.fixedCount = count
        self.values = [Float](repeating: value, count: count)
    }

    /// Creates a tensor from row-major values.
    /// - Parameters:
    ///   - shape: The extent of each dimension.
    ///   - values: Exactly as many elements as `shape` holds, in row-major order.
    public init(shape: [Int], values: [Float]) {
        let count = Tensor.elementCount(of: shape)
        precondition(values.count == count, "Tensor: shape \(shape) holds \(count) elements, got \(values.count)")
        self.shape = shape
        self.fixedCount = count
        self.values = values
    }

    /// The number of elements a shape holds: the product of its extents (1 for a scalar shape `[]`).
    /// - Parameter shape: Extents, each at least 0.
    /// - Returns: The product of the extents.
    /// - Complexity: O(rank).
    public static func elementCount(of shape: [Int]) -> Int {
        var count = 1
        for extent in shape {
            precondition(extent >= 0, "Tensor: negative extent in shape \(shape)")
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            precondition(!overflow, "Tensor: element count of shape \(shape) overflows Int")
            count = product
        }
        return count
    }

    /// The number of elements.
    public var count: Int { fixedCount }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The extent of the first (batch) dimension, N.
    public var batchSize: Int {
        precondition(!shape.isEmpty, "Tensor: a scalar has no batch dimension")
        return shape[0]
    }

    /// The extent of the second dimension: C of `[N, C, H, W]`, F of `[N, F]`.
    public var channelCount: Int {
        precondition(shape.count >= 2, "Tensor: shape \(shape) has no channel dimension")
        return shape[1]
    }

    /// The number of elements per channel of one sample: `H * W` for `[N, C, H, W]`, 1 for `[N, F]`.
    public var spatialSize: Int {
        precondition(shape.count >= 2, "Tensor: shape \(shape) has no channel dimension")
        return Tensor.elementCount(of: Array(shape.dropFirst(2)))
    }

    /// The same elements under another shape with the same element count.
    /// - Parameter newShape: The new extents.
    /// - Returns: A tensor sharing this one's storage.
    public func reshaped(to newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, values: values)
    }

    /// The row-major offset of a multi-index.
    /// - Parameter indices: One index per dimension, each within its extent.
    /// - Returns: The position of that element in ``values``.
    /// - Complexity: O(rank).
    public func offset(of indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "Tensor: \(indices.count) indices for shape \(shape)")
        var offset = 0
        for (index, extent) in zip(indices, shape) {
            precondition(index >= 0 && index < extent, "Tensor: index \(indices) out of range for shape \(shape)")
            offset = offset * extent + index
        }
        return offset
    }

    /// The element at a multi-index, such as `tensor[n, c, y, x]`.
    public subscript(indices: Int...) -> Float {
        get { values[offset(of: indices)] }
        set { values[offset(of: indices)] = newValue }
    }

    /// The shape and the first few values: `Tensor[2, 3](0.5, -1.0, ...)`.
    public var description: String {
        let shown = values.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor\(shape)(\(shown)\(count > 8 ? ", ..." : ""))"
    }

    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.values == rhs.values
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(shape)
        hasher.combine(values)
    }
}
