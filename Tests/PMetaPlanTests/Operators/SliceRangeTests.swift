import PMetaPlan
import Testing

/// `SliceRange` against what Python prints for `range(extent)[start:end:step]` (ONNX's Slice clamps the same way).
@Suite struct SliceRangeTests {
    struct Case: Sendable, CustomStringConvertible {
        var extent: Int, start: Int, end: Int, step: Int
        /// Python's `range(extent)[start:end:step][0]` and `len(...)`.
        var first: Int?, count: Int
        var description: String { "range(\(extent))[\(start):\(end):\(step)]" }
    }

    /// Printed by `python3 -c "r = range(n)[a:b:c]; print(r[0] if len(r) else None, len(r))"` for each case
    /// (Python 3.11.7); `end` 8 stands for Python's omitted end where the case is `[-3::1]`.
    static let cases = [
        Case(extent: 8, start: 0, end: 8, step: 1, first: 0, count: 8),
        Case(extent: 8, start: -1, end: -9, step: -1, first: 7, count: 8),
        Case(extent: 8, start: 6, end: -9, step: -2, first: 6, count: 4),
        Case(extent: 8, start: 7, end: 0, step: -1, first: 7, count: 7),
        Case(extent: 8, start: 100, end: -100, step: -3, first: 7, count: 3),
        Case(extent: 8, start: -100, end: 100, step: 3, first: 0, count: 3),
        Case(extent: 8, start: 3, end: 3, step: 1, first: nil, count: 0),
        Case(extent: 8, start: 5, end: 2, step: 1, first: nil, count: 0),
        Case(extent: 8, start: 2, end: 5, step: -1, first: nil, count: 0),
        Case(extent: 0, start: 0, end: 5, step: 1, first: nil, count: 0),
        Case(extent: 0, start: -1, end: -9, step: -1, first: nil, count: 0),
        Case(extent: 3, start: 2, end: -4, step: -1, first: 2, count: 3),
        Case(extent: 8, start: -3, end: 8, step: 1, first: 5, count: 3),
        Case(extent: 8, start: 1, end: 8, step: 100, first: 1, count: 1),
        Case(extent: 8, start: 7, end: -9, step: -100, first: 7, count: 1),
        Case(extent: 5, start: -6, end: -7, step: -1, first: nil, count: 0),
        Case(extent: 5, start: 4, end: -6, step: -2, first: 4, count: 3),
    ]

    @Test(arguments: cases)
    func matchesPython(_ sample: Case) {
        let range = SliceRange(extent: sample.extent, start: sample.start, end: sample.end, step: sample.step)
        #expect(range.count == sample.count)
        if let first = sample.first { #expect(range.first == first) }
    }

    @Test func exporterSentinelsClampWithoutOverflow() {
        // ONNX exporters write INT64_MAX for "to the end" and INT64_MIN + 1 for "to the beginning" in reverse.
        #expect(SliceRange(extent: 8, start: -1, end: Int.min + 1, step: -1) == SliceRange(extent: 8, start: 7, end: -9, step: -1))
        #expect(SliceRange(extent: 8, start: 0, end: Int.max, step: Int.max).count == 1)
        #expect(SliceRange(extent: 8, start: Int.max, end: Int.min, step: Int.min).count == 1)
    }
}
