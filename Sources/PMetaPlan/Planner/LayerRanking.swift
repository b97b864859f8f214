/// MeDyate's LaRa (layer ranking), in this tool's terms: each conv/linear layer's importance per byte of the
/// memory its update costs.
///
/// Importance is sum_k |alpha_l^k| (the importance scores over the inner steps); the memory of a full update
/// is the layer's stored input x_{l-1} for the micro-batch plus its weight-gradient buffer, the two terms
/// that grow with the channels it updates. Layers rank by importance / bytes, best first; layers scoring 0
/// are left out. Normalization layers are not ranked: the dynamic plan leaves them frozen.
public struct LayerRanking: Hashable, Sendable {
    /// One ranked layer.
    public struct Entry: Hashable, Sendable {
        /// The layer's index in the graph.
        public var layer: Int
        /// sum_k |alpha_l^k|.
        public var importance: Double
        /// x_{l-1} with every channel, for the micro-batch.
        public var storedInputBytes: ByteCount
        /// The weight-gradient buffer with every channel.
        public var gradientBufferBytes: ByteCount

        /// The memory of updating the layer fully.
        public var updateBytes: ByteCount { ByteCount(storedInputBytes.bytes + gradientBufferBytes.bytes) }

        /// LaRa's score: importance per byte.
        public var score: Double { importance / Double(max(updateBytes.bytes, 1)) }
    }

    /// The ranked layers, best first (ties: the earlier layer first).
    public var entries: [Entry]

    /// Ranks the conv/linear layers of `problem`.
    /// - Throws: `ArithmeticOverflow` for absurd sizes.
    /// - Complexity: O(layers log layers + K x layers).
    public init(_ problem: PlanningProblem) throws {
        let model = problem.model
        let workload = problem.workload
        var entries: [Entry] = []
        for (index, layer) in model.graph.layers.enumerated() where layer.operation.isWeightLayer {
            let importance = (0..<problem.innerSteps).reduce(0.0) { $0 + problem.importance.scores[$1][index] }
            guard importance > 0 else { continue }
            let saved = model.savedTensors(ofLayerAt: index, update: .full, isOnBackwardPath: true, isOutput: false,
                                           stepUpdatesAnything: true, workload: workload, profile: problem.profile)
                .filter { $0.kind == .input }
            let input = try model.storedBytes(of: saved, workload: workload).forMicroBatch
            let gradient = try Checked.product(try model.gradientBufferElements(ofLayerAt: index, update: .full, profile: problem.profile),
                                               workload.precision.gradientBytes, context: "gradient buffer")
            entries.append(Entry(layer: index, importance: importance, storedInputBytes: ByteCount(input), gradientBufferBytes: ByteCount(gradient)))
        }
        self.entries = entries.sorted { $0.score != $1.score ? $0.score > $1.score : $0.layer < $1.layer }
    }
}
