import Testing
@testable import PMetaPlan

@Suite struct ByteCountParsingTests {
    static let validSizes: [(String, Int)] = [
        ("0B", 0),
        ("256B", 256),
        ("256kB", 256_000),
        ("256KB", 256_000),
        ("256 KB", 256_000),
        ("  64 kB\t", 64_000),
        ("1.5MB", 1_500_000),
        ("2.06MB", 2_060_000),
        ("54.69 MB", 54_690_000),
        ("3GB", 3_000_000_000),
        ("1TB", 1_000_000_000_000),
        ("0.5KiB", 512),
        ("512KiB", 524_288),
        ("512kiB", 524_288),
        ("512KIB", 524_288),
        ("1MiB", 1_048_576),
        ("0.25GiB", 268_435_456),
        ("1TiB", 1_099_511_627_776),
        // 1 B is exactly 1/1024 KiB = 0.0009765625 KiB.
        ("0.0009765625KiB", 1),
        ("1.000000000000000000000000kB", 1_000),
        ("007MB", 7_000_000),
        ("9223372036854775807B", Int.max),
        // Int.max = 9,223,372,036,854,775,807; in kB it needs three fraction digits.
        ("9223372036854775.807kB", Int.max),
    ]

    /// Sizes that are not whole bytes round down, and say what they were: 0.3 x 1,048,576 = 314,572.8 and
    /// 0.3 x 1,024 = 307.2 by hand.
    static let roundedSizes: [(String, Int, String)] = [
        ("0.3MiB", 314_572, "314572.8"),
        ("0.3KiB", 307, "307.2"),
        ("1.0005kB", 1_000, "1000.5"),
        ("1.5B", 1, "1.5"),
    ]

    @Test(arguments: roundedSizes)
    func roundsAFractionOfAByteDownAndSaysSo(text: String, bytes: Int, exact: String) throws {
        let parsed = try ByteCount.parsingRoundingDown(text)
        #expect(parsed.bytes == ByteCount(bytes))
        #expect(parsed.exactBytes == exact)
        #expect(try ByteCount(parsing: text) == ByteCount(bytes))
    }

    @Test(arguments: validSizes)
    func readsExactByteCounts(text: String, bytes: Int) throws {
        #expect(try ByteCount(parsing: text) == ByteCount(bytes))
    }

    static let invalidSizes: [(String, String)] = [
        ("", "the size is empty"),
        ("   ", "the size is empty"),
        ("256", "a size needs a unit (did you mean 256KB or 256B?)"),
        ("1.5", "a size needs a unit (did you mean 1.5KB or 1.5MB?)"),
        ("-5MB", "a size cannot be negative"),
        ("MB", "a size starts with a number"),
        ("+5MB", "a size starts with a number"),
        (".5MB", "write a digit before the decimal point, as in 0.5MB"),
        ("1.MB", "expected a digit after the decimal point"),
        ("1,000KB", "digit separators such as ',' are not accepted; write the digits together"),
        ("1.2mB", "'m' is milli (10^-3), not mega; did you mean 1.2MB?"),
        ("4miB", "'m' is milli (10^-3), not mega; did you mean 4MiB?"),
        ("256b", "'b' would mean bits; sizes are in bytes (did you mean 256B?)"),
        ("256kb", "'kb' would mean bits; sizes are in bytes (did you mean 256kB?)"),
        ("4Mib", "'Mib' would mean bits; sizes are in bytes (did you mean 4MiB?)"),
        ("256KBs", "unknown unit 'KBs' (did you mean 256KB?)"),
        ("256 kilobytes", "unknown unit 'kilobytes' (did you mean 256kB?)"),
        ("2 bytes", "unknown unit 'bytes' (did you mean 2B?)"),
        ("256k", "unknown unit 'k' (did you mean 256kB?)"),
        ("1 Mi", "unknown unit 'Mi' (did you mean 1MiB?)"),
        ("256 PB", "unknown unit 'PB'"),
        ("1.5.3MB", "unknown unit '.3MB'"),
        ("9223372036854775808B", "the size is too large; the most is 9,223,372,036,854,775,807 B"),
        ("10000000TB", "the size is too large; the most is 9,223,372,036,854,775,807 B"),
        ("99999999999999999999999999999999GiB", "the size is too large; the most is 9,223,372,036,854,775,807 B"),
    ]

    @Test(arguments: invalidSizes)
    func refusesWhatIsNotAWholeSize(text: String, problem: String) {
        #expect(throws: SizeSyntaxError(text: text, problem: problem)) {
            try ByteCount(parsing: text)
        }
    }

    @Test func errorMessageShowsTheAcceptedForms() {
        let error = SizeSyntaxError(text: "256", problem: "a size needs a unit (did you mean 256KB or 256B?)")
        #expect(error.description == "invalid size '256': a size needs a unit (did you mean 256KB or 256B?)."
            + " Write a number and a unit, as in 256KB, 1.5 MB or 512KiB"
            + " (B, kB, MB, GB, TB step by 1000; KiB, MiB, GiB, TiB step by 1024).")
    }

    @Test func controlCharactersInTheTextAreEscapedInTheMessage() {
        // Found by the size fuzzer: four NUL bytes before "3/8" printed raw into the message.
        #expect(throws: SizeSyntaxError.self) { try ByteCount(parsing: "\u{0}\u{0}3/8") }
        let error = SizeSyntaxError(text: "5 M\nB\u{7F}", problem: "unknown unit 'M\nB\u{7F}'")
        #expect(error.description.hasPrefix(#"invalid size '5 M\nB\u007f': unknown unit 'M\nB\u007f'. Write"#))
    }

    @Test func readsBackWhatItPrints() throws {
        #expect(try ByteCount(parsing: "2.06 MB") == ByteCount(2_060_000))
        #expect(ByteCount(2_064_416).description == "2.06 MB (2,064,416 B)")
    }
}
