extension UpdatePlan {
    /// The plan in one line per step, in the spirit of tiny-training's `--manual_weight_idx 21-24-27
    /// --weight_update_ratio 1-0.5-0.25`: `k=1: layers 12-16-17 ratios 1/2-1-1 (block4.conv, block4.gn, head)`; an
    /// attended update reads `att(rho_fw,rho_bw)`.
    public func compactDescription(for graph: ShapedGraph) -> [String] {
        steps.enumerated().map { offset, step in
            let updated = step.layers.indices.filter { step.layers[$0].isUpdated }
            guard !updated.isEmpty else { return "k=\(offset + 1): no update" }
            let indices = updated.map(String.init).joined(separator: "-")
            let ratios = updated.map { index -> String in
                let update = step.layers[index]
                if update.parameters == .biasOnly { return "bias" }
                if let attention = update.attention { return "att(\(attention.forward),\(attention.backward))" }
                return update.inputChannelRatio.description
            }.joined(separator: "-")
            let names = updated.map { graph.layers[$0].name }.joined(separator: ", ")
            return "k=\(offset + 1): layers \(indices) ratios \(ratios) (\(names))"
        }
    }
}
