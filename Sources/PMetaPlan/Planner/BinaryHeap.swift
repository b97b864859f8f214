/// A binary min-heap of layer indices under an ordering that may read state the caller changes between
/// operations (an element's key may change only while it is outside the heap).
struct BinaryHeap {
    private var elements: [Int] = []
    private let precedes: (Int, Int) -> Bool

    /// A heap of `elements` ordered by `precedes`, a strict total order.
    /// - Complexity: O(n log n).
    init(_ elements: [Int], by precedes: @escaping (Int, Int) -> Bool) {
        self.precedes = precedes
        for element in elements { insert(element) }
    }

    /// Adds `element`.
    /// - Complexity: O(log n).
    mutating func insert(_ element: Int) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(elements[child], elements[parent]) else { break }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the first element under the ordering, or nil when empty.
    /// - Complexity: O(log n).
    mutating func popFirst() -> Int? {
        guard let last = elements.popLast() else { return nil }
        guard !elements.isEmpty else { return last }
        let first = elements[0]
        elements[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < elements.count, precedes(elements[left], elements[smallest]) { smallest = left }
            if right < elements.count, precedes(elements[right], elements[smallest]) { smallest = right }
            guard smallest != parent else { return first }
            elements.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
