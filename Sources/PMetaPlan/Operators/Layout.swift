/// Operators that move elements without arithmetic: reshapes, transposes, slices, shuffles, concatenation.
/// Their gradients move g(y) back the same way, so none keeps anything for the backward pass.
struct Layout: OperatorDefinition {
    enum Function: Hashable, Sendable {
        /// `[C, H, W] -> [C H W]`.
        case flatten
        /// To `shape`, one extent of which may be -1 (inferred).
        case reshape(shape: [Int])
        /// Axes permuted: output axis i is input axis `permutation[i]`.
        case transpose(permutation: [Int])
        /// Python's `x[start:end:step]` along `axis`; a negative step reverses (`torch.flip`).
        case slice(axis: Int, start: Int, end: Int, step: Int)
        /// ShuffleNet's channel shuffle: `[g, C/g, ...] -> [C/g, g, ...]` over the first axis.
        case shuffle(groupCount: Int)
        /// One index of `axis`, the axis removed (a ViT's class token).
        case gather(axis: Int, index: Int)
        /// The inputs joined along `axis`.
        case concat(axis: Int)
        /// The mean over `axes`, kept as extent 1 or removed.
        case reduceMean(axes: [Int], keepsDimensions: Bool)
    }

    var function: Function

    var arity: InputArity {
        if case .concat = function { return .oneOrMore }
        return .one
    }

    /// Views (flatten, reshape) share their input's memory; the others write a new tensor. A slice or an index
    /// is copied: a view would keep its whole input alive while later layers hold only the part.
    var computesInPlace: Bool {
        switch function {
        case .flatten, .reshape: true
        case .transpose, .shuffle, .concat, .reduceMean, .slice, .gather: false
        }
    }

    func outputShape(for inputs: [TensorShape]) throws -> TensorShape {
        let input = inputs[0]
        let dimensions = input.dimensions
        switch function {
        case .flatten:
            return try TensorShape([input.elementCount])
        case .reshape(let shape):
            return try Self.reshaped(input, to: shape)
        case .transpose(let permutation):
            guard ShapeRules.isPermutation(permutation, rank: dimensions.count) else {
                throw ShapeMismatch(message: "perm \(permutation) is not a permutation of the \(dimensions.count) axes of \(input)")
            }
            return try TensorShape(permutation.map { dimensions[$0] })
        case .slice(let axis, let start, let end, let step):
            let resolved = try ShapeRules.axis(axis, rank: dimensions.count)
            let count = SliceRange(extent: dimensions[resolved], start: start, end: end, step: step).count
            guard count > 0 else {
                throw ShapeMismatch(message: "the slice \(start):\(end):\(step) of axis \(axis) (extent \(dimensions[resolved])) is empty")
            }
            var result = dimensions
            result[resolved] = count
            return try TensorShape(result)
        case .shuffle(let groupCount):
            guard input.channels % groupCount == 0 else {
                throw ShapeMismatch(message: "groups \(groupCount) must divide the \(input.channels) channels")
            }
            return input
        case .gather(let axis, let index):
            let resolved = try ShapeRules.axis(axis, rank: dimensions.count)
            guard dimensions.count >= 2 else {
                throw ShapeMismatch(message: "gather needs a tensor of rank 2 or more, found \(input)")
            }
            guard index >= -dimensions[resolved] && index < dimensions[resolved] else {
                throw ShapeMismatch(message: "index \(index) is out of range for axis \(axis) of extent \(dimensions[resolved])")
            }
            var result = dimensions
            result.remove(at: resolved)
            return try TensorShape(result)
        case .concat(let axis):
            let resolved = try ShapeRules.axis(axis, rank: dimensions.count)
            var total = 0
            for (position, other) in inputs.enumerated() {
                var expected = dimensions
                expected[resolved] = other.dimensions.count == dimensions.count ? other.dimensions[resolved] : -1
                guard other.dimensions == expected else {
                    throw ShapeMismatch(message: "inputs must agree in every dimension but axis \(axis), but input 0 is \(input) and input \(position) is \(other)")
                }
                total = try Checked.sum(total, other.dimensions[resolved], context: "concatenated extent")
            }
            var result = dimensions
            result[resolved] = total
            return try TensorShape(result)
        case .reduceMean(let axes, let keepsDimensions):
            var reduced = Set<Int>()
            for axis in axes {
                guard reduced.insert(try ShapeRules.axis(axis, rank: dimensions.count)).inserted else {
                    throw ShapeMismatch(message: "axes \(axes) name one axis twice")
                }
            }
            var result: [Int] = []
            for (axis, extent) in dimensions.enumerated() {
                if !reduced.contains(axis) { result.append(extent) } else if keepsDimensions { result.append(1) }
            }
            guard !result.isEmpty else {
                throw ShapeMismatch(message: "reducing every axis of \(input) leaves a scalar; keep_dims or fewer axes")
            }
            return try TensorShape(result)
        }
    }

    /// PyTorch views: flatten and reshape when the input's strides allow; transpose, slice and gather always
    /// (a view that keeps its base's whole storage alive, which `computesInPlace` avoids by copying).
    var stridedLayout: StridedLayout {
        switch function {
        case .flatten, .reshape, .transpose, .slice, .gather: .view
        case .shuffle, .concat, .reduceMean: .contiguous
        }
    }

    func counts(inputs: [TensorShape], output: TensorShape) throws -> OperatorCounts { OperatorCounts() }

    func savedTensors(_ context: BackwardContext) -> [SavedTensor] { [] }

    var jsonAttributes: [(key: String, value: JSONValue)] {
        let integers = { (values: [Int]) in JSONValue.array(values.map(JSONValue.integer)) }
        switch function {
        case .flatten: return []
        case .reshape(let shape): return [(key: "shape", value: integers(shape))]
        case .transpose(let permutation): return [(key: "perm", value: integers(permutation))]
        case .slice(let axis, let start, let end, let step):
            return [(key: "axis", value: .integer(axis)), (key: "start", value: .integer(start)),
                    (key: "end", value: .integer(end)), (key: "step", value: .integer(step))]
        case .shuffle(let groupCount): return [(key: "groups", value: .integer(groupCount))]
        case .gather(let axis, let index): return [(key: "axis", value: .integer(axis)), (key: "index", value: .integer(index))]
        case .concat(let axis): return [(key: "axis", value: .integer(axis))]
        case .reduceMean(let axes, let keepsDimensions):
            return [(key: "axes", value: integers(axes)), (key: "keep_dims", value: .bool(keepsDimensions))]
        }
    }

    /// `input` reshaped to `shape`, whose one -1 takes what the others leave.
    private static func reshaped(_ input: TensorShape, to shape: [Int]) throws -> TensorShape {
        let inferred = shape.indices.filter { shape[$0] == -1 }
        guard inferred.count <= 1, shape.allSatisfy({ $0 == -1 || $0 > 0 }), !shape.isEmpty else {
            throw ShapeMismatch(message: "shape \(shape) must be positive extents with at most one -1")
        }
        let known = try Checked.product(of: shape.filter { $0 != -1 }, context: "reshape")
        var result = shape
        if let position = inferred.first {
            guard input.elementCount % known == 0 else {
                throw ShapeMismatch(message: "\(input) has \(input.elementCount) elements, which \(shape) cannot hold")
            }
            result[position] = input.elementCount / known
        } else if known != input.elementCount {
            throw ShapeMismatch(message: "\(input) has \(input.elementCount) elements but \(shape) has \(known); a reshape keeps the element count")
        }
        return try TensorShape(result)
    }

}

/// Python's `range(extent)[start:end:step]`, whose clamping ONNX's Slice shares: the first index kept and how many
/// are kept, `step` apart. A negative bound counts from the end; a bound out of range is clamped (to `-1`, before the
/// first element, for an end with a negative step); a step of 0 keeps nothing.
public struct SliceRange: Hashable, Sendable {
    /// The first index kept.
    public let first: Int
    /// How many indices are kept.
    public let count: Int
    /// The distance between kept indices (negative: in reverse).
    public let step: Int

    /// The indices of `range(extent)[start:end:step]`.
    public init(extent: Int, start: Int, end: Int, step: Int) {
        let extent = max(extent, 0)
        let lower = step > 0 ? 0 : -1, upper = step > 0 ? extent : extent - 1
        func resolve(_ bound: Int) -> Int {
            if bound < 0 { return bound >= -extent ? bound + extent : lower }
            return min(bound, upper)
        }
        let from = resolve(start), to = resolve(end)
        // Steps past the extent keep at most one index; clamping them keeps the arithmetic in range.
        let stride = min(max(step, -max(extent, 1)), max(extent, 1))
        first = from
        self.step = stride
        if stride > 0 {
            count = to > from ? (to - from - 1) / stride + 1 : 0
        } else if stride < 0 {
            count = from > to ? (from - to - 1) / -stride + 1 : 0
        } else {
            count = 0
        }
    }
}
