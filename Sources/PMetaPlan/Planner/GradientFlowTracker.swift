/// Which live tensors carry a gradient, as a bit set the planner's dynamic programme can key states by.
///
/// Walking the layers in graph order, the tensors alive between two layers are few (two in a residual
/// network). Whether a layer is on the backward path depends only on whether one of its inputs carries a
/// gradient, so (bits of the live tensors) is all the history the search needs. Under the printed baselines'
/// profile, being on the path is positional (at or after the first update): one bit, "started".
struct GradientFlowTracker: Sendable {
    /// For each layer: the bits (in the live set before it) of its inputs that are layer outputs.
    private var inputMasks: [UInt64]
    /// For each layer: for each bit of the live set after it, the bit it comes from before it (or -1: the layer's output).
    private var transitions: [[Int]]
    /// For each layer: the bits of the live set after it whose gradient reaches every later layer.
    private var pathForcingMasks: [UInt64]
    /// Whether the positional rule is used (printed-baseline profiles, or more than 63 live tensors).
    let isPositional: Bool
    /// For each layer, the tensors (their producers' indices) alive before it, in bit order.
    let liveBefore: [[Int]]
    /// For each layer, the bits of the live set before it whose tensors are still alive after it.
    let survivingBits: [UInt64]

    /// Precomputes the live sets of `graph`.
    init(graph: ShapedGraph, profile: CountingProfile) {
        let count = graph.layerCount
        let lastUse = graph.lastReader
        // Every later layer descends from a tensor t live after layer i when each layer j > i has an input that is
        // t or comes after i (by induction those descend from t). Only the layers all of whose inputs come at or
        // before i can fail that: the layers j with i in latestInput(j)..<j, or every j after i that reads only
        // the graph's input.
        let producers: [[Int]] = graph.layers.map { layer in
            layer.inputs.compactMap { reference in
                if case .layer(let producer) = reference { return producer }
                return nil
            }
        }
        var constraining = [[Int]](repeating: [], count: count)
        var lastGraphInputOnlyLayer = -1
        for index in 0..<count {
            let latestInput = producers[index].max() ?? -1
            if latestInput < 0 { lastGraphInputOnlyLayer = index } else { for before in latestInput..<index { constraining[before].append(index) } }
        }
        var live: [Int] = []
        var inputMasks: [UInt64] = []
        var pathForcingMasks: [UInt64] = []
        var transitions: [[Int]] = []
        var liveBefore: [[Int]] = []
        var survivingBits: [UInt64] = []
        liveBefore.reserveCapacity(count)
        var positional = profile.backwardScope == .fromFirstUpdatedPosition
        for (index, layer) in graph.layers.enumerated() {
            liveBefore.append(live)
            let position = Dictionary(uniqueKeysWithValues: live.enumerated().map { ($1, $0) })
            // Bits past 63 are never read: more than 63 live tensors make the tracker positional.
            inputMasks.append(layer.inputs.reduce(0) { mask, reference in
                guard case .layer(let producer) = reference, let bit = position[producer], bit < 64 else { return mask }
                return mask | 1 << UInt64(bit)
            })
            var next: [Int] = []
            var transition: [Int] = []
            for (bit, tensor) in live.enumerated() where lastUse[tensor] > index {
                next.append(tensor)
                transition.append(bit)
            }
            next.append(index)
            transition.append(-1)
            if next.count > 63 { positional = true }
            var forcing: UInt64 = 0
            if index >= lastGraphInputOnlyLayer && next.count <= 64 {
                for (bit, tensor) in next.enumerated() {
                    let reachesAll = constraining[index].allSatisfy { producers[$0].contains(tensor) }
                    if reachesAll { forcing |= 1 << UInt64(bit) }
                }
            }
            pathForcingMasks.append(forcing)
            transitions.append(transition)
            survivingBits.append(transition.reduce(0) { mask, source in source >= 0 && source < 64 ? mask | 1 << UInt64(source) : mask })
            live = next
        }
        self.inputMasks = inputMasks
        self.pathForcingMasks = pathForcingMasks
        self.transitions = transitions
        self.isPositional = positional
        self.liveBefore = liveBefore
        self.survivingBits = survivingBits
    }

    /// Whether layer `index` receives a gradient from its inputs, given the flags before it.
    func inputCarriesGradient(_ flags: UInt64, layer index: Int) -> Bool {
        if isPositional { return flags != 0 }
        return flags & inputMasks[index] != 0
    }

    /// Whether, with `flags` after layer `index`, every later layer is on the backward path.
    func forcesPathOnLaterLayers(_ flags: UInt64, after index: Int) -> Bool {
        if isPositional { return flags != 0 }
        return flags & pathForcingMasks[index] != 0
    }

    /// The flags after layer `index` of a per-tensor property (a gradient, a buffer kept whole) that the layer's
    /// output has when `outputCarriesGradient`; bits of tensors that die with the layer are dropped.
    func flags(after flags: UInt64, layer index: Int, outputCarriesGradient: Bool) -> UInt64 {
        if isPositional { return flags != 0 || outputCarriesGradient ? 1 : 0 }
        var next: UInt64 = 0
        for (bit, source) in transitions[index].enumerated() {
            let carries = source < 0 ? outputCarriesGradient : flags & (1 << UInt64(source)) != 0
            if carries { next |= 1 << UInt64(bit) }
        }
        return next
    }
}
