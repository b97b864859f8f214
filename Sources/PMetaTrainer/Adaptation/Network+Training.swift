import PMetaPlan

/// What one adaptation step did: its loss and the ledger of its memory.
public struct AdaptationStepReport: Sendable {
    /// The mean support loss over the step's micro-batches, before the update.
    public var loss: Float
    /// Every buffer the step held, its peak and the per-layer spans.
    public var meter: MemoryMeter
}

extension Network {
    /// The network output for `inputs`, keeping nothing for a backward pass.
    /// - Parameters:
    ///   - inputs: `[N] + x_0`.
    ///   - parameters: The weights.
    ///   - kernels: The conv2d kernels.
    /// - Returns: `[N] + x_L`.
    public func predict(_ inputs: Tensor, parameters: NetworkParameters, kernels: KernelChoice = .im2col) -> Tensor {
        var pass = Backpropagation(network: self, scope: .nothing(of: self), kernels: kernels, parameters: parameters)
        pass.forward(inputs)
        return pass.takeOutput()
    }

    /// The gradients of the batch's mean loss for the parameters `scope` updates, in one pass.
    /// - Parameters:
    ///   - batch: The samples and targets.
    ///   - parameters: The weights.
    ///   - scope: Which layers (and channels) get gradients.
    ///   - kernels: The conv2d kernels.
    /// - Returns: The mean loss, per layer the gradient (`nil` for layers the scope does not update), and the
    ///   network output.
    public func gradients(for batch: Batch, parameters: NetworkParameters, scope: StepScope,
                          kernels: KernelChoice = .im2col) -> (loss: Float, gradients: [LayerGradient?], output: Tensor) {
        var pass = Backpropagation(network: self, scope: scope, kernels: kernels, parameters: parameters)
        pass.keepsOutput = true
        pass.forward(batch.inputs)
        let loss = pass.lossAndBackward(targets: batch.targets, gradientScale: 1)
        return (loss, pass.accumulators, pass.keptOutput!)
    }

    /// `gradients(for:parameters:scope:kernels:)` that also returns each weight layer's batch-averaged input and
    /// output-gradient channel means, from which meta attention scores the gradient (meta-training).
    func gradientsAndChannelMeans(for batch: Batch, parameters: NetworkParameters, scope: StepScope, kernels: KernelChoice,
                                  recordsChannelMeans: Bool)
        -> (loss: Float, gradients: [LayerGradient?], inputMeans: [[Float]?], outputGradientMeans: [[Float]?])
    {
        var pass = Backpropagation(network: self, scope: scope, kernels: kernels, parameters: parameters)
        pass.recordsChannelMeans = recordsChannelMeans
        pass.forward(batch.inputs)
        let loss = pass.lossAndBackward(targets: batch.targets, gradientScale: 1)
        return (loss, pass.accumulators, pass.inputMeans, pass.outputGradientMeans)
    }

    /// One inner step of on-device adaptation: w_l ← w_l − α_l^k·g(w_l) for the layers `updates` selects,
    /// with the gradient of the mean support loss accumulated over micro-batches (p-Meta Sec. 3.5.1).
    ///
    /// The step keeps only what the plan needs (`StepScope`) and records every buffer it holds. With one
    /// micro-batch each layer's gradient is applied as soon as its backward pass ends; with several, all
    /// accumulators live through the step and are applied at its end.
    /// - Parameters:
    ///   - parameters: The weights, updated in place.
    ///   - updates: The plan's step: alpha-hat and the channel ratios per layer.
    ///   - stepSizes: α_l^k per layer (ignored where the step does not update).
    ///   - support: The support set.
    ///   - microBatchSize: Samples per forward/backward pass.
    ///   - kernels: The conv2d kernels (`.scratchFree` for a measurement the cost model can be held to).
    /// - Returns: The support loss and the memory ledger; a step that updates nothing computes nothing.
    ///   - attention: Meta attention (Sec. 3.3.2): attended layers keep the input channels it selects and take
    ///     its weighted gradient.
    public func adaptationStep(_ parameters: inout NetworkParameters, updates: StepUpdates, stepSizes: [Float], support: Batch,
                               microBatchSize: Int, kernels: KernelChoice = .scratchFree,
                               attention: MetaAttention? = nil) -> AdaptationStepReport {
        precondition(stepSizes.count == layerCount, "adaptationStep: one step size per layer")
        // Attention chooses the channels of the layers it attends, as the cost model counts them.
        let updates = attention.map { UpdatePlan(steps: [updates]).attending(with: $0.clipRatios, on: graph).steps[0] } ?? updates
        let scope = StepScope(network: self, step: updates)
        guard scope.updatesAnything else { return AdaptationStepReport(loss: .nan, meter: MemoryMeter()) }
        let microBatches = support.microBatches(of: microBatchSize)
        var pass = Backpropagation(network: self, scope: scope, kernels: kernels, parameters: parameters)
        pass.attention = attention
        parameters = NetworkParameters(layers: [])
        if microBatches.count > 1 {
            pass.allocateAllAccumulators()
        } else {
            pass.immediateStepSizes = stepSizes
        }
        var totalLoss = 0.0
        for batch in microBatches {
            pass.forward(batch.inputs)
            let share = Float(batch.count) / Float(support.count)
            totalLoss += Double(pass.lossAndBackward(targets: batch.targets, gradientScale: share)) * Double(share)
        }
        if microBatches.count > 1 {
            pass.meter.enter(.update, layer: -1)
            pass.applyAccumulators(stepSizes: stepSizes)
        }
        precondition(pass.meter.isEmpty, "adaptationStep: a buffer outlived the step")
        parameters = pass.parameters
        return AdaptationStepReport(loss: Float(totalLoss), meter: pass.meter)
    }
}

