import PMetaPlan

/// The weights file (`weights.bin`): a small documented binary format, little-endian throughout.
///
/// ```
/// 8 bytes   "PMWEIGHT"
/// UInt32    format version, 1
/// UInt32    layer count L (the architecture's layers, parameterless ones included)
/// L times:  UInt32 tensor count T (0 for layers without parameters; weight then bias, or γ then β)
///           T times: UInt32 rank R, R x UInt32 extents, then the elements as Float32 in row-major order
/// ```
extension NetworkParameters {
    /// The magic bytes that open a weights file.
    public static let weightsFileMagic = Array("PMWEIGHT".utf8)

    /// The parameters as a weights file.
    public func encodedWeightsFile() -> [UInt8] {
        var bytes = Self.weightsFileMagic
        func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append(1)
        append(UInt32(layers.count))
        for tensors in layers {
            append(UInt32(tensors.count))
            for tensor in tensors {
                append(UInt32(tensor.shape.count))
                for extent in tensor.shape { append(UInt32(extent)) }
                bytes.reserveCapacity(bytes.count + 4 * tensor.count)
                for value in tensor.values { append(value.bitPattern) }
            }
        }
        return bytes
    }

    /// Decodes a weights file for `network`.
    /// - Throws: `DataError` naming the place: a wrong magic or version, a truncated file, a tensor whose
    ///   shape is not the architecture's, or an element that is NaN or infinite.
    public init(weightsFile bytes: [UInt8], for network: Network) throws(DataError) {
        try self.init(weightsFile: bytes, expectedShapes: network.operations.map(\.parameterShapes), network: network)
    }

    /// Decodes a weights file whose layer `l` must hold tensors of `expectedShapes[l]` (the same format serves
    /// meta attention's modules).
    /// - Throws: `DataError` naming the place.
    public init(weightsFile bytes: [UInt8], expectedShapes: [[[Int]]], network: Network) throws(DataError) {
        var offset = 0
        func read(_ what: String) throws(DataError) -> UInt32 {
            guard offset + 4 <= bytes.count else {
                throw DataError(path: "byte \(offset)", message: "the file ends where \(what) was expected")
            }
            let value = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
            offset += 4
            return value
        }
        guard bytes.count >= 8, Array(bytes[0..<8]) == Self.weightsFileMagic else {
            throw DataError(path: "byte 0", message: "expected the magic \"PMWEIGHT\" of a weights file")
        }
        offset = 8
        let version = try read("the format version")
        guard version == 1 else { throw DataError(path: "byte 8", message: "unsupported weights format \(version); this pmeta-plan reads 1") }
        let layerCount = Int(try read("the layer count"))
        guard layerCount == expectedShapes.count else {
            throw DataError(path: "layers", message: "the file has \(layerCount) layers, the architecture '\(network.graph.graph.name)' has \(network.layerCount)")
        }
        var layers: [[Tensor]] = []
        for (index, expected) in expectedShapes.enumerated() {
            let name = network.graph.layers[index].name
            let count = Int(try read("the tensor count of layer \(index)"))
            guard count == expected.count else {
                throw DataError(path: "layers[\(index)]", message: "'\(name)' has \(expected.count) parameter tensors, the file \(count)")
            }
            var tensors: [Tensor] = []
            for position in 0..<count {
                let rank = Int(try read("a rank"))
                guard rank <= 8 else { throw DataError(path: "layers[\(index)][\(position)]", message: "rank \(rank) is not a weight's") }
                var shape: [Int] = []
                for _ in 0..<rank { shape.append(Int(try read("an extent"))) }
                guard shape == expected[position] else {
                    throw DataError(path: "layers[\(index)][\(position)]",
                                    message: "'\(name)' expects shape \(expected[position]), the file has \(shape)")
                }
                let elementCount = Tensor.elementCount(of: shape)
                guard offset + 4 * elementCount <= bytes.count else {
                    throw DataError(path: "layers[\(index)][\(position)]", message: "the file ends inside the tensor")
                }
                var values = [Float](repeating: 0, count: elementCount)
                for element in 0..<elementCount {
                    let elementOffset = offset
                    values[element] = Float(bitPattern: try read("an element"))
                    // A weight that is not a finite number poisons every output; it is what a diverged run leaves.
                    guard values[element].isFinite else {
                        throw DataError(path: "layers[\(index)][\(position)]",
                                        message: "'\(name)' element \(element) (byte \(elementOffset)) is \(values[element]), expected a finite number (was the model meta-trained with a step size that diverged?)")
                    }
                }
                tensors.append(Tensor(shape: shape, values: values))
            }
            layers.append(tensors)
        }
        guard offset == bytes.count else {
            throw DataError(path: "byte \(offset)", message: "\(bytes.count - offset) bytes follow the last tensor")
        }
        self.init(layers: layers)
    }
}
