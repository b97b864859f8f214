/// Shape rules several operators share: axes, broadcasting, sliding windows.
enum ShapeRules {
    /// `axis` (negative counts from the end) as an index into a shape of `rank`.
    /// - Throws: `ShapeMismatch` when the axis is out of range.
    static func axis(_ axis: Int, rank: Int) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < rank else {
            throw ShapeMismatch(message: "axis \(axis) is out of range for a rank-\(rank) tensor (expected \(-rank) to \(rank - 1))")
        }
        return resolved
    }

    /// The numpy broadcast of `shapes`: right-aligned, each dimension equal or 1.
    /// - Throws: `ShapeMismatch` naming the two inputs that do not broadcast.
    static func broadcast(_ shapes: [TensorShape]) throws -> TensorShape {
        let rank = shapes.map(\.dimensions.count).max() ?? 0
        var result = [Int](repeating: 1, count: rank)
        var setter = [Int](repeating: -1, count: rank)
        for (position, shape) in shapes.enumerated() {
            let offset = rank - shape.dimensions.count
            for (axis, extent) in shape.dimensions.enumerated() where extent != 1 {
                let target = offset + axis
                if result[target] == 1 {
                    result[target] = extent
                    setter[target] = position
                } else if result[target] != extent {
                    throw ShapeMismatch(message: "inputs do not broadcast: input \(setter[target]) is \(shapes[setter[target]]) and input \(position) is \(shape)")
                }
            }
        }
        return try TensorShape(result)
    }

    /// The number of window positions along one axis: floor (or ceil) of (extent + padding - dilated kernel) /
    /// stride, plus 1; with `ceilMode` the last window must start inside the input or the leading padding.
    /// - Throws: `ShapeMismatch` when the window does not fit.
    static func windowCount(extent: Int, kernel: Int, stride: Int, dilation: Int = 1, leadingPadding: Int, trailingPadding: Int,
                            ceilMode: Bool = false, axis: String) throws -> Int {
        let padded = try Checked.sum(extent, leadingPadding, trailingPadding, context: "padded \(axis)")
        let span = try Checked.sum(try Checked.product(dilation, kernel - 1, context: "dilated kernel"), 1, context: "dilated kernel")
        guard span <= padded else {
            throw ShapeMismatch(message: "the \(span)-wide window does not fit the input \(axis) \(extent) with padding \(leadingPadding)+\(trailingPadding)")
        }
        var count = (padded - span) / stride + 1
        if ceilMode && (padded - span) % stride != 0 {
            count += 1
            // PyTorch's rule: the last window must start inside the input or the leading padding.
            if (count - 1) * stride >= extent + leadingPadding { count -= 1 }
        }
        return count
    }

    /// The `[C, H, W]` of an image shape.
    static func image(_ shape: TensorShape) throws -> (channels: Int, height: Int, width: Int) {
        guard shape.dimensions.count == 3 else {
            throw ShapeMismatch(message: "expected an image input [C, H, W], found \(shape)")
        }
        return (shape.dimensions[0], shape.dimensions[1], shape.dimensions[2])
    }

    /// Whether `permutation` is a permutation of 0..<rank.
    static func isPermutation(_ permutation: [Int], rank: Int) -> Bool {
        permutation.count == rank && Set(permutation) == Set(0..<rank)
    }
}
