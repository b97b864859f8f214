/// The names a plan file gives the tensors an update changes, so that a framework applying the plan can find them.
extension Layer {
    /// The layer's trainable tensors by name, in PyTorch's order (a weight then a bias; gamma then beta): the names
    /// the file gives (an ONNX import keeps its initializers' names, `layer3.1.conv2.weight`), else the layer's name
    /// with PyTorch's `.weight` and `.bias` (what a module named like the layer calls them).
    public var trainableTensorNames: [String] {
        if !parameterNames.isEmpty { return parameterNames }
        return tensorRoles.map { "\(name).\($0.rawValue)" }
    }

    /// The names of the tensors `update` changes: all of them, or the bias of a bias-only update (the tensor in the
    /// bias's position; every name when the file's names do not line up with the layer's tensors).
    public func updatedTensorNames(_ update: LayerUpdate) -> [String] {
        switch update.parameters {
        case .none: return []
        case .all: return trainableTensorNames
        case .biasOnly:
            let names = trainableTensorNames
            let roles = tensorRoles
            guard names.count == roles.count, let position = roles.firstIndex(of: .bias) else { return names }
            return [names[position]]
        }
    }

    /// What each trainable tensor of the layer is, in order.
    private var tensorRoles: [TensorRole] {
        switch operation.parameterRole {
        case .none: []
        case .weightLayer: operation.hasBias ? [.weight, .bias] : [.weight]
        case .normalization: [.weight, .bias]
        case .learnedTensor: [.weight]
        }
    }

    private enum TensorRole: String {
        case weight, bias
    }
}
