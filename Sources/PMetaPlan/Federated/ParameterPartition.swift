/// TinyMetaFed's split of a network's parameters: global ones, federated through the server every round, and
/// local ones, reconstructed on each device from its own data and never sent (partial local reconstruction).
///
/// A layer is local or global as a whole (weights, bias, normalization gamma and beta); free parameters
/// (a policy's log-std) are matched by name like layers. Non-trainable buffers (batch-norm running
/// statistics) are never communicated: they stay on the device.
public struct ParameterPartition: Hashable, Sendable {
    /// A contiguous run of global weights: the Top-P indices address the concatenation of these runs.
    public struct Segment: Hashable, Sendable {
        /// The layer's (or free parameter's) name.
        public var name: String
        /// Its weights in the global index space 0..<globalParameterCount (weights first, then bias).
        public var range: Range<Int>
    }

    /// The list the partition came from.
    public var selector: LayerSelector
    /// Whether each layer of the graph is local; false for layers without parameters.
    public var isLocal: [Bool]
    /// Whether each free parameter of the graph is local.
    public var isLocalFreeParameter: [Bool]
    /// The trainable layers (and free parameters) that are local, by name, in graph order.
    public var localNames: [String]
    /// Whether each layer has trainable parameters (and so is either local or global).
    public var hasParameters: [Bool]
    /// The global weights in the order the Top-P indices count them: trainable layers in graph order, then
    /// free parameters.
    public var globalSegments: [Segment]
    /// n, the global weights: sent down every round, Top-P% of them sent up.
    public var globalParameterCount: Int
    /// The local weights: never sent.
    public var localParameterCount: Int

    /// Splits `model`'s parameters by `selector`.
    /// - Throws: `PartitionError` when an entry matches no layer, matches only layers without parameters, or
    ///   when every parameter would be local.
    /// - Complexity: O(layers x entries).
    public init(model: CostModel, local selector: LayerSelector) throws(PartitionError) {
        let graph = model.graph
        let layerNames = graph.layers.map(\.name)
        let freeNames = graph.graph.freeParameters.map(\.name)
        for pattern in selector.patterns {
            let matchedLayers = graph.layers.indices.filter { pattern.matches(layerNames[$0]) }
            let matchedFree = freeNames.filter { pattern.matches($0) }
            if matchedLayers.isEmpty && matchedFree.isEmpty {
                let hint = closestMatch(to: pattern.description, among: layerNames + freeNames).map { " (did you mean '\($0)'?)" } ?? ""
                throw PartitionError(message: "'\(pattern)' matches no layer of \(graph.graph.name)\(hint)")
            }
            if matchedFree.isEmpty && !matchedLayers.contains(where: { model.layerCosts[$0].parameterElements > 0 }) {
                let kinds = Set(matchedLayers.map { graph.layers[$0].operation.kind.rawValue }).sorted().joined(separator: ", ")
                throw PartitionError(message: "'\(pattern)' matches only layers without parameters (\(kinds)); name a conv, linear or normalization layer")
            }
        }
        var isLocal = [Bool](repeating: false, count: graph.layerCount)
        var hasParameters = [Bool](repeating: false, count: graph.layerCount)
        var localNames: [String] = []
        var segments: [Segment] = []
        var global = 0
        var local = 0
        func adding(_ count: Int, to total: Int) throws(PartitionError) -> Int {
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { throw PartitionError(message: "the parameter count does not fit in a 64-bit integer") }
            return sum
        }
        for index in graph.layers.indices {
            let count = model.layerCosts[index].parameterElements
            guard count > 0 else { continue }
            hasParameters[index] = true
            if selector.matches(layerNames[index]) {
                isLocal[index] = true
                localNames.append(layerNames[index])
                local = try adding(count, to: local)
            } else {
                let end = try adding(count, to: global)
                segments.append(Segment(name: layerNames[index], range: global..<end))
                global = end
            }
        }
        var isLocalFree: [Bool] = []
        for parameter in graph.graph.freeParameters {
            let matches = selector.matches(parameter.name)
            isLocalFree.append(matches)
            if matches {
                localNames.append(parameter.name)
                local = try adding(parameter.elementCount, to: local)
            } else {
                let end = try adding(parameter.elementCount, to: global)
                segments.append(Segment(name: parameter.name, range: global..<end))
                global = end
            }
        }
        guard global > 0 else {
            throw PartitionError(message: "'\(selector)' makes every parameter local; nothing would be federated")
        }
        self.selector = selector
        self.isLocal = isLocal
        self.hasParameters = hasParameters
        self.isLocalFreeParameter = isLocalFree
        self.localNames = localNames
        self.globalSegments = segments
        self.globalParameterCount = global
        self.localParameterCount = local
    }

    /// Every trainable parameter, global and local.
    public var parameterCount: Int { globalParameterCount + localParameterCount }

    /// Partial local reconstruction: `innerSteps` steps updating every local layer fully, the global ones frozen.
    /// - Parameter innerSteps: K, at least 1.
    public func reconstructionPlan(innerSteps: Int) -> UpdatePlan {
        plan(updatingLocal: true, innerSteps: innerSteps)
    }

    /// The client's global update: `innerSteps` steps updating every global layer fully, the local ones frozen.
    /// - Parameter innerSteps: At least 1.
    public func globalUpdatePlan(innerSteps: Int = 1) -> UpdatePlan {
        plan(updatingLocal: false, innerSteps: innerSteps)
    }

    private func plan(updatingLocal: Bool, innerSteps: Int) -> UpdatePlan {
        precondition(innerSteps >= 1, "a plan needs at least one inner step")
        // A layer without parameters is neither local nor global: it stays frozen in both plans.
        let updates = isLocal.indices.map { index -> LayerUpdate in
            hasParameters[index] && isLocal[index] == updatingLocal ? .full : .frozen
        }
        let free = isLocalFreeParameter.contains(updatingLocal)
        return UpdatePlan(steps: Array(repeating: StepUpdates(layers: updates, updatesFreeParameters: free), count: innerSteps))
    }
}
