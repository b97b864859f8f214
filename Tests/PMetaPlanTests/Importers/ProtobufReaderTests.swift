import PMetaPlan
import Testing

/// The wire-format reader on hand-made byte strings (encodings from the protobuf encoding guide, worked by hand).
@Suite struct ProtobufReaderTests {
    /// All fields of `bytes`, or the error.
    static func fields(_ bytes: [UInt8]) -> Result<[ProtobufField], ProtobufError> {
        bytes.withUnsafeBytes { buffer in
            var reader = ProtobufReader(buffer, path: "Test")
            var fields: [ProtobufField] = []
            do throws(ProtobufError) {
                while let field = try reader.next() { fields.append(field) }
                return .success(fields)
            } catch {
                return .failure(error)
            }
        }
    }

    static func varint(_ field: ProtobufField) -> UInt64? {
        if case .varint(let value) = field.value { return value }
        return nil
    }

    @Test func oneByteAndMultiByteVarintsDecode() throws {
        // Field 1 varint 150 is 08 96 01 (150 = 0b1_0010110: 0x96 then 0x01); field 2 varint 1 is 10 01.
        let fields = try Self.fields([0x08, 0x96, 0x01, 0x10, 0x01]).get()
        #expect(fields.map(\.number) == [1, 2])
        #expect(fields.map(Self.varint) == [150, 1])
        #expect(fields.map(\.offset) == [0, 3])
    }

    @Test func tenByteVarintHoldsUInt64Max() throws {
        // 2^64 - 1 is nine 0xFF bytes then 0x01; int64 -1 is written the same way.
        let fields = try Self.fields([0x08] + Array(repeating: 0xFF, count: 9) + [0x01]).get()
        #expect(Self.varint(fields[0]) == UInt64.max)
    }

    @Test func varintBeyondSixtyFourBitsIsAnErrorAtItsLastByte() {
        // The tenth byte may only carry bit 63: 0x02 there would be bit 64.
        let result = Self.fields([0x08] + Array(repeating: 0xFF, count: 9) + [0x02])
        guard case .failure(let error) = result else { Issue.record("expected an error"); return }
        #expect(error.offset == 10)
        #expect(error.message.contains("overflows 64 bits"))
    }

    @Test func truncatedVarintNamesTheOffsetWhereTheInputEnds() {
        let result = Self.fields([0x08, 0x96])
        guard case .failure(let error) = result else { Issue.record("expected an error"); return }
        #expect(error.offset == 2)
        #expect(error.field == "Test")
        #expect(error.description.hasPrefix("byte 2: Test: field 1: the varint that starts at byte 1 is cut off"))
    }

    @Test func lengthPastTheEndIsAnErrorAtTheLength() {
        // Field 3, length 5, but only two bytes follow.
        let result = Self.fields([0x1A, 0x05, 0x61, 0x62])
        guard case .failure(let error) = result else { Issue.record("expected an error"); return }
        #expect(error.offset == 1)
        #expect(error.message.contains("runs past the end"))
    }

    @Test func fixedWidthFieldsReadLittleEndian() throws {
        // Field 4 fixed32 1.0f (0x3F800000), field 5 fixed64 0x0102030405060708.
        let fields = try Self.fields([0x25, 0x00, 0x00, 0x80, 0x3F, 0x29, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01]).get()
        guard case .fixed32(let raw) = fields[0].value, case .fixed64(let wide) = fields[1].value else {
            Issue.record("expected fixed32 then fixed64"); return
        }
        #expect(Float(bitPattern: raw) == 1)
        #expect(wide == 0x0102_0304_0506_0708)
    }

    @Test func truncatedFixed32IsAnError() {
        guard case .failure(let error) = Self.fields([0x25, 0x00, 0x00]) else { Issue.record("expected an error"); return }
        #expect(error.offset == 1)
    }

    @Test func groupsAndUnknownWireTypesAreErrors() {
        guard case .failure(let group) = Self.fields([0x0B]) else { Issue.record("expected an error"); return }
        #expect(group.message.contains("group"))
        guard case .failure(let unknown) = Self.fields([0x0E]) else { Issue.record("expected an error"); return }
        #expect(unknown.message.contains("wire type 6"))
        guard case .failure(let zero) = Self.fields([0x00, 0x01]) else { Issue.record("expected an error"); return }
        #expect(zero.message.contains("field number"))
    }

    @Test func packedAndUnpackedRepeatedIntegersReadAlike() throws {
        // Packed: field 1, length 4, values 3, 270 (8E 02), -1 would need ten bytes so use 86942 (9E A7 05)? Keep it to 3 and 270.
        let packed: [UInt8] = [0x0A, 0x03, 0x03, 0x8E, 0x02]
        let unpacked: [UInt8] = [0x08, 0x03, 0x08, 0x8E, 0x02]
        for bytes in [packed, unpacked] {
            let values: [Int64] = try bytes.withUnsafeBytes { buffer in
                var reader = ProtobufReader(buffer, path: "Test")
                var values: [Int64] = []
                while let field = try reader.next() { try reader.appendInt64s(field, named: "dims", to: &values, limit: 10) }
                return values
            }
            #expect(values == [3, 270])
        }
    }

    @Test func packedFloatsMustBeWholeWords() {
        let bytes: [UInt8] = [0x0A, 0x03, 0x00, 0x00, 0x80]
        let failed = bytes.withUnsafeBytes { buffer -> Bool in
            var reader = ProtobufReader(buffer, path: "Test")
            var values: [Float] = []
            do {
                while let field = try reader.next() { try reader.appendFloats(field, named: "floats", to: &values, limit: 10) }
                return false
            } catch {
                return (error as? ProtobufError)?.message.contains("multiple of 4") == true
            }
        }
        #expect(failed)
    }

    @Test func writerOutputReadsBack() throws {
        var writer = ProtobufWriter()
        writer.integer(1, -1)
        writer.string(2, "conv1")
        writer.packedIntegers(3, [1, 64, 300])
        let fields = try Self.fields(writer.bytes).get()
        #expect(fields.map(\.number) == [1, 2, 3])
        #expect(Self.varint(fields[0]) == UInt64.max)
        // -1 as int64 takes ten bytes, so the string's tag sits at 1 + 10.
        #expect(fields[1].offset == 11)
    }

    @Test func modelWithoutAGraphIsAnError() {
        #expect(throws: ProtobufError.self) { try ONNXModel(bytes: [0x08, 0x08]) }
    }
}
