/// The trainable tensors of a ``Network``: per layer `[weight, bias]`, `[scale, shift]` or nothing.
///
/// A value: copying the parameters of a meta-trained model to adapt them to one task copies only the
/// tensors the adaptation writes (copy on write), as a device updating its weights in place would.
public struct NetworkParameters: Sendable, Hashable {
    /// Per layer, the tensors in ``NetworkOperation/parameterShapes`` order.
    public var layers: [[Tensor]]

    /// Creates parameters from per-layer tensors.
    public init(layers: [[Tensor]]) {
        self.layers = layers
    }

    /// Every parameter element.
    public var elementCount: Int { layers.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } }

    /// Zeros of the same shapes.
    public func zeros() -> NetworkParameters {
        NetworkParameters(layers: layers.map { $0.map { Tensor(zeros: $0.shape) } })
    }

    /// `self += scale * other`, layer by layer.
    public mutating func add(_ other: NetworkParameters, scaledBy scale: Float) {
        precondition(layers.count == other.layers.count, "NetworkParameters: different layer counts")
        for layer in layers.indices {
            for tensor in layers[layer].indices { layers[layer][tensor].add(other.layers[layer][tensor], scaledBy: scale) }
        }
    }

    /// Σ self ⊙ other over the tensors of one layer, in Double.
    public func dot(_ other: NetworkParameters, layer: Int) -> Double {
        zip(layers[layer], other.layers[layer]).reduce(0) { $0 + $1.0.dot($1.1) }
    }
}
