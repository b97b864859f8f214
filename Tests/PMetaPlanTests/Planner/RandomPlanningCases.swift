import PMetaPlan

/// Small random networks (chains, residual and squeeze-excite blocks) for checking the planner against brute force.
enum RandomPlanningCases {
    /// A random architecture document with at most `maximumTrainable` trainable layers.
    static func architecture(using generator: inout SeededGenerator, maximumTrainable: Int = 5) -> String {
        var layers: [String] = []
        var channels = Int.random(in: 1...3, using: &generator)
        var side = Int.random(in: 4...8, using: &generator)
        let input = "[\(channels), \(side), \(side)]"
        var trainable = 0
        var blockNumber = 0
        while trainable < maximumTrainable - 1 {
            let out = Int.random(in: 2...5, using: &generator)
            let kernel = Bool.random(using: &generator) ? 3 : 1
            if Int.random(in: 0..<3, using: &generator) == 0 && trainable + 2 <= maximumTrainable - 1 {
                // A squeeze-excite residual block: the activation's input or output kept whole, the gate's output
                // kept by the sigmoid and by the product, a learned per-channel bias, sums sharing g(y).
                blockNumber += 1
                let activation = Bool.random(using: &generator) ? "hard_swish" : "sigmoid"
                layers.append(#"{"repeat": 1, "name": "se\#(blockNumber)_", "layers": [{"name": "c", "op": "conv2d", "out_channels": \#(channels), "kernel": \#(kernel), "padding": \#(kernel / 2)}, {"name": "a", "op": "\#(activation)"}, {"name": "p", "op": "reduce_mean", "axes": [1, 2]}, {"name": "g", "op": "sigmoid"}, {"name": "s", "op": "mul", "inputs": ["a", "g"]}, {"name": "b", "op": "parameter", "shape": [\#(channels), 1, 1]}, {"name": "r", "op": "add", "inputs": ["s", "b"]}, {"op": "add", "inputs": ["$in", "r"]}]}"#)
                trainable += 2
                continue
            }
            if Bool.random(using: &generator) && trainable + 2 <= maximumTrainable - 1 && out == channels {
                blockNumber += 1
                layers.append(#"{"repeat": 1, "name": "res\#(blockNumber)_", "layers": [{"name": "c", "op": "conv2d", "out_channels": \#(out), "kernel": \#(kernel), "padding": \#(kernel / 2)}, {"op": "relu"}, {"name": "n", "op": "group_norm", "groups": 1}, {"op": "add", "inputs": ["$in", "n"]}]}"#)
                trainable += 2
            } else {
                layers.append(#"{"op": "conv2d", "out_channels": \#(out), "kernel": \#(kernel), "padding": \#(kernel / 2), "bias": \#(Bool.random(using: &generator))}"#)
                trainable += 1
                if trainable < maximumTrainable - 1 && Bool.random(using: &generator) {
                    layers.append(#"{"op": "group_norm", "groups": 1}"#)
                    trainable += 1
                }
                layers.append(Bool.random(using: &generator) ? #"{"op": "relu"}"# : #"{"op": "leaky_relu"}"#)
            }
            channels = out
            if side >= 4 && Bool.random(using: &generator) {
                layers.append(#"{"op": "max_pool", "kernel": 2}"#)
                side /= 2
            }
        }
        layers.append(Bool.random(using: &generator) ? #"{"op": "flatten"}"# : #"{"op": "global_avg_pool"}"#)
        layers.append(#"{"op": "linear", "out_features": 2}"#)
        return #"{"format": 1, "name": "random", "input": {"shape": \#(input), "element_bytes": 4}, "layers": [\#(layers.joined(separator: ", "))]}"#
    }

    /// A random network with what autograd frameworks record differently: batch norm, ReLU6 / hard-swish /
    /// dropout, max or average pooling, a squeeze-excite gate (a broadcast product), and sometimes a one-block
    /// attention on tokens (reshapes and transposes that are views, strided matrix-product operands, a class-token
    /// gather that keeps every token).
    static func autogradArchitecture(using generator: inout SeededGenerator) -> String {
        var layers: [String] = []
        let channels = Int.random(in: 2...4, using: &generator)
        let side = Int.random(in: 2...4, using: &generator) * 2
        layers.append(#"{"op": "conv2d", "out_channels": \#(channels), "kernel": 3, "padding": 1, "bias": \#(Bool.random(using: &generator))}"#)
        if Bool.random(using: &generator) { layers.append(#"{"op": "batch_norm"}"#) }
        layers.append([#"{"op": "relu"}"#, #"{"op": "hard_swish"}"#, #"{"op": "relu6"}"#, #"{"op": "dropout", "p": 0.5}"#].randomElement(using: &generator)!)
        var tokens = side * side
        if Bool.random(using: &generator) {
            layers.append(Bool.random(using: &generator) ? #"{"op": "max_pool", "kernel": 2}"# : #"{"op": "avg_pool", "kernel": 2}"#)
            tokens /= 4
        }
        if Bool.random(using: &generator) {
            // Squeeze-excite with a broadcast product.
            layers.append(#"{"repeat": 1, "name": "se", "layers": [{"name": "p", "op": "reduce_mean", "axes": [1, 2]}, {"name": "g", "op": "sigmoid"}, {"op": "mul", "inputs": ["$in", "g"]}]}"#)
        }
        if Bool.random(using: &generator) {
            let heads = channels % 2 == 0 ? 2 : 1
            let width = channels / heads
            layers.append(#"{"op": "reshape", "shape": [\#(channels), \#(tokens)]}"#)
            layers.append(#"{"name": "t", "op": "transpose", "perm": [1, 0]}"#)
            layers.append(#"{"repeat": 1, "name": "att", "layers": [{"name": "ln", "op": "layer_norm"}, {"name": "q", "op": "linear", "out_features": \#(channels)}, {"name": "k", "op": "linear", "inputs": ["ln"], "out_features": \#(channels)}, {"name": "qs", "op": "reshape", "inputs": ["q"], "shape": [\#(tokens), \#(heads), \#(width)]}, {"name": "qh", "op": "transpose", "perm": [1, 0, 2]}, {"name": "qq", "op": "scale", "factor": 0.5}, {"name": "ks", "op": "reshape", "inputs": ["k"], "shape": [\#(tokens), \#(heads), \#(width)]}, {"name": "kt", "op": "transpose", "perm": [1, 2, 0]}, {"name": "s", "op": "matmul", "inputs": ["qq", "kt"]}, {"name": "a", "op": "softmax", "axis": -1}, {"name": "vs", "op": "reshape", "inputs": ["ln"], "shape": [\#(tokens), \#(heads), \#(width)]}, {"name": "vh", "op": "transpose", "perm": [1, 0, 2]}, {"name": "c", "op": "matmul", "inputs": ["a", "vh"]}, {"name": "ct", "op": "transpose", "perm": [1, 0, 2]}, {"name": "cm", "op": "reshape", "shape": [\#(tokens), \#(channels)]}, {"op": "add", "inputs": ["$in", "cm"]}]}"#)
            layers.append(#"{"op": "gather", "axis": 0, "index": 0}"#)
        } else {
            layers.append(Bool.random(using: &generator) ? #"{"op": "flatten"}"# : #"{"op": "global_avg_pool"}"#)
        }
        layers.append(#"{"op": "linear", "out_features": 2}"#)
        return #"{"format": 1, "name": "random", "input": {"shape": [\#(Int.random(in: 1...2, using: &generator)), \#(side), \#(side)], "element_bytes": 4}, "layers": [\#(layers.joined(separator: ", "))]}"#
    }

    /// A random workload: batched with or without accumulation, or streamed.
    static func workload(using generator: inout SeededGenerator) -> Workload {
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: return Workload(samplesPerStep: 4, microBatch: Int.random(in: 1...2, using: &generator))
        case 1: return Workload(samplesPerStep: 2, microBatch: 2)
        default: return Workload(samplesPerStep: 6, microBatch: 3, propagation: .streamed)
        }
    }

    /// `workload` on a microcontroller: 1-byte activations with 2- or 4-byte gradients, or 2-byte activations
    /// with 4-byte gradients; an optimizer with 0, 1 or 2 state elements; updated weights copied to SRAM or not.
    static func moveToDevice(_ workload: inout Workload, using generator: inout SeededGenerator) {
        let precisions = [(1, 2), (1, 4), (2, 4)]
        let (activation, gradient) = precisions[Int.random(in: 0..<precisions.count, using: &generator)]
        workload.precision = Precision(weightBytes: 1, activationBytes: activation, gradientBytes: gradient, biasBytes: 4)
        workload.updateState = UpdateState(optimizer: Optimizer.allCases.randomElement(using: &generator)!,
                                           copiesUpdatedWeights: Bool.random(using: &generator))
    }

    /// The best value of step 0 by enumerating every combination of options, with the cost model as judge.
    static func bruteForceBestValue(_ problem: PlanningProblem) throws -> Double? {
        let graph = problem.model.graph
        // With meta attention, every conv2d (the random graphs have no groups) is attended; the head never is.
        let head = graph.layers.lastIndex { $0.operation.isWeightLayer }
        let options: [[LayerUpdate]] = graph.layers.indices.map { index in
            let layer = graph.layers[index]
            guard layer.operation.isTrainable else { return [.frozen] }
            if let attention = problem.attention, layer.operation.kind == .conv2d, index != head { return [.frozen, .attended(attention)] }
            if layer.operation.isWeightLayer { return [.frozen] + problem.ratios.map { LayerUpdate(parameters: .all, inputChannelRatio: $0) } }
            return [.frozen, .full]
        }
        var best: Double?
        var choice = [Int](repeating: 0, count: options.count)
        while true {
            let updates = zip(options, choice).map { $0[$1] }
            if updates.contains(where: \.isUpdated) {
                let plan = UpdatePlan(steps: [StepUpdates(layers: updates)])
                let cost = try problem.model.adaptation(of: plan, workload: problem.workload, profile: problem.profile)
                if cost.peak <= problem.budget {
                    let value = problem.value(of: plan)
                    if value > (best ?? 0) { best = value }
                }
            }
            var position = 0
            while position < choice.count {
                choice[position] += 1
                if choice[position] < options[position].count { break }
                choice[position] = 0
                position += 1
            }
            if position == choice.count { return best }
        }
    }
}
