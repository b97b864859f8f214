/// A value the importer knows before running the network: a weight (shape only) or a small constant (shape and
/// values), such as the shape vectors exporters compute with Shape, Gather and Concat.
struct ONNXConstant: Sendable {
    /// The values of a constant, when known.
    enum Elements: Sendable {
        case integers([Int64])
        case reals([Double])
        /// A weight or a constant too large to read: only its shape is known.
        case unknown
    }

    /// The largest constant whose values are computed (shape vectors have a handful).
    static let maximumElements = 4_096

    /// The shape.
    var shape: [Int]
    /// The values in row-major order.
    var elements: Elements
    /// The initializer it is (a trainable tensor), when it is one.
    var initializerName: String?
    /// Whether it is drawn at random on every run (RandomUniformLike and what is computed from it: the per-sample
    /// keep mask of stochastic depth); its values are never known.
    var isRandom = false

    /// The element count (shapes are checked when made, so the product fits).
    var count: Int { shape.reduce(1, *) }

    /// The values as integers (reals truncated toward zero), when known and finite.
    var integers: [Int64]? {
        switch elements {
        case .integers(let values): return values
        case .reals(let values):
            guard values.allSatisfy({ $0.isFinite && abs($0) < 9.2e18 }) else { return nil }
            return values.map { Int64($0) }
        case .unknown: return nil
        }
    }

    /// The values as doubles, when known.
    var reals: [Double]? {
        switch elements {
        case .integers(let values): return values.map(Double.init)
        case .reals(let values): return values
        case .unknown: return nil
        }
    }

    /// Whether it holds one element (a scalar, or a tensor of ones like `[1, 1]`).
    var isScalar: Bool { count == 1 }

    /// A constant of integers.
    static func integers(_ values: [Int64], shape: [Int]? = nil) -> ONNXConstant {
        ONNXConstant(shape: shape ?? [values.count], elements: .integers(values))
    }

    /// The same values in another shape of the same element count.
    func reshaped(_ newShape: [Int]) -> ONNXConstant {
        var copy = self
        copy.shape = newShape
        copy.initializerName = nil
        return copy
    }

    /// The values at flat positions `source(0)`, `source(1)`, ... in a new shape of `count` elements; unknown when
    /// these values are, or when the result is larger than the importer computes (`maximumElements`), so a hostile
    /// shape costs no time or memory.
    func gathered(shape newShape: [Int], count: Int, source: (Int) -> Int) -> ONNXConstant {
        let elements: Elements
        switch self.elements {
        case .integers(let values) where count <= Self.maximumElements: elements = .integers((0..<count).map { values[source($0)] })
        case .reals(let values) where count <= Self.maximumElements: elements = .reals((0..<count).map { values[source($0)] })
        default: elements = .unknown
        }
        return ONNXConstant(shape: newShape, elements: elements)
    }
}

/// Shape arithmetic with overflow checks: every product of dimensions either fits or is an error.
enum ShapeMath {
    /// The product of `dims`, or nil on overflow or a negative dimension.
    static func product(_ dims: [Int]) -> Int? {
        var result = 1
        for dim in dims {
            guard dim >= 0 else { return nil }
            let (value, overflow) = result.multipliedReportingOverflow(by: dim)
            if overflow { return nil }
            result = value
        }
        return result
    }

    /// Numpy broadcasting of two shapes (right-aligned; each pair equal or one of them 1), or nil.
    static func broadcast(_ left: [Int], _ right: [Int]) -> [Int]? {
        let rank = max(left.count, right.count)
        var result: [Int] = []
        for position in 0..<rank {
            let a = position < rank - left.count ? 1 : left[position - (rank - left.count)]
            let b = position < rank - right.count ? 1 : right[position - (rank - right.count)]
            guard a == b || a == 1 || b == 1 else { return nil }
            result.append(a == 1 ? b : a)
        }
        return result
    }

    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = Array(repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// For each flat position of `target`, the flat position in `source` it reads when `source` is broadcast to it.
    static func broadcastIndices(from source: [Int], to target: [Int]) -> [Int] {
        let count = target.reduce(1, *)
        let offset = target.count - source.count
        let sourceStrides = strides(source)
        let targetStrides = strides(target)
        var result: [Int] = []
        result.reserveCapacity(count)
        for flat in 0..<count {
            var index = 0
            for axis in source.indices {
                let coordinate = (flat / targetStrides[axis + offset]) % target[axis + offset]
                if source[axis] != 1 { index += coordinate * sourceStrides[axis] }
            }
            result.append(index)
        }
        return result
    }
}
