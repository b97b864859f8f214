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

    @Test func suggestsOnlyCloseCandidates() {
        #expect(closestMatch(to: "--bugdet", among: ["--format", "--budget"]) == "--budget")
        #expect(closestMatch(to: "--verbos", among: ["--version", "--verbose"]) == "--verbose")
        #expect(closestMatch(to: "--zzz", among: ["--format", "--budget"]) == nil)
        #expect(closestMatch(to: "x", among: ["plan"]) == nil)
    }
}
