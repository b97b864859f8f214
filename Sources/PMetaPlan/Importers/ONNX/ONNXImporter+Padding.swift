/// Zero padding from a Pad node, held until the Conv or pooling that reads it takes it as its own padding.
struct PendingPadding: Sendable {
    /// The operators that take a pending padding as theirs; Shape reads the padded shape.
    static let readers: Set<String> = ["Conv", "MaxPool", "AveragePool", "Shape", "Pad"]

    /// Padding before each spatial axis (top, left for an image) and after it (bottom, right).
    var begins: [Int]
    var ends: [Int]
    /// The Pad node's name, for errors.
    var nodeName: String
}

/// `Pad` (constant zero padding of the spatial axes, which the next Conv or pooling absorbs).
extension ONNXGraphImport {
    mutating func importPad(_ node: ONNXNode) throws(DataError) {
        let input = try batched(try activationInput(0, of: node), node, ranks: 3...4)
        let mode = stringAttribute(node, "mode") ?? "constant"
        guard mode == "constant" else {
            throw failure(node, "\(mode) padding is not supported; only constant zero padding, which the next Conv or pooling takes as its padding")
        }
        let rank = input.shape.count
        let listed: [Int64]
        if opset >= 11 {
            guard let pads = try constantInput(1, of: node, "the pads")?.integers else { throw failure(node, "expected the pads as input 1") }
            listed = pads
        } else {
            listed = intsAttribute(node, "pads") ?? []
        }
        let fill = try constantInput(2, of: node, "the constant value")?.reals?.first ?? floatAttribute(node, "value") ?? 0
        guard fill == 0 else { throw failure(node, "padding with \(fill) is not supported; only zeros, which the next Conv or pooling holds") }
        // Opset 18's axes input lists the axes the pads are for; otherwise they are for every axis.
        var axes = Array(0..<rank)
        if let listedAxes = try constantInput(3, of: node, "the axes")?.integers {
            axes = []
            for axis in listedAxes { axes.append(try normalizedAxis(node, axis, rank: rank)) }
        }
        guard listed.count == 2 * axes.count, Set(axes).count == axes.count else {
            throw failure(node, "expected \(2 * axes.count) pads (begins then ends), found \(listed.count)")
        }
        var begins = Array(repeating: 0, count: rank), ends = Array(repeating: 0, count: rank)
        for (entry, axis) in axes.enumerated() {
            let before = listed[entry], after = listed[entry + axes.count]
            guard axis >= 2 || before == 0 && after == 0 else {
                throw failure(node, "padding the batch or channel axis is not supported (pads \(listed))")
            }
            begins[axis] = try boundedInt(before, node, "pads (negative pads crop)", 0...ArchitectureLimits.maximumWindow)
            ends[axis] = try boundedInt(after, node, "pads (negative pads crop)", 0...ArchitectureLimits.maximumWindow)
        }
        if begins.allSatisfy({ $0 == 0 }) && ends.allSatisfy({ $0 == 0 }) {
            setOutput(node, 0, .activation(input))
            return
        }
        var padding = input.pendingPadding ?? PendingPadding(begins: Array(repeating: 0, count: rank - 2),
                                                            ends: Array(repeating: 0, count: rank - 2), nodeName: node.name)
        var shape = input.shape
        for axis in 2..<rank {
            padding.begins[axis - 2] += begins[axis]
            padding.ends[axis - 2] += ends[axis]
            shape[axis] += begins[axis] + ends[axis]
        }
        padding.nodeName = node.name
        setOutput(node, 0, .activation(ONNXActivation(reference: input.reference, shape: shape, hasBatchAxis: true, pendingPadding: padding)))
    }

    /// The pads of a window op that reads `input`: its own (computed on the padded extents, as ONNX sees them) plus
    /// the zero padding of a Pad before it, as `[begins..., ends...]`.
    func padsWithPendingPadding(_ own: [Int], of input: ONNXActivation) -> [Int] {
        guard let padding = input.pendingPadding else { return own }
        let spatial = own.count / 2
        return (0..<spatial).map { own[$0] + padding.begins[$0] } + (0..<spatial).map { own[spatial + $0] + padding.ends[$0] }
    }
}
