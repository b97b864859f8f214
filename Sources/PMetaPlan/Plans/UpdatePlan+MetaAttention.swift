/// Which layers meta attention can attend, and plans whose updates it attends.
extension ShapedGraph {
    /// Whether each layer can carry meta attention (p-Meta Sec. 3.3): every ungrouped convolution (conv2d, conv1d)
    /// and every linear layer except the last weight layer. The paper leaves the output layer without attention;
    /// a grouped convolution (depthwise) has no C_in x C_in channel module to learn. The reference trainer's
    /// `MetaAttention` learns modules for exactly these layers.
    public var attendableLayers: [Bool] {
        let head = layers.lastIndex { $0.operation.isWeightLayer }
        return layers.indices.map { index in
            guard index != head else { return false }
            switch layers[index].operation {
            case .conv2d(let convolution), .conv1d(let convolution): return convolution.groupCount == 1
            case .linear: return true
            default: return false
            }
        }
    }
}

extension UpdatePlan {
    /// Whether any update of the plan is attended.
    public var usesAttention: Bool { steps.contains { $0.layers.contains(where: \.isAttended) } }

    /// The plan with every update of all parameters of an attendable layer attended with `ratios` (its static
    /// channel ratios replaced by attention's choice); other updates unchanged.
    /// - Parameters:
    ///   - ratios: rho_fw and rho_bw.
    ///   - graph: The graph the plan is for.
    public func attending(with ratios: MetaAttentionRatios, on graph: ShapedGraph) -> UpdatePlan {
        let attendable = graph.attendableLayers
        return UpdatePlan(steps: steps.map { step in
            var step = step
            step.layers = step.layers.enumerated().map { index, update in
                update.parameters == .all && attendable[index] ? .attended(ratios) : update
            }
            return step
        })
    }
}
