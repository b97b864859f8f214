import Testing
@testable import PMetaPlan

@Suite struct EditDistanceTests {
    static let distances: [(String, String, Int)] = [
        ("", "", 0), ("", "abc", 3), ("budget", "budget", 0),
        ("bugdet", "budget", 1),   // one swap of neighbours
        ("analyse", "analyze", 1), // one substitution
        ("fromat", "format", 1),
        ("kitten", "sitting", 3),  // k->s, e->i, +g
        ("ca", "abc", 3),          // optimal string alignment does not edit a swapped pair again
    ]

    @Test(arguments: distances)
    func countsEdits(source: String, target: String, distance: Int) {
        #expect(editDistance(source, target) == distance)
        #expect(editDistance(target, source) == distance)
    }

    @Test func boundedDistanceAgreesWithTheFullTable() {
        // Seeded random words over a small alphabet (so swaps and repeats are common), every limit from 0 to 6.
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            let source = String((0..<Int.random(in: 0...9, using: &generator)).map { _ in "abc".randomElement(using: &generator)! })
            let target = String((0..<Int.random(in: 0...9, using: &generator)).map { _ in "abc".randomElement(using: &generator)! })
            let full = editDistance(source, target)
            for limit in 0...6 {
                #expect(editDistance(Array(source), Array(target), limit: limit) == (full <= limit ? full : nil), "\(source) / \(target), limit \(limit)")
            }
        }
    }

    @Test func longWordsAreNeverMatched() {
        let long = String(repeating: "a", count: maximumSuggestionLength + 1)
        #expect(closestMatch(to: long, among: [long]) == nil)
        #expect(closestMatch(to: "a", among: [long, "b"]) == "b")
    }

    @Test func suggestsOnlyCloseCandidates() {
        #expect(closestMatch(to: "--bugdet", among: ["--format", "--budget"]) == "--budget")
        #expect(closestMatch(to: "--verbos", among: ["--version", "--verbose"]) == "--verbose")
        #expect(closestMatch(to: "--zzz", among: ["--format", "--budget"]) == nil)
        #expect(closestMatch(to: "x", among: ["plan"]) == nil)
    }
}
