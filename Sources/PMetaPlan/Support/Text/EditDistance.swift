/// The closest of `candidates` to a mistyped `word`, when one is close enough to be a likely typo.
///
/// Uses the optimal string alignment distance (insertions, deletions, substitutions and swaps of two
/// neighbours each cost 1), and accepts a candidate within a third of its length, at least 1. Words and
/// candidates longer than `maximumSuggestionLength` characters are never matched: a suggestion is for a name
/// a person typed, and a file with 100,000 long layer names must not make one error message take minutes.
/// - Complexity: O(k * n * d) for k candidates, a word of length n and d the distance allowed (at most n / 3).
public func closestMatch(to word: String, among candidates: [String]) -> String? {
    guard word.count <= maximumSuggestionLength else { return nil }
    let word = Array(word)
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let letters = Array(candidate.prefix(maximumSuggestionLength + 1))
        guard letters.count <= maximumSuggestionLength else { continue }
        // Strictly closer than the best so far, and within a third of the candidate's length.
        let allowed = min(max(1, letters.drop { $0 == "-" }.count / 3), (best?.distance ?? Int.max) - 1)
        if let distance = editDistance(word, letters, limit: allowed) {
            best = (candidate, distance)
        }
    }
    return best?.candidate
}

/// The longest word or candidate `closestMatch(to:among:)` compares, in characters.
public let maximumSuggestionLength = 64

/// The optimal string alignment distance between `source` and `target` when it is at most `limit`, else nil.
///
/// Only cells within `limit` of the diagonal can hold a distance of `limit` or less, so only those are computed,
/// and the computation stops as soon as a whole row exceeds `limit` (rows never get smaller).
/// - Complexity: O(min(m, n) * limit) for strings of lengths m and n.
func editDistance(_ source: [Character], _ target: [Character], limit: Int) -> Int? {
    guard limit >= 0, abs(source.count - target.count) <= limit else { return nil }
    if source.isEmpty || target.isEmpty { return max(source.count, target.count) }
    let beyond = limit + 1
    var beforePrevious = [Int](repeating: beyond, count: target.count + 1)
    var previous = [Int](repeating: beyond, count: target.count + 1)
    for column in 0...min(target.count, limit) { previous[column] = column }
    var current = [Int](repeating: beyond, count: target.count + 1)
    for row in 1...source.count {
        let low = max(1, row - limit)
        let high = min(target.count, row + limit)
        // Cells just outside the band are read by this row and the next; the rows are reused, so reset them.
        current[0] = row <= limit ? row : beyond
        if low > 1 { current[low - 1] = beyond }
        if high < target.count { current[high + 1] = beyond }
        var rowMinimum = current[0]
        for column in low...high {
            let substitution = source[row - 1] == target[column - 1] ? 0 : 1
            var distance = min(previous[column] + 1, current[column - 1] + 1, previous[column - 1] + substitution)
            if row > 1, column > 1, source[row - 1] == target[column - 2], source[row - 2] == target[column - 1] {
                distance = min(distance, beforePrevious[column - 2] + 1)
            }
            current[column] = min(distance, beyond)
            rowMinimum = min(rowMinimum, current[column])
        }
        if rowMinimum > limit { return nil }
        (beforePrevious, previous, current) = (previous, current, beforePrevious)
    }
    return previous[target.count] <= limit ? previous[target.count] : nil
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
