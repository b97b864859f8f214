/// Limits that keep hostile ONNX files from exhausting time or memory.
public enum ONNXLimits {
    /// Nodes of one graph.
    public static let maximumNodes = 200_000
    /// Dimensions of one tensor, and values of one repeated attribute or shape.
    public static let maximumValues = 65_536
    /// Elements of a tensor whose values are read (shape arithmetic and scalars); larger payloads are skipped.
    public static let maximumReadElements = 64
    /// Graphs nested in attributes (If and Loop bodies).
    public static let maximumGraphNesting = 4
}

extension ONNXModel {
    /// Decodes a ModelProto from the bytes of an ONNX file without copying tensor payloads.
    /// - Parameter bytes: The file's bytes (memory-mapped is best); only borrowed for the call.
    /// - Throws: `ProtobufError` with the byte offset and the field for malformed input.
    /// - Complexity: O(n) in the size of the file's graph, O(1) in the size of its tensor payloads.
    public init(bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        try self.init(reader: ProtobufReader(bytes, path: "ModelProto"))
    }

    /// Decodes a ModelProto from a file read page by page: the pages that hold only tensor payloads are never read.
    /// - Throws: `ProtobufError` with the byte offset and the field for malformed input, or a page that cannot be read.
    public init(file: any ProtobufPagedBytes) throws(ProtobufError) {
        try self.init(reader: ProtobufReader(file, path: "ModelProto"))
    }

    private init(reader: ProtobufReader) throws(ProtobufError) {
        var reader = reader
        var sawGraph = false
        while let field = try reader.next() {
            switch field.number {
            case 1: irVersion = try reader.int64(field, named: "ir_version")
            case 2: producerName = try reader.string(field, named: "producer_name")
            case 3: producerVersion = try reader.string(field, named: "producer_version")
            case 7:
                graph = try ONNXGraph(reader.message(field, named: "graph"), nesting: 0)
                sawGraph = true
            case 8:
                var inner = try reader.message(field, named: "opset_import[\(opsetImports.count)]")
                var opset = ONNXOpsetImport(domain: "", version: 0)
                while let member = try inner.next() {
                    switch member.number {
                    case 1: opset.domain = try inner.string(member, named: "domain")
                    case 2: opset.version = try inner.int64(member, named: "version")
                    default: break
                    }
                }
                guard opsetImports.count < ONNXLimits.maximumValues else {
                    throw reader.error(at: field.offset, field: "opset_import", "more than \(ONNXLimits.maximumValues) entries")
                }
                opsetImports.append(opset)
            default: break
            }
        }
        guard sawGraph else {
            throw ProtobufError(offset: 0, field: "ModelProto.graph", message: "the file has no graph (field 7); is it an ONNX model?")
        }
    }

    /// Decodes a ModelProto from an array of bytes.
    /// - Throws: `ProtobufError` for malformed input.
    public init(bytes: [UInt8]) throws(ProtobufError) {
        let result: Result<ONNXModel, ProtobufError> = bytes.withUnsafeBytes { buffer in
            do throws(ProtobufError) { return .success(try ONNXModel(bytes: buffer)) } catch { return .failure(error) }
        }
        self = try result.get()
    }
}

extension ONNXGraph {
    init(_ reader: ProtobufReader, nesting: Int) throws(ProtobufError) {
        var reader = reader
        guard nesting <= ONNXLimits.maximumGraphNesting else {
            throw reader.error(at: reader.position, "graphs are nested more than \(ONNXLimits.maximumGraphNesting) deep")
        }
        while let field = try reader.next() {
            switch field.number {
            case 1:
                guard nodes.count < ONNXLimits.maximumNodes else {
                    throw reader.error(at: field.offset, field: "node", "more than \(ONNXLimits.maximumNodes) nodes")
                }
                var node = try ONNXNode(reader.message(field, named: "node[\(nodes.count)]"), nesting: nesting)
                node.index = nodes.count
                nodes.append(node)
            case 2: name = try reader.string(field, named: "name")
            case 5:
                guard initializers.count < ONNXLimits.maximumNodes else {
                    throw reader.error(at: field.offset, field: "initializer", "more than \(ONNXLimits.maximumNodes) initializers")
                }
                initializers.append(try ONNXTensor(reader.message(field, named: "initializer[\(initializers.count)]")))
            case 11, 12, 13:
                let list = field.number == 11 ? "input" : field.number == 12 ? "output" : "value_info"
                let count = field.number == 11 ? inputs.count : field.number == 12 ? outputs.count : valueInfo.count
                guard count < ONNXLimits.maximumNodes else {
                    throw reader.error(at: field.offset, field: list, "more than \(ONNXLimits.maximumNodes) entries")
                }
                let info = try ONNXValueInfo(reader.message(field, named: "\(list)[\(count)]"))
                switch field.number {
                case 11: inputs.append(info)
                case 12: outputs.append(info)
                default: valueInfo.append(info)
                }
            default: break
            }
        }
    }
}

extension ONNXNode {
    init(_ reader: ProtobufReader, nesting: Int) throws(ProtobufError) {
        var reader = reader
        while let field = try reader.next() {
            switch field.number {
            case 1, 2:
                let isInput = field.number == 1
                guard (isInput ? inputs.count : outputs.count) < ONNXLimits.maximumValues else {
                    throw reader.error(at: field.offset, field: isInput ? "input" : "output", "more than \(ONNXLimits.maximumValues) values")
                }
                let value = try reader.string(field, named: isInput ? "input[\(inputs.count)]" : "output[\(outputs.count)]")
                if isInput { inputs.append(value) } else { outputs.append(value) }
            case 3: name = try reader.string(field, named: "name")
            case 4: opType = try reader.string(field, named: "op_type")
            case 7: domain = try reader.string(field, named: "domain")
            case 5:
                guard attributes.count < ONNXLimits.maximumValues else {
                    throw reader.error(at: field.offset, field: "attribute", "more than \(ONNXLimits.maximumValues) attributes")
                }
                attributes.append(try ONNXAttribute(reader.message(field, named: "attribute[\(attributes.count)]"), nesting: nesting))
            default: break
            }
        }
    }
}

extension ONNXAttribute {
    init(_ reader: ProtobufReader, nesting: Int) throws(ProtobufError) {
        var reader = reader
        var name = ""
        var type: Int64?
        var float: Float?, int: Int64?, string: String?, tensor: ONNXTensor?, graph: ONNXGraph?
        var floats: [Float] = [], ints: [Int64] = [], strings: [String] = [], tensors: [ONNXTensor] = [], graphs: [ONNXGraph] = []
        let limit = ONNXLimits.maximumValues
        while let field = try reader.next() {
            switch field.number {
            case 1: name = try reader.string(field, named: "name")
            case 20: type = try reader.int64(field, named: "type")
            case 2: float = try reader.float(field, named: "f")
            case 3: int = try reader.int64(field, named: "i")
            case 4: string = try reader.string(field, named: "s")
            case 5: tensor = try ONNXTensor(reader.message(field, named: "t"))
            case 6: graph = try ONNXGraph(reader.message(field, named: "g"), nesting: nesting + 1)
            case 7: try reader.appendFloats(field, named: "floats", to: &floats, limit: limit)
            case 8: try reader.appendInt64s(field, named: "ints", to: &ints, limit: limit)
            case 9:
                guard strings.count < limit else { throw reader.error(at: field.offset, field: "strings", "more than \(limit) values") }
                strings.append(try reader.string(field, named: "strings[\(strings.count)]"))
            case 10:
                guard tensors.count < limit else { throw reader.error(at: field.offset, field: "tensors", "more than \(limit) values") }
                tensors.append(try ONNXTensor(reader.message(field, named: "tensors[\(tensors.count)]")))
            case 11:
                guard graphs.count < limit else { throw reader.error(at: field.offset, field: "graphs", "more than \(limit) values") }
                graphs.append(try ONNXGraph(reader.message(field, named: "graphs[\(graphs.count)]"), nesting: nesting + 1))
            default: break
            }
        }
        self.name = name
        // AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, GRAPH 5, FLOATS 6, INTS 7, STRINGS 8, TENSORS 9, GRAPHS 10.
        // IR version 1 files may omit `type`; then the field that is present decides.
        switch type {
        case 1: value = .float(float ?? 0)
        case 2: value = .int(int ?? 0)
        case 3: value = .string(string ?? "")
        case 4: value = .tensor(tensor ?? ONNXTensor())
        case 5: value = .graph(graph ?? ONNXGraph())
        case 6: value = .floats(floats)
        case 7: value = .ints(ints)
        case 8: value = .strings(strings)
        case 9: value = .tensors(tensors)
        case 10: value = .graphs(graphs)
        case .some(let other): value = .other(other)
        case nil:
            if let float { value = .float(float) }
            else if let int { value = .int(int) }
            else if let string { value = .string(string) }
            else if let tensor { value = .tensor(tensor) }
            else if let graph { value = .graph(graph) }
            else if !floats.isEmpty { value = .floats(floats) }
            else if !strings.isEmpty { value = .strings(strings) }
            else if !tensors.isEmpty { value = .tensors(tensors) }
            else if !graphs.isEmpty { value = .graphs(graphs) }
            else { value = .ints(ints) }
        }
    }
}

extension ONNXTensor {
    init(_ reader: ProtobufReader) throws(ProtobufError) {
        var reader = reader
        var rawData: (range: Range<Int>, offset: Int)?
        var integerData: [Int64] = []
        var realData: [Float] = []
        var doubleFields: [ProtobufField] = []
        var dataFieldSeen = false
        var hasManyIntegers = false
        let limit = ONNXLimits.maximumValues
        while let field = try reader.next() {
            switch field.number {
            case 1: try reader.appendInt64s(field, named: "dims", to: &dims, limit: limit)
            case 2: dataType = Int32(truncatingIfNeeded: try reader.int64(field, named: "data_type"))
            case 8: name = try reader.string(field, named: "name")
            case 9: rawData = (try reader.byteRange(field, named: "raw_data"), field.offset)
            case 5, 7:
                // int32_data carries INT32, INT16, INT8, UINT8, UINT16, BOOL and FLOAT16 bits; int64_data INT64.
                // A packed run has at most one value per byte, so its byte count bounds what reading it costs.
                dataFieldSeen = true
                let readLimit = ONNXLimits.maximumReadElements * 10
                if !hasManyIntegers && integerData.count + reader.valueCount(field, elementBytes: 1) <= readLimit {
                    try reader.appendInt64s(field, named: field.number == 5 ? "int32_data" : "int64_data", to: &integerData, limit: readLimit)
                } else {
                    hasManyIntegers = true
                }
            case 4:
                dataFieldSeen = true
                if realData.count + reader.valueCount(field, elementBytes: 4) <= ONNXLimits.maximumReadElements {
                    try reader.appendFloats(field, named: "float_data", to: &realData, limit: ONNXLimits.maximumReadElements)
                }
            case 10:
                dataFieldSeen = true
                doubleFields.append(field)
            case 13:
                var entry = try reader.message(field, named: "external_data")
                var key = "", value = ""
                while let member = try entry.next() {
                    switch member.number {
                    case 1: key = try entry.string(member, named: "key")
                    case 2: value = try entry.string(member, named: "value")
                    default: break
                    }
                }
                if key == "location" { externalLocation = value }
            case 14: isExternal = try reader.int64(field, named: "data_location") == 1
            default: break
            }
        }
        guard let count = elementCount, count <= ONNXLimits.maximumReadElements, !isExternal else { return }
        if let rawData {
            // Read only a payload of the size its dims call for (at most 8 bytes an element); others stay unread.
            if rawData.range.count <= count * 8 { readRaw(try reader.bytes(in: rawData.range), count: count) }
        } else if dataFieldSeen {
            switch dataType {
            case 1:
                if realData.count == count { reals = realData.map(Double.init) }
            case 11:
                var values: [Double] = []
                for field in doubleFields {
                    switch field.value {
                    case .fixed64(let raw): values.append(Double(bitPattern: raw))
                    case .lengthDelimited(let range) where range.count % 8 == 0 && range.count <= count * 8:
                        let bytes = try reader.bytes(in: range)
                        for start in stride(from: 0, to: bytes.count, by: 8) { values.append(Double(bitPattern: Self.littleEndian(bytes[start..<start + 8]))) }
                    default: break
                    }
                    if values.count > count { break }
                }
                if values.count == count { reals = values }
            case 2, 3, 4, 5, 6, 7, 9, 12, 13:
                if !hasManyIntegers && integerData.count == count { integers = integerData }
            default: break
            }
        }
    }

    /// Reads a small raw little-endian payload of a numeric type; other types stay unread.
    private mutating func readRaw(_ bytes: [UInt8], count: Int) {
        let width: Int
        switch dataType {
        case 1, 6, 12: width = 4
        case 7, 11, 13: width = 8
        case 2, 3, 9: width = 1
        case 4, 5: width = 2
        default: return
        }
        guard bytes.count == count * width else { return }
        var integerValues: [Int64] = []
        var realValues: [Double] = []
        for start in stride(from: 0, to: bytes.count, by: width) {
            let raw = Self.littleEndian(bytes[start..<start + width])
            switch dataType {
            case 1: realValues.append(Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw))))
            case 11: realValues.append(Double(bitPattern: raw))
            case 6: integerValues.append(Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: raw))))
            case 3: integerValues.append(Int64(Int8(bitPattern: UInt8(truncatingIfNeeded: raw))))
            case 5: integerValues.append(Int64(Int16(bitPattern: UInt16(truncatingIfNeeded: raw))))
            default: integerValues.append(Int64(bitPattern: raw))
            }
        }
        if dataType == 1 || dataType == 11 { reals = realValues } else { integers = integerValues }
    }

    private static func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for (position, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(position)) }
        return value
    }
}

extension ONNXValueInfo {
    init(_ reader: ProtobufReader) throws(ProtobufError) {
        var reader = reader
        while let field = try reader.next() {
            switch field.number {
            case 1: name = try reader.string(field, named: "name")
            case 2:
                // TypeProto.tensor_type (1): elem_type (1), shape (2) of TensorShapeProto.dim (1): dim_value (1), dim_param (2).
                var type = try reader.message(field, named: "type")
                while let typeField = try type.next() {
                    guard typeField.number == 1 else { continue }
                    var tensor = try type.message(typeField, named: "tensor_type")
                    while let tensorField = try tensor.next() {
                        switch tensorField.number {
                        case 1: elementType = Int32(truncatingIfNeeded: try tensor.int64(tensorField, named: "elem_type"))
                        case 2:
                            var shapeReader = try tensor.message(tensorField, named: "shape")
                            var dimensions: [Dimension] = []
                            while let dimField = try shapeReader.next() {
                                guard dimField.number == 1 else { continue }
                                guard dimensions.count < ONNXLimits.maximumValues else {
                                    throw shapeReader.error(at: dimField.offset, field: "dim", "more than \(ONNXLimits.maximumValues) dimensions")
                                }
                                var dimReader = try shapeReader.message(dimField, named: "dim[\(dimensions.count)]")
                                var dimension = Dimension.unknown
                                while let member = try dimReader.next() {
                                    switch member.number {
                                    case 1: dimension = .value(try dimReader.int64(member, named: "dim_value"))
                                    case 2: dimension = .symbol(try dimReader.string(member, named: "dim_param"))
                                    default: break
                                    }
                                }
                                dimensions.append(dimension)
                            }
                            shape = dimensions
                        default: break
                        }
                    }
                }
            default: break
            }
        }
    }
}
