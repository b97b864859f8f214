/// Constant propagation: the shape arithmetic exporters emit is computed here, so it leaves no layers.
extension ONNXGraphImport {
    /// Folds `node` when its result is a constant; returns false for a node that computes from the network's input.
    mutating func foldConstantNode(_ node: ONNXNode) throws(DataError) -> Bool {
        switch node.opType {
        case "Constant":
            setOutput(node, 0, .constant(try constantNodeValue(node)))
            return true
        case "Shape":
            let shape: [Int]
            switch try requiredInput(0, of: node) {
            case .constant(let constant): shape = constant.shape
            case .activation(let activation): shape = activation.shape
            }
            let rank = shape.count
            var start = Int(clamping: intAttribute(node, "start") ?? 0)
            var end = Int(clamping: intAttribute(node, "end") ?? Int64(rank))
            if start < 0 { start += rank }
            if end < 0 { end += rank }
            start = min(max(start, 0), rank)
            end = min(max(end, start), rank)
            setOutput(node, 0, .constant(.integers(shape[start..<end].map(Int64.init))))
            return true
        case "Size":
            guard case .activation(let activation) = try requiredInput(0, of: node) else { break }
            guard let count = ShapeMath.product(activation.shape) else { throw failure(node, "the element count overflows") }
            setOutput(node, 0, .constant(.integers([Int64(count)], shape: [])))
            return true
        case "RandomUniformLike", "RandomNormalLike", "Bernoulli":
            // Random numbers of the input's shape (stochastic depth draws one per sample); what uses them decides.
            let shape: [Int]
            switch try requiredInput(0, of: node) {
            case .constant(let constant): shape = constant.shape
            case .activation(let activation): shape = activation.shape
            }
            setOutput(node, 0, .constant(ONNXConstant(shape: shape, elements: .unknown, isRandom: true)))
            return true
        case "RandomUniform", "RandomNormal":
            let shape = try checkedShape(node, intsAttribute(node, "shape") ?? [])
            _ = try checkedCount(node, shape)
            setOutput(node, 0, .constant(ONNXConstant(shape: shape, elements: .unknown, isRandom: true)))
            return true
        default:
            break
        }
        // Every other folded operator needs all its (present) inputs to be constants with known values.
        var constants: [ONNXConstant?] = []
        for position in node.inputs.indices {
            switch try input(position, of: node) {
            case nil: constants.append(nil)
            case .constant(let constant): constants.append(constant)
            case .activation: return false
            }
        }
        guard !constants.isEmpty, let first = constants[0] else { return false }
        guard try foldConstants(node, first, constants) else { return false }
        // What is computed from random numbers is random too.
        if constants.contains(where: { $0?.isRandom == true }) {
            for output in node.outputs {
                if case .constant(var constant)? = values[output] {
                    constant.isRandom = true
                    values[output] = .constant(constant)
                }
            }
        }
        return true
    }

    /// Folds `node`, all of whose present inputs are the constants `constants` (`first` the first of them); returns
    /// false when the operator is not one that folds, or when it must become a layer (a weight used as a tensor).
    private mutating func foldConstants(_ node: ONNXNode, _ first: ONNXConstant, _ constants: [ONNXConstant?]) throws(DataError) -> Bool {
        switch node.opType {
        case "Identity":
            setOutput(node, 0, .constant(first))
        case "Cast":
            let to = intAttribute(node, "to") ?? 1
            let isInteger = [2, 3, 4, 5, 6, 7, 9, 12, 13].contains(to)
            var result = first
            result.initializerName = nil
            if isInteger, let values = first.integers {
                result.elements = .integers(to == 9 ? values.map { $0 != 0 ? 1 : 0 } : values)
            } else if !isInteger, let values = first.reals {
                result.elements = .reals(values)
            } else if case .unknown = first.elements {
                result.elements = .unknown
            } else {
                throw failure(node, "cannot cast these values to type \(to)")
            }
            setOutput(node, 0, .constant(result))
        case "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual":
            guard constants.count == 2, let second = constants[1] else { throw failure(node, "expected two inputs") }
            setOutput(node, 0, .constant(try binary(node, first, second)))
        case "Neg", "Sqrt", "Floor", "Ceil":
            var result = first
            result.initializerName = nil
            switch (node.opType, first.elements) {
            case ("Neg", .integers(let values)): result.elements = .integers(values.map { $0 == Int64.min ? Int64.max : -$0 })
            case (_, .integers) where node.opType == "Floor" || node.opType == "Ceil": break
            case (_, .unknown): break
            default:
                let values = first.reals ?? []
                result.elements = .reals(values.map { value in
                    switch node.opType {
                    case "Neg": -value
                    case "Sqrt": value.squareRoot()
                    case "Floor": value.rounded(.down)
                    default: value.rounded(.up)
                    }
                })
            }
            setOutput(node, 0, .constant(result))
        case "Where":
            guard constants.count == 3, let onTrue = constants[1], let onFalse = constants[2] else { throw failure(node, "expected three inputs") }
            guard let condition = first.integers else { throw failure(node, "expected a computable condition") }
            guard let shape = ShapeMath.broadcast(first.shape, onTrue.shape).flatMap({ ShapeMath.broadcast($0, onFalse.shape) }) else {
                throw failure(node, "the shapes \(first.shape), \(onTrue.shape) and \(onFalse.shape) do not broadcast")
            }
            let count = try checkedCount(node, shape)
            guard count <= ONNXConstant.maximumElements else {
                setOutput(node, 0, .constant(ONNXConstant(shape: shape, elements: .unknown)))
                return true
            }
            let conditionIndex = ShapeMath.broadcastIndices(from: first.shape, to: shape)
            let trueIndex = ShapeMath.broadcastIndices(from: onTrue.shape, to: shape)
            let falseIndex = ShapeMath.broadcastIndices(from: onFalse.shape, to: shape)
            if let a = onTrue.integers, let b = onFalse.integers, case .integers = onTrue.elements {
                setOutput(node, 0, .constant(ONNXConstant(shape: shape, elements: .integers((0..<count).map {
                    condition[conditionIndex[$0]] != 0 ? a[trueIndex[$0]] : b[falseIndex[$0]] }))))
            } else if let a = onTrue.reals, let b = onFalse.reals {
                setOutput(node, 0, .constant(ONNXConstant(shape: shape, elements: .reals((0..<count).map {
                    condition[conditionIndex[$0]] != 0 ? a[trueIndex[$0]] : b[falseIndex[$0]] }))))
            } else {
                setOutput(node, 0, .constant(ONNXConstant(shape: shape, elements: .unknown)))
            }
        case "ConstantOfShape":
            guard let dims = first.integers else { throw failure(node, "expected a computable shape") }
            let shape = try checkedShape(node, dims)
            let count = try checkedCount(node, shape)
            var fill = ONNXConstant(shape: [], elements: .reals([0]))
            if case .tensor(let tensor) = node.attribute("value") {
                fill = try constant(from: tensor, path: "node \(node.index) '\(node.name)'.value")
            }
            switch fill.elements {
            case _ where count > ONNXConstant.maximumElements:
                setOutput(node, 0, .constant(ONNXConstant(shape: shape, elements: .unknown)))
            case .integers(let values) where !values.isEmpty:
                setOutput(node, 0, .constant(ONNXConstant(shape: shape, elements: .integers(Array(repeating: values[0], count: count)))))
            case .reals(let values) where !values.isEmpty:
                setOutput(node, 0, .constant(ONNXConstant(shape: shape, elements: .reals(Array(repeating: values[0], count: count)))))
            default:
                setOutput(node, 0, .constant(ONNXConstant(shape: shape, elements: .unknown)))
            }
        case "Range":
            guard constants.count == 3, let limit = constants[1]?.reals?.first, let delta = constants[2]?.reals?.first,
                  let start = first.reals?.first, delta != 0, start.isFinite, limit.isFinite, delta.isFinite else {
                throw failure(node, "expected computable start, limit and a nonzero delta")
            }
            let count = max(Int(((limit - start) / delta).rounded(.up)), 0)
            guard count <= ONNXConstant.maximumElements else { throw failure(node, "a range of \(count) values is larger than the importer computes") }
            if case .integers = first.elements {
                setOutput(node, 0, .constant(.integers((0..<count).map { Int64(start) + Int64($0) * Int64(delta) })))
            } else {
                setOutput(node, 0, .constant(ONNXConstant(shape: [count], elements: .reals((0..<count).map { start + Double($0) * delta }))))
            }
        case "Expand":
            guard constants.count == 2, let dims = constants[1]?.integers else { throw failure(node, "expected a computable shape") }
            // A weight expanded over the batch (a class token) is not folded: it becomes a parameter layer.
            if first.initializerName != nil { return false }
            guard let shape = ShapeMath.broadcast(first.shape, try checkedShape(node, dims)) else {
                throw failure(node, "cannot expand \(first.shape) to \(dims)")
            }
            let count = try checkedCount(node, shape)
            let sources = count <= ONNXConstant.maximumElements ? ShapeMath.broadcastIndices(from: first.shape, to: shape) : []
            setOutput(node, 0, .constant(first.gathered(shape: shape, count: count) { sources[$0] }))
        case "Reshape":
            if first.initializerName != nil { return false }
            guard constants.count == 2, let dims = constants[1]?.integers else { throw failure(node, "expected a computable shape") }
            let shape = try reshapeTarget(node, input: first.shape, target: dims, allowZero: intAttribute(node, "allowzero") == 1)
            setOutput(node, 0, .constant(first.reshaped(shape)))
        case "Unsqueeze", "Squeeze", "Flatten":
            if first.initializerName != nil { return false }
            let shape = try squeezedShape(node, first.shape, axesInput: constants.count > 1 ? constants[1] : nil)
            setOutput(node, 0, .constant(first.reshaped(shape)))
        case "Concat":
            guard let axisValue = intAttribute(node, "axis") else { throw failure(node, "expected an axis attribute") }
            let parts = constants.compactMap { $0 }
            if parts.contains(where: { $0.initializerName != nil }) { return false }
            let rank = first.shape.count
            let axis = try normalizedAxis(node, axisValue, rank: rank)
            var shape = first.shape
            shape[axis] = 0
            for part in parts {
                guard part.shape.count == rank, part.shape.indices.allSatisfy({ $0 == axis || part.shape[$0] == first.shape[$0] }) else {
                    throw failure(node, "cannot concatenate \(first.shape) and \(part.shape) on axis \(axis)")
                }
                shape[axis] += part.shape[axis]
            }
            let count = try checkedCount(node, shape)
            let outer = shape[..<axis].reduce(1, *)
            if count <= ONNXConstant.maximumElements, parts.allSatisfy({ if case .integers = $0.elements { true } else { false } }) || parts.allSatisfy({ $0.reals != nil }) {
                let isInteger = parts.allSatisfy { if case .integers = $0.elements { true } else { false } }
                var integers: [Int64] = [], reals: [Double] = []
                for block in 0..<outer {
                    for part in parts {
                        let inner = part.shape[axis...].reduce(1, *)
                        let range = block * inner..<(block + 1) * inner
                        if isInteger { integers += part.integers![range] } else { reals += part.reals![range] }
                    }
                }
                setOutput(node, 0, .constant(ONNXConstant(shape: shape, elements: isInteger ? .integers(integers) : .reals(reals))))
            } else {
                setOutput(node, 0, .constant(ONNXConstant(shape: shape, elements: .unknown)))
            }
        case "Gather":
            if first.initializerName != nil, case .unknown = first.elements { return false }
            guard constants.count == 2, let indexConstant = constants[1], let indices = indexConstant.integers else {
                throw failure(node, "expected computable indices")
            }
            let rank = first.shape.count
            guard rank >= 1 else { throw failure(node, "cannot gather from a scalar") }
            let axis = try normalizedAxis(node, intAttribute(node, "axis") ?? 0, rank: rank)
            let extent = first.shape[axis]
            let shape = Array(first.shape[..<axis]) + indexConstant.shape + Array(first.shape[(axis + 1)...])
            let count = try checkedCount(node, shape)
            var positions: [Int] = []
            for index in indices {
                let position = index < 0 ? index + Int64(extent) : index
                guard position >= 0, position < Int64(extent) else { throw failure(node, "index \(index) is outside an axis of \(extent)") }
                positions.append(Int(position))
            }
            // Output element i is (block, index, offset) in row-major order; it reads (block, positions[index], offset).
            let inner = first.shape[(axis + 1)...].reduce(1, *)
            setOutput(node, 0, .constant(first.gathered(shape: shape, count: count) { flat in
                let offset = flat % max(inner, 1), rest = flat / max(inner, 1)
                let block = rest / positions.count, index = rest % positions.count
                return (block * extent + positions[index]) * inner + offset
            }))
        case "Slice":
            // Shape vectors, and the pads exporters compute by reversing a [4, 2] table (F.pad's order to ONNX's).
            if first.initializerName != nil, case .unknown = first.elements { return false }
            var shape = first.shape
            var ranges = shape.map { SliceRange(extent: $0, start: 0, end: $0, step: 1) }
            for (axis, range) in try sliceRanges(node, constants: constants, shape: first.shape) {
                ranges[axis] = range
                shape[axis] = range.count
            }
            let count = try checkedCount(node, shape)
            let sourceStrides = ShapeMath.strides(first.shape), targetStrides = ShapeMath.strides(shape)
            setOutput(node, 0, .constant(first.gathered(shape: shape, count: count) { flat in
                var source = 0
                for axis in shape.indices {
                    let coordinate = flat / targetStrides[axis] % shape[axis]
                    source += (ranges[axis].first + coordinate * ranges[axis].step) * sourceStrides[axis]
                }
                return source
            }))
        case "Transpose":
            let rank = first.shape.count
            let perm = intsAttribute(node, "perm") ?? (0..<Int64(rank)).reversed().map { $0 }
            guard perm.count == rank, Set(perm) == Set(0..<Int64(rank)) else { throw failure(node, "perm \(perm) is not a permutation of \(rank) axes") }
            let axes = perm.map { Int($0) }
            let shape = axes.map { first.shape[$0] }
            let sourceStrides = ShapeMath.strides(first.shape), targetStrides = ShapeMath.strides(shape)
            var result = first.gathered(shape: shape, count: first.count) { flat in
                var source = 0
                for axis in shape.indices { source += flat / targetStrides[axis] % shape[axis] * sourceStrides[axes[axis]] }
                return source
            }
            // A transposed weight (MatMul(x, W^T) in a training-mode export) is still that weight.
            result.initializerName = first.initializerName
            setOutput(node, 0, .constant(result))
        default:
            return false
        }
        return true
    }

    /// The value of a Constant node (`value`, `value_int`, `value_ints`, `value_float`, `value_floats`).
    func constantNodeValue(_ node: ONNXNode) throws(DataError) -> ONNXConstant {
        switch node.attributes.first?.value {
        case .tensor(let tensor):
            var result = try constant(from: tensor, path: "node \(node.index) '\(node.name)'.value")
            result.initializerName = nil
            return result
        case .int(let value): return .integers([value], shape: [])
        case .ints(let values): return .integers(values)
        case .float(let value): return ONNXConstant(shape: [], elements: .reals([Double(value)]))
        case .floats(let values): return ONNXConstant(shape: [values.count], elements: .reals(values.map(Double.init)))
        default: throw failure(node, "expected a value, value_int, value_ints, value_float or value_floats attribute")
        }
    }

    /// An elementwise binary operation on two constants with numpy broadcasting.
    func binary(_ node: ONNXNode, _ left: ONNXConstant, _ right: ONNXConstant) throws(DataError) -> ONNXConstant {
        guard let shape = ShapeMath.broadcast(left.shape, right.shape) else {
            throw failure(node, "the shapes \(left.shape) and \(right.shape) do not broadcast")
        }
        let count = try checkedCount(node, shape)
        guard count <= ONNXConstant.maximumElements else { return ONNXConstant(shape: shape, elements: .unknown) }
        let leftIndex = ShapeMath.broadcastIndices(from: left.shape, to: shape)
        let rightIndex = ShapeMath.broadcastIndices(from: right.shape, to: shape)
        if case .integers(let a) = left.elements, case .integers(let b) = right.elements, node.opType != "Pow" {
            var result: [Int64] = []
            result.reserveCapacity(count)
            for flat in 0..<count {
                let x = a[leftIndex[flat]], y = b[rightIndex[flat]]
                let value: (Int64, Bool)
                switch node.opType {
                case "Add": value = x.addingReportingOverflow(y)
                case "Sub": value = x.subtractingReportingOverflow(y)
                case "Mul": value = x.multipliedReportingOverflow(by: y)
                case "Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual":
                    value = (Self.compares(node.opType, Double(x), Double(y)) ? 1 : 0, false)
                case "Mod":
                    guard y != 0 else { throw failure(node, "integer modulo by zero") }
                    let (remainder, overflow) = x.remainderReportingOverflow(dividingBy: y)
                    // fmod 0 (the default) takes the divisor's sign, as Python's %; fmod 1 the dividend's, as C's.
                    let floored = intAttribute(node, "fmod") != 1 && remainder != 0 && (remainder < 0) != (y < 0)
                    value = overflow ? (0, false) : (floored ? remainder + y : remainder, false)
                default:
                    guard y != 0 else { throw failure(node, "integer division by zero") }
                    value = x.dividedReportingOverflow(by: y)
                }
                // The usual overflow is INT64_MAX (an exporter's "to the end") plus something: saturate.
                result.append(value.1 ? (x > 0 || y > 0 ? Int64.max : Int64.min) : value.0)
            }
            return ONNXConstant(shape: shape, elements: .integers(result))
        }
        guard let a = left.reals, let b = right.reals else { return ONNXConstant(shape: shape, elements: .unknown) }
        var result: [Double] = []
        result.reserveCapacity(count)
        for flat in 0..<count {
            let x = a[leftIndex[flat]], y = b[rightIndex[flat]]
            switch node.opType {
            case "Add": result.append(x + y)
            case "Sub": result.append(x - y)
            case "Mul": result.append(x * y)
            case "Div": result.append(x / y)
            case "Mod":
                let remainder = x.truncatingRemainder(dividingBy: y)
                let floored = intAttribute(node, "fmod") != 1 && remainder != 0 && (remainder < 0) != (y < 0)
                result.append(floored ? remainder + y : remainder)
            case "Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual": result.append(Self.compares(node.opType, x, y) ? 1 : 0)
            default: result.append(Self.power(x, y))
            }
        }
        if ["Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual"].contains(node.opType) {
            return ONNXConstant(shape: shape, elements: .integers(result.map { $0 != 0 ? 1 : 0 }))
        }
        return ONNXConstant(shape: shape, elements: .reals(result))
    }

    /// The comparison `opType` (Equal, Less, LessOrEqual, Greater, GreaterOrEqual) of x and y.
    static func compares(_ opType: String, _ x: Double, _ y: Double) -> Bool {
        switch opType {
        case "Less": x < y
        case "LessOrEqual": x <= y
        case "Greater": x > y
        case "GreaterOrEqual": x >= y
        default: x == y
        }
    }

    /// x^y for the exponents exporters use (integers and halves), without Foundation.
    static func power(_ x: Double, _ y: Double) -> Double {
        if y == 0.5 { return x.squareRoot() }
        if y == -0.5 { return 1 / x.squareRoot() }
        guard y == y.rounded(), abs(y) <= 64 else { return .nan }
        var result = 1.0
        for _ in 0..<Int(abs(y)) { result *= x }
        return y < 0 ? 1 / result : result
    }

    // MARK: - Shape helpers shared with the layer mapping

    /// `axis` counted from the front of a tensor of `rank` axes (negative counts from the end); a scalar has none,
    /// so Concat or Squeeze of a scalar constant is an error, not an index outside its shape.
    func normalizedAxis(_ node: ONNXNode, _ axis: Int64, rank: Int) throws(DataError) -> Int {
        let normalized = axis < 0 ? axis + Int64(rank) : axis
        guard normalized >= 0, normalized < Int64(rank) else {
            throw failure(node, "axis \(axis) is outside a tensor of \(rank) dimensions")
        }
        return Int(normalized)
    }

    /// Dimensions as `Int`s, each from 0 to `ArchitectureLimits.maximumDimension` (or the stand-in batch).
    func checkedShape(_ node: ONNXNode, _ dims: [Int64]) throws(DataError) -> [Int] {
        guard dims.count <= 8 else { throw failure(node, "expected at most 8 dimensions, found \(dims.count)") }
        var shape: [Int] = []
        for dim in dims {
            guard dim >= 0, dim <= Int64(ArchitectureLimits.maximumDimension) || dim == Int64(Self.batch) else {
                throw failure(node, "expected a dimension from 0 to \(ArchitectureLimits.maximumDimension), found \(dim)")
            }
            shape.append(Int(dim))
        }
        return shape
    }

    /// The element count of `shape`, which must not overflow (the stand-in batch counts as its size).
    func checkedCount(_ node: ONNXNode, _ shape: [Int]) throws(DataError) -> Int {
        guard let count = ShapeMath.product(shape), count <= Int(Int32.max) * 1024 * 1024 else {
            throw failure(node, "the shape \(shape) has too many elements")
        }
        return count
    }

    /// Reshape's output shape: `0` copies the input's dimension (unless `allowZero`), one `-1` takes the rest.
    func reshapeTarget(_ node: ONNXNode, input: [Int], target: [Int64], allowZero: Bool) throws(DataError) -> [Int] {
        guard target.count <= 8 else { throw failure(node, "expected at most 8 dimensions, found \(target.count)") }
        let total = try checkedCount(node, input)
        var shape: [Int] = []
        var inferred: Int?
        for (position, dim) in target.enumerated() {
            switch dim {
            case -1:
                guard inferred == nil else { throw failure(node, "the shape \(target) has more than one -1") }
                inferred = position
                shape.append(1)
            case 0 where !allowZero:
                guard position < input.count else { throw failure(node, "the shape \(target) copies dimension \(position) of \(input), which has none") }
                shape.append(input[position])
            default:
                var size = dim
                if let fileBatch, position == 0, size == Int64(fileBatch), input.first == Self.batch { size = Int64(Self.batch) }
                shape.append(try checkedShape(node, [size])[0])
            }
        }
        let known = try checkedCount(node, shape)
        if let inferred {
            guard known > 0, total % known == 0 else { throw failure(node, "cannot reshape \(input) to \(target)") }
            shape[inferred] = total / known
        } else if known != total {
            throw failure(node, "cannot reshape \(input) (\(total) elements) to \(target) (\(known) elements)")
        }
        return shape
    }

    /// The output shape of Unsqueeze, Squeeze or Flatten, with the axes from the input (opset 13+) or the attribute.
    func squeezedShape(_ node: ONNXNode, _ shape: [Int], axesInput: ONNXConstant?) throws(DataError) -> [Int] {
        let axes = axesInput?.integers ?? intsAttribute(node, "axes")
        switch node.opType {
        case "Flatten":
            let axis = try normalizedAxis(node, intAttribute(node, "axis") ?? 1, rank: shape.count + 1)
            return [shape[..<axis].reduce(1, *), shape[axis...].reduce(1, *)]
        case "Unsqueeze":
            guard let axes, !axes.isEmpty else { throw failure(node, "expected the axes to unsqueeze") }
            let rank = shape.count + axes.count
            var inserted: Set<Int> = []
            for axis in axes { inserted.insert(try normalizedAxis(node, axis, rank: rank)) }
            guard inserted.count == axes.count else { throw failure(node, "the axes \(axes) repeat an axis") }
            var remaining = shape[...]
            return (0..<rank).map { inserted.contains($0) ? 1 : remaining.popFirst() ?? 1 }
        default:
            var removed: Set<Int> = []
            if let axes, !axes.isEmpty {
                for axis in axes {
                    let normalized = try normalizedAxis(node, axis, rank: shape.count)
                    guard shape[normalized] == 1 else { throw failure(node, "cannot squeeze axis \(axis) of size \(shape[normalized])") }
                    removed.insert(normalized)
                }
            } else {
                removed = Set(shape.indices.filter { shape[$0] == 1 })
            }
            return shape.indices.filter { !removed.contains($0) }.map { shape[$0] }
        }
    }

    /// Slice's axes (counted from the front) and the indices it keeps on each, from the inputs starts, ends, axes and
    /// steps (opset 10+) or the opset-1 attributes, with ONNX's clamping (Python's: `SliceRange`).
    func sliceRanges(_ node: ONNXNode, constants: [ONNXConstant?], shape: [Int]) throws(DataError) -> [(axis: Int, range: SliceRange)] {
        let starts = constants.count > 1 ? constants[1]?.integers : intsAttribute(node, "starts")
        let ends = constants.count > 2 ? constants[2]?.integers : intsAttribute(node, "ends")
        guard let starts, let ends, starts.count == ends.count else {
            throw failure(node, "expected computable starts and ends, one end per start")
        }
        let axes = (constants.count > 3 ? constants[3]?.integers : intsAttribute(node, "axes")) ?? (0..<Int64(starts.count)).map { $0 }
        let steps = (constants.count > 4 ? constants[4]?.integers : nil) ?? Array(repeating: 1, count: starts.count)
        guard axes.count == starts.count, steps.count == starts.count else {
            throw failure(node, "expected one axis and one step per start, found \(axes.count) axes, \(steps.count) steps and \(starts.count) starts")
        }
        var result: [(axis: Int, range: SliceRange)] = []
        for entry in starts.indices {
            let axis = try normalizedAxis(node, axes[entry], rank: shape.count)
            guard !result.contains(where: { $0.axis == axis }) else { throw failure(node, "axis \(axes[entry]) is sliced twice") }
            guard steps[entry] != 0 else { throw failure(node, "expected a nonzero step, found 0") }
            // Int64 bounds fit Int on the 64-bit platforms this builds for; SliceRange clamps them to the extent.
            result.append((axis, SliceRange(extent: shape[axis], start: Int(starts[entry]), end: Int(ends[entry]), step: Int(steps[entry]))))
        }
        return result
    }
}
