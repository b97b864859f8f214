/// Store once: a forward buffer that several layers keep whole for the backward pass is one buffer.
///
/// A block input read by a conv and by its 1x1 shortcut, a sigmoid's output that the gate's product keeps as an
/// operand, a token tensor two matmuls keep: each is kept by its first keeper in graph order (the last to run
/// backward, so the buffer lives exactly from there to that keeper's backward pass). Later keepers count no
/// bytes for it, and the layers it stays alive through do not count it again in their working sets. Profiles
/// with `storesKeptBuffersOnce` off count each layer's saved tensors on their own, as the paper does.
extension CostModel {
    /// The elements of forward tensors that earlier layers of the step keep whole, among those alive while a
    /// layer runs: they are in the stored bytes already, so the layer's working set does not count them.
    struct EarlierKeptElements: Hashable, Sendable {
        /// Every such tensor alive while the layer runs (its inputs and tensors later layers read).
        var live = 0
        /// Those of them that die with the layer (it is their last reader): an in-place layer cannot write over them.
        var dying = 0

        /// Nothing kept earlier.
        static let none = EarlierKeptElements()
    }

    /// The forward tensor a saved tensor of layer `index` is when it is kept whole: the index of the layer that
    /// produced it; nil for a copy, for x_0 and for tensors that are not kept whole.
    func keptBuffer(_ tensor: SavedTensor, ofLayerAt index: Int) -> Int? {
        switch tensor.alias {
        case .input(let position):
            if case .layer(let producer) = graph.layers[index].inputs[position] { return producer }
            return nil
        case .output: return index
        case nil: return nil
        }
    }

    /// Marks the tensors in `saved` whose buffer a layer already keeps (`keeper(buffer)`, nil when none) as held
    /// by it, and makes layer `index` the keeper of the others (`keep(buffer)`); a buffer listed twice by the layer
    /// is held by its first entry.
    func markKeptBuffers(_ saved: inout [SavedTensor], ofLayerAt index: Int, keeper: (Int) -> Int?, keep: (Int) -> Void) {
        var keptHere: [Int] = []
        for position in saved.indices {
            guard let buffer = keptBuffer(saved[position], ofLayerAt: index) else { continue }
            if let earlier = keeper(buffer) {
                saved[position].heldBy = earlier
            } else if keptHere.contains(buffer) {
                saved[position].heldBy = index
            } else {
                keptHere.append(buffer)
                keep(buffer)
            }
        }
    }

    /// The same with the keepers of the step so far in `keepers` (-1 when none), which it updates.
    func markKeptBuffers(_ saved: inout [SavedTensor], ofLayerAt index: Int, keepers: inout [Int]) {
        guard saved.contains(where: { $0.alias != nil }) else { return }
        var kept: [Int] = []
        markKeptBuffers(&saved, ofLayerAt: index, keeper: { keepers[$0] >= 0 ? keepers[$0] : nil }, keep: { kept.append($0) })
        for buffer in kept { keepers[buffer] = index }
    }

    /// What the tensors `keptEarlier` (alive before layer `index`, kept whole by earlier layers) take from its
    /// working set: the exact planner's view of `earlierKeptElements(saved:)` for one layer.
    func earlierKeptElements(ofLayerAt index: Int, keptEarlier: [Int], profile: CountingProfile) -> EarlierKeptElements {
        var kept = EarlierKeptElements()
        for buffer in keptEarlier {
            kept.live += storageElements(ofLayerAt: buffer, profile: profile)
            if graph.lastReader[buffer] == index { kept.dying += storageElements(ofLayerAt: buffer, profile: profile) }
        }
        return kept
    }

    /// For each layer, what earlier layers of the step keep whole among the tensors alive while it runs, given
    /// what each layer saves (`heldBy` marked by `markKeptBuffers`).
    /// - Complexity: O(layers + edges).
    func earlierKeptElements(saved: [[SavedTensor]], profile: CountingProfile) -> [EarlierKeptElements] {
        let count = graph.layerCount
        let lastReader = graph.lastReader
        var isKept = [Bool](repeating: false, count: count)
        var result: [EarlierKeptElements] = []
        result.reserveCapacity(count)
        var live = 0
        for index in 0..<count {
            var dying = 0
            var dyingKept: [Int] = []
            for case .layer(let producer) in graph.layers[index].inputs
            where isKept[producer] && lastReader[producer] == index && !dyingKept.contains(producer) {
                dyingKept.append(producer)
                dying += storageElements(ofLayerAt: producer, profile: profile)
            }
            result.append(EarlierKeptElements(live: live, dying: dying))
            for tensor in saved[index] where tensor.heldBy == nil {
                guard let buffer = keptBuffer(tensor, ofLayerAt: index), !isKept[buffer] else { continue }
                isKept[buffer] = true
                if lastReader[buffer] > index { live += storageElements(ofLayerAt: buffer, profile: profile) }
            }
            live -= dying
        }
        return result
    }

    /// The activation elements of layer `index`'s output for one sample: 0 for a learned tensor (model memory).
    func activationElements(ofLayerAt index: Int) -> Int {
        graph.layers[index].operation.producesActivation ? graph.outputShapes[index].elementCount : 0
    }
}
