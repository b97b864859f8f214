/// Which layers receive a gradient in one inner step (Eq. (16)'s masks, p-Meta Sec. 3.2.2): an updated layer
/// and everything downstream of one. Nothing upstream of every updated layer is back-propagated.
///
/// The one statement of the rule: the cost model, the exact planner (through `outputCarriesGradient`) and the
/// trainer's step scope all read it.
public struct GradientFlow: Hashable, Sendable {
    /// Whether the layer's output carries a gradient: it is updated, or one of its inputs carries one.
    public let outputCarriesGradient: [Bool]
    /// Whether one of the layer's inputs carries a gradient (so the layer computes g of its inputs).
    public let inputCarriesGradient: [Bool]

    /// The flow of a step in which `isUpdated(index)` says which layers update parameters.
    /// - Complexity: O(layers + edges).
    public init(graph: ArchitectureGraph, isUpdated: (Int) -> Bool) {
        var outputs = [Bool](repeating: false, count: graph.layers.count)
        var inputs = [Bool](repeating: false, count: graph.layers.count)
        for (index, layer) in graph.layers.enumerated() {
            let flows = layer.inputs.contains { reference in
                if case .layer(let producer) = reference { return outputs[producer] }
                return false
            }
            inputs[index] = flows
            outputs[index] = Self.outputCarriesGradient(inputCarries: flows, isUpdated: layer.operation.isTrainable && isUpdated(index))
        }
        outputCarriesGradient = outputs
        inputCarriesGradient = inputs
    }

    /// The flow of `step`: a layer without parameters is never updated.
    public init(graph: ArchitectureGraph, step: StepUpdates) {
        self.init(graph: graph) { step.layers[$0].isUpdated }
    }

    /// The rule for one layer: its output carries a gradient when an input does or it updates its parameters.
    @inline(__always)
    public static func outputCarriesGradient(inputCarries: Bool, isUpdated: Bool) -> Bool {
        inputCarries || isUpdated
    }
}
