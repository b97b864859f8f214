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
        case "Add", "Sub", "Mul", "Div", "Pow", "Equal":
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
            _ = try checkedCount(node, shape)
            setOutput(node, 0, .constant(first.gathered(ShapeMath.broadcastIndices(from: first.shape, to: shape), shape: shape)))
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
            if parts.allSatisfy({ if case .integers = $0.elements { true } else { false } }) || parts.allSatisfy({ $0.reals != nil }) {
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
                _ = count
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
            _ = try checkedCount(node, shape)
            let outer = first.shape[..<axis].reduce(1, *)
            let inner = first.shape[(axis + 1)...].reduce(1, *)
            var sources: [Int] = []
            for block in 0..<outer {
                for index in indices {
                    let position = index < 0 ? index + Int64(extent) : index
                    guard position >= 0, position < Int64(extent) else { throw failure(node, "index \(index) is outside an axis of \(extent)") }
                    for offset in 0..<inner { sources.append((block * extent + Int(position)) * inner + offset) }
                }
            }
            setOutput(node, 0, .constant(first.gathered(sources, shape: shape)))
        case "Slice":
            guard first.shape.count == 1 else {
                if first.initializerName != nil { return false }
                throw failure(node, "slicing a constant of rank \(first.shape.count) is not supported (only shape vectors)")
            }
            let (start, end, step) = try sliceBounds(node, constants: constants, axisExtent: first.shape[0], rank: 1, axis: 0)
            var sources: [Int] = []
            var position = start
            while step > 0 ? position < end : position > end {
                sources.append(position)
                position += step
            }
            setOutput(node, 0, .constant(first.gathered(sources, shape: [sources.count])))
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
                case "Equal": value = (x == y ? 1 : 0, false)
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
            case "Equal": result.append(x == y ? 1 : 0)
            default: result.append(Self.power(x, y))
            }
        }
        if node.opType == "Equal" { return ONNXConstant(shape: shape, elements: .integers(result.map { $0 != 0 ? 1 : 0 })) }
        return ONNXConstant(shape: shape, elements: .reals(result))
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

    /// `axis` counted from the front of a tensor of `rank` axes (negative counts from the end).
    func normalizedAxis(_ node: ONNXNode, _ axis: Int64, rank: Int) throws(DataError) -> Int {
        let normalized = axis < 0 ? axis + Int64(rank) : axis
        guard normalized >= 0, normalized < Int64(max(rank, 1)) else {
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

    /// Slice's clamped start, end and step on `axis` (inputs starts, ends, axes, steps, or the opset-1 attributes).
    func sliceBounds(_ node: ONNXNode, constants: [ONNXConstant?], axisExtent: Int, rank: Int, axis: Int,
                     entry: Int = 0) throws(DataError) -> (Int, Int, Int) {
        let starts = constants.count > 1 ? constants[1]?.integers : intsAttribute(node, "starts")
        let ends = constants.count > 2 ? constants[2]?.integers : intsAttribute(node, "ends")
        let steps = constants.count > 4 ? constants[4]?.integers : nil
        guard let starts, let ends, entry < starts.count, entry < ends.count else {
            throw failure(node, "expected computable starts and ends")
        }
        let step = steps.map { entry < $0.count ? $0[entry] : 1 } ?? 1
        guard step > 0 else { throw failure(node, "expected a positive step, found \(step)") }
        let extent = Int64(axisExtent)
        func clamp(_ value: Int64) -> Int {
            let shifted = value < 0 ? (value < -extent ? 0 : value + extent) : value
            return Int(min(max(shifted, 0), extent))
        }
        return (clamp(starts[entry]), clamp(ends[entry]), Int(min(step, Int64(Int32.max))))
    }
}
