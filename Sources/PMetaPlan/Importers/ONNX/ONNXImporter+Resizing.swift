/// `Resize` and the older `Upsample`: enlarging an image by whole factors, nearest or (bi)linear.
extension ONNXGraphImport {
    mutating func importResize(_ node: ONNXNode) throws(DataError) {
        let input = try batched(try activationInput(0, of: node), node, ranks: 4...4)
        let mode = stringAttribute(node, "mode") ?? "nearest"
        let upsamplingMode: Upsampling.Mode
        switch mode {
        case "nearest": upsamplingMode = .nearest
        case "linear", "bilinear": upsamplingMode = .bilinear
        default: throw failure(node, "\(mode) resizing is not supported; only nearest and linear (the format's upsample, nearest or bilinear)")
        }
        let rank = input.shape.count
        // Opset 18's axes list the axes the scales or sizes are for; otherwise they are for every axis.
        var axes = Array(0..<rank)
        if let listed = intsAttribute(node, "axes") {
            axes = []
            for axis in listed { axes.append(try normalizedAxis(node, axis, rank: rank)) }
        }
        var factors = Array(repeating: 1.0, count: rank)
        if node.opType == "Upsample" {
            // Opset 9 takes the scales as input 1, opset 7 as an attribute.
            let scales = try constantInput(1, of: node, "the scales")?.reals ?? floatsAttribute(node, "scales")
            guard let scales, scales.count == rank else { throw failure(node, "expected \(rank) scales") }
            factors = scales
        } else if let scales = try constantInput(2, of: node, "the scales")?.reals, !scales.isEmpty {
            guard scales.count == axes.count else { throw failure(node, "expected \(axes.count) scales, found \(scales.count)") }
            for (entry, axis) in axes.enumerated() { factors[axis] = scales[entry] }
        } else if let sizes = try constantInput(3, of: node, "the sizes")?.integers {
            guard sizes.count == axes.count else { throw failure(node, "expected \(axes.count) sizes, found \(sizes.count)") }
            for (entry, axis) in axes.enumerated() where axis >= 1 {
                factors[axis] = Double(sizes[entry]) / Double(input.shape[axis])
            }
        } else {
            throw failure(node, "expected constant scales (input 2) or sizes (input 3)")
        }
        guard factors[0] == 1, factors[1] == 1 else {
            throw failure(node, "resizing the batch or channel axis (scales \(factors)) is not supported")
        }
        var scale: [Int] = []
        for axis in 2..<rank {
            let factor = factors[axis]
            guard factor.isFinite, factor >= 1, factor == factor.rounded(), factor <= Double(ArchitectureLimits.maximumWindow) else {
                throw failure(node, "resizing by \(factor) is not supported; the format's upsample takes whole factors of at least 1")
            }
            scale.append(Int(factor))
        }
        if scale == [1, 1] {
            setOutput(node, 0, .activation(input))
            return
        }
        var shape = input.shape
        shape[2] *= scale[0]
        shape[3] *= scale[1]
        _ = try sampleShapeJSON(node, Array(shape.dropFirst()))
        setOutput(node, 0, .activation(addLayer(node, [("op", "upsample"), ("scale", Self.compact(scale)), ("mode", .string(upsamplingMode.rawValue))],
                                                inputs: [input], shape: shape)))
    }
}
