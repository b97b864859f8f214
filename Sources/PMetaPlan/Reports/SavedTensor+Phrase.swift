extension SavedTensor {
    /// What a layer keeps, in words: `mask`, `normalized input and statistics`, `2 operands`.
    static func phrase(for tensors: [SavedTensor]) -> String {
        var kinds: [Kind] = []
        var counts: [Kind: Int] = [:]
        for tensor in tensors {
            if counts[tensor.kind] == nil { kinds.append(tensor.kind) }
            counts[tensor.kind, default: 0] += 1
        }
        return kinds.map { kind in
            let count = counts[kind] ?? 1
            return count == 1 ? kind.rawValue : "\(count) \(kind.rawValue)s"
        }.joined(separator: " and ")
    }
}
