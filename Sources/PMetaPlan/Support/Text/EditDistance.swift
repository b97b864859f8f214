/// The closest of `candidates` to a mistyped `word`, when one is close enough to be a likely typo.
///
/// Uses the optimal string alignment distance (insertions, deletions, substitutions and swaps of two
/// neighbours each cost 1), and accepts a candidate within a third of its length, at least 1.
/// - Complexity: O(k * m * n) for k candidates of length m and a word of length n.
public func closestMatch(to word: String, among candidates: [String]) -> String? {
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(word, candidate)
        let allowed = max(1, candidate.drop { $0 == "-" }.count / 3)
        if distance <= allowed && distance < (best?.distance ?? Int.max) {
            best = (candidate, distance)
        }
    }
    return best?.candidate
}

/// The optimal string alignment distance between two strings.
public func editDistance(_ source: String, _ target: String) -> Int {
    let source = Array(source)
    let target = Array(target)
    if source.isEmpty { return target.count }
    if target.isEmpty { return source.count }
    // Three rows suffice: the current one, the previous one, and the one before for swaps.
    var beforePrevious = [Int](repeating: 0, count: target.count + 1)
    var previous = Array(0...target.count)
    var current = [Int](repeating: 0, count: target.count + 1)
    for row in 1...source.count {
        current[0] = row
        for column in 1...target.count {
            let substitution = source[row - 1] == target[column - 1] ? 0 : 1
            var distance = min(previous[column] + 1, current[column - 1] + 1, previous[column - 1] + substitution)
            if row > 1, column > 1, source[row - 1] == target[column - 2], source[row - 2] == target[column - 1] {
                distance = min(distance, beforePrevious[column - 2] + 1)
            }
            current[column] = distance
        }
        (beforePrevious, previous, current) = (previous, current, beforePrevious)
    }
    return previous[target.count]
}
