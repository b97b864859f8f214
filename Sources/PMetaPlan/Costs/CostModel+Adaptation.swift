extension CostModel {
    /// The memory over time and MACs of adapting with `plan` (Eqs. (16)-(18), evaluated layer by layer).
    ///
    /// For each inner step: the tensors each layer stores for the backward pass (Eq. (17)'s
    /// alpha-hat mu_fw m(x_{l-1}) for conv/linear layers, normalized inputs, 1-bit masks, pool indices, the
    /// output), the working set of each layer, and the weight-gradient buffers. While layer i runs, in the
    /// forward or the backward pass, what layers <= i stored is alive (later layers' tensors are freed as the
    /// backward pass walks down), so the step's peak is max_i (stored by layers <= i + working set of i) plus
    /// the gradient buffers.
    /// - Parameters:
    ///   - plan: The updates of each inner step; each step must have one entry per layer.
    ///   - workload: Samples, micro-batch, propagation and precision.
    ///   - profile: The counting conventions (`.physical` by default).
    ///   - layerDetail: Which steps keep their per-layer lists (every step by default).
    /// - Throws: `ArithmeticOverflow` when a figure does not fit in 64 bits.
    /// - Complexity: O(K x (layers + edges)) time; a step that repeats the one before it (as every step of the
    ///   built-in methods does) is compared, not recomputed, and shares its per-layer lists, so K steps of a
    ///   100,000-layer graph take the memory of one.
    public func adaptation(of plan: UpdatePlan, workload: Workload, profile: CountingProfile = .physical,
                           layerDetail: LayerDetail = .everyStep) throws -> AdaptationCost {
        precondition(!plan.steps.isEmpty, "a plan needs at least one inner step")
        var steps: [StepCost] = []
        steps.reserveCapacity(plan.steps.count)
        var totalMACs = 0
        let chargesCarriedState = workload.updateState.elementsPerUpdatedElement > 0 && plan.steps.count > 1
        var heldBefore = chargesCarriedState ? [Int](repeating: 0, count: graph.layerCount + 1) : []
        // The last step computed, before carried state is charged; the last step that updates nothing, whose lists
        // later empty steps share; the step with the largest peak so far (the first of equals, as `peakStep`).
        var computed: StepCost?
        var nothing: StepCost?
        var peakIndex = 0
        for (index, step) in plan.steps.enumerated() {
            precondition(step.layers.count == graph.layerCount, "a plan step needs one entry per layer")
            var cost: StepCost
            if index > 0, let computed, step == plan.steps[index - 1] {
                cost = computed
            } else {
                cost = try stepCost(step, index: index, workload: workload, profile: profile)
                if cost.firstUpdatedLayer == nil {
                    if let nothing { cost = nothing } else { nothing = cost }
                }
                computed = cost
            }
            cost.stepIndex = index
            totalMACs = try Checked.sum(totalMACs, cost.macs.macs, context: "adaptation MACs")
            if chargesCarriedState { try chargeCarriedUpdateState(to: &cost, of: step, heldBefore: &heldBefore, workload: workload, profile: profile) }
            if layerDetail == .peakStepOnly, index > 0 {
                if cost.peak.total > steps[peakIndex].peak.total {
                    steps[peakIndex].dropLayerDetail()
                    peakIndex = index
                } else {
                    cost.dropLayerDetail()
                }
            }
            steps.append(cost)
        }
        return AdaptationCost(steps: steps, macs: MACCount(totalMACs))
    }

    /// Which steps of an `AdaptationCost` keep their per-layer lists (saved tensors, stored bytes, gradient
    /// buffers, backward MACs, the timeline).
    public enum LayerDetail: Sendable {
        /// Every step: what validating a plan step by step needs.
        case everyStep
        /// Only the step with the largest peak (`AdaptationCost.peakStep`), which is all a report shows: the other
        /// steps keep their figures and empty lists, so costing K different steps holds one step's lists, not K.
        case peakStepOnly
    }

    /// Charges step `step` the update state that earlier steps left behind: an element updated in an earlier step
    /// keeps its optimizer state and working copy through every later step, whether or not that step updates it
    /// again, so the step holds, per layer, the most any step before it held beyond what it holds itself.
    /// `heldBefore` is, per layer, the most the steps before held; the step's own holdings are added to it.
    private func chargeCarriedUpdateState(to cost: inout StepCost, of step: StepUpdates, heldBefore: inout [Int], workload: Workload,
                                          profile: CountingProfile) throws {
        let own = try updateStateBytesByLayer(step, workload: workload, profile: profile)
        var carried = 0
        for slot in heldBefore.indices where heldBefore[slot] > own[slot] {
            carried = try Checked.sum(carried, heldBefore[slot] - own[slot], context: "optimizer state")
        }
        for slot in heldBefore.indices { heldBefore[slot] = max(heldBefore[slot], own[slot]) }
        guard carried > 0 else { return }
        cost.peak.updateStateBytes = ByteCount(try Checked.sum(cost.peak.updateStateBytes.bytes, carried, context: "optimizer state"))
        for event in cost.timeline.indices {
            cost.timeline[event].liveBytes = ByteCount(try Checked.sum(cost.timeline[event].liveBytes.bytes, carried, context: "adaptation peak"))
        }
    }

    private func stepCost(_ step: StepUpdates, index stepIndex: Int, workload: Workload, profile: CountingProfile) throws -> StepCost {
        let path = StepPath(graph: graph, step: step, profile: profile)
        guard path.updatesAnything else { return .nothing(stepIndex: stepIndex, layerCount: graph.layerCount) }
        let accounts = try layerAccounts(step, path: path, workload: workload, profile: profile)
        let buffers = try gradientBufferSchedule(step, gradientBytes: accounts.gradientBytes, workload: workload, profile: profile)
        let memory = try memoryOverTime(step, path: path, accounts: accounts, buffers: buffers, workload: workload, profile: profile)
        let (equation17, equation16) = try equationFigures(accounts: accounts, buffers: buffers, workload: workload)
        let samples = workload.samplesPerStep
        let scaled = { (macs: Int, name: String) throws -> MACCount in
            MACCount(try Checked.product(macs, samples, context: name))
        }
        // Meta attention's modules run once per pass, not per sample.
        let perPass = { (macs: Int, passes: Int, name: String) throws -> Int in try Checked.product(macs, passes, context: name) }
        let forward = MACCount(try Checked.sum(try scaled(accounts.forwardMACs, "forward MACs").macs,
                                               try perPass(accounts.attentionForwardMACsPerPass, workload.forwardPassesPerStep, "forward MACs"),
                                               context: "forward MACs"))
        let inputGradient = try scaled(accounts.inputGradientMACs, "input-gradient MACs")
        let weightGradient = MACCount(try Checked.sum(try scaled(accounts.weightGradientMACs, "weight-gradient MACs").macs,
                                                      try perPass(accounts.attentionBackwardMACsPerPass, workload.backwardPassesPerStep,
                                                                  "weight-gradient MACs"),
                                                      context: "weight-gradient MACs"))
        return StepCost(
            stepIndex: stepIndex, firstUpdatedLayer: path.firstUpdated, savedTensors: accounts.saved, storedBytes: accounts.storedForBatch,
            gradientBufferBytesPerLayer: accounts.gradientBytes, gradientBufferBytes: ByteCount(memory.peakBuffers),
            peak: memory.peak, computesInputGradient: accounts.computesInputGradient, backwardMACsPerSample: accounts.backwardMACsPerSample,
            forwardMACs: forward, inputGradientMACs: inputGradient, weightGradientMACs: weightGradient,
            timeline: memory.timeline, equation17Bytes: ByteCount(equation17), equation16Bytes: ByteCount(equation16),
            macs: MACCount(try Checked.sum(forward.macs, inputGradient.macs, weightGradient.macs, context: "step MACs")))
    }

    /// What each layer stores, buffers and computes in a step, for one sample (stored bytes also for the micro-batch).
    private struct LayerAccounts {
        var saved: [[SavedTensor]] = []
        var storedPerSample: [Int] = []
        var storedForBatch: [Int] = []
        /// Weight-gradient bytes per layer; free parameters separately.
        var gradientBytes: [Int] = []
        var freeParameterGradientBytes = 0
        var computesInputGradient: [Bool] = []
        var backwardMACsPerSample: [Int] = []
        var forwardMACs = 0
        var inputGradientMACs = 0
        var weightGradientMACs = 0
        /// What the updates hold besides their gradients through the step (`Workload.updateState`), free parameters included.
        var updateStateBytes = 0
        /// Meta attention: the MACs of its modules and weighted accumulation, per pass.
        var attentionForwardMACsPerPass = 0
        var attentionBackwardMACsPerPass = 0
    }

    private func layerAccounts(_ step: StepUpdates, path: StepPath, workload: Workload, profile: CountingProfile) throws -> LayerAccounts {
        let count = graph.layerCount
        var accounts = LayerAccounts()
        accounts.saved.reserveCapacity(count)
        accounts.storedPerSample.reserveCapacity(count)
        accounts.storedForBatch.reserveCapacity(count)
        accounts.gradientBytes.reserveCapacity(count)
        accounts.computesInputGradient.reserveCapacity(count)
        accounts.backwardMACsPerSample.reserveCapacity(count)
        var keepers = profile.storesKeptBuffersOnce ? [Int](repeating: -1, count: count) : []
        for index in 0..<count {
            let update = profile.realized(path.update(ofLayerAt: index, in: step, graph: graph))
            var tensors = savedTensors(ofLayerAt: index, update: update, isOnBackwardPath: path.isOnBackwardPath(index),
                                       isOutput: index == count - 1, stepUpdatesAnything: true, workload: workload, profile: profile)
            if profile.storesKeptBuffersOnce { markKeptBuffers(&tensors, ofLayerAt: index, keepers: &keepers) }
            accounts.saved.append(tensors)
            let (perSample, forBatch) = try storedBytes(of: tensors, workload: workload)
            accounts.storedPerSample.append(perSample)
            accounts.storedForBatch.append(forBatch)
            let cost = layerCosts[index]
            accounts.forwardMACs = try Checked.sum(accounts.forwardMACs, cost.forwardMACs, context: "forward MACs")
            var backward = 0
            let computesInput = path.computesInputGradient(index, cost: cost)
            if computesInput {
                accounts.inputGradientMACs = try Checked.sum(accounts.inputGradientMACs, cost.inputGradientMACs, context: "input-gradient MACs")
                backward = cost.inputGradientMACs
            }
            accounts.computesInputGradient.append(computesInput)
            accounts.gradientBytes.append(try Checked.product(try gradientBufferElements(ofLayerAt: index, update: update, profile: profile),
                                                              workload.precision.gradientBytes, context: "gradient buffer"))
            let weightMACs = try weightGradientMACsPerSample(ofLayerAt: index, update: update, profile: profile)
            accounts.updateStateBytes = try Checked.sum(accounts.updateStateBytes,
                                                        try updateStateBytes(ofLayerAt: index, update: update, workload: workload, profile: profile),
                                                        context: "optimizer state")
            if let attention = try attentionMACs(ofLayerAt: index, update: update, profile: profile) {
                accounts.forwardMACs = try Checked.sum(accounts.forwardMACs, attention.forwardPerSample, context: "forward MACs")
                accounts.attentionForwardMACsPerPass = try Checked.sum(accounts.attentionForwardMACsPerPass, attention.forwardPerPass,
                                                                       context: "forward MACs")
                accounts.attentionBackwardMACsPerPass = try Checked.sum(accounts.attentionBackwardMACsPerPass, attention.backwardPerPass,
                                                                        context: "weight-gradient MACs")
            }
            accounts.weightGradientMACs = try Checked.sum(accounts.weightGradientMACs, weightMACs, context: "weight-gradient MACs")
            accounts.backwardMACsPerSample.append(try Checked.sum(backward, weightMACs, context: "backward MACs"))
        }
        if step.updatesFreeParameters {
            accounts.updateStateBytes = try Checked.sum(accounts.updateStateBytes, try freeParameterUpdateStateBytes(workload: workload),
                                                        context: "optimizer state")
        }
        return accounts
    }

    /// The weight-gradient buffers alive in the forward pass and while each layer's backward pass runs.
    private struct GradientBufferSchedule {
        var forward: Int
        var backward: [Int]
    }

    private func gradientBufferSchedule(_ step: StepUpdates, gradientBytes: [Int], workload: Workload,
                                        profile: CountingProfile) throws -> GradientBufferSchedule {
        let freeElements = step.updatesFreeParameters
            ? try Checked.sum(of: graph.graph.freeParameters.map(\.elementCount), context: "free parameters") : 0
        let freeBytes = try Checked.product(freeElements, workload.precision.gradientBytes, context: "gradient buffer")
        var wholeStep = 0
        var largest = 0
        let count = graph.layerCount
        // ownBackward as differences: a buffer alive from layer `last` down to layer `first` in the backward pass.
        var changes = [Int](repeating: 0, count: count + 1)
        // Free parameters (a policy's log-std) get their gradient from the loss, at the output layer.
        let charged = gradientBytes.indices.map { ($0, gradientBytes[$0]) } + [(count - 1, freeBytes)]
        for (index, bytes) in charged {
            let charge = workload.gradientBufferCharge(bytes: bytes, profile: profile)
            wholeStep = try Checked.sum(wholeStep, charge.wholeStep, context: "gradient buffers")
            largest = max(largest, charge.largestThroughStep)
            // A learned tensor's gradient is written by its readers' backward passes, from the last reader's on,
            // and lives down to its own backward pass (as its buffer, or beside the accumulator).
            let span = workload.learnedTensorGradientCharge(bytes: bytes, charge: charge, profile: profile)
            let isLearned = graph.layers[index].operation.isLearnedTensor
            let alive = isLearned ? span : max(charge.duringOwnBackward, charge.fromOwnBackwardOn)
            guard alive > 0 else { continue }
            let last = isLearned ? min(graph.lastReader[index], count - 1) : index
            // Alive at the backward events of layers first...last: its own, or from its own down to the lowest.
            let first = charge.fromOwnBackwardOn > 0 ? 0 : index
            changes[first] = try Checked.sum(changes[first], alive, context: "gradient buffers")
            changes[last + 1] -= alive
        }
        let forward = try Checked.sum(wholeStep, largest, context: "gradient buffers")
        var backward = [Int](repeating: 0, count: count)
        var running = 0
        for index in 0..<count {
            running += changes[index]
            backward[index] = try Checked.sum(forward, running, context: "gradient buffers")
        }
        return GradientBufferSchedule(forward: forward, backward: backward)
    }

    /// Memory over time: while layer i runs, stored(<= i) + working(i) + gradient buffers.
    private struct MemoryOverTime {
        var timeline: [MemoryEvent]
        var peak: PeakBreakdown
        var peakBuffers: Int
    }

    private func memoryOverTime(_ step: StepUpdates, path: StepPath, accounts: LayerAccounts, buffers: GradientBufferSchedule,
                                workload: Workload, profile: CountingProfile) throws -> MemoryOverTime {
        let count = graph.layerCount
        var storedThisPass = [Int](repeating: 0, count: count)
        var stored = 0
        for index in 0..<count {
            let charge = try workload.storedCharge(perSample: accounts.storedPerSample[index], forMicroBatch: accounts.storedForBatch[index])
            storedThisPass[index] = charge.thisPass
            stored = try Checked.sum(stored, charge.earlierSamples, context: "stored bytes")
        }
        var storedUpTo = [Int](repeating: 0, count: count)
        var working = [Int](repeating: 0, count: count)
        var backwardWorking = [Int](repeating: 0, count: count)
        let earlierKept = profile.storesKeptBuffersOnce ? earlierKeptElements(saved: accounts.saved, profile: profile) : []
        for index in 0..<count {
            stored = try Checked.sum(stored, storedThisPass[index], context: "stored bytes")
            storedUpTo[index] = stored
            let update = profile.realized(path.update(ofLayerAt: index, in: step, graph: graph))
            let inputNeedsGradient = path.flow.inputCarriesGradient[index]
            (working[index], backwardWorking[index]) = try workingBytes(
                ofLayerAt: index, saved: accounts.saved[index], earlierKept: earlierKept.isEmpty ? .none : earlierKept[index],
                update: update, inputNeedsGradient: inputNeedsGradient, workload: workload, profile: profile)
            backwardWorking[index] = try attendedBackwardWorkingBytes(ofLayerAt: index, backward: backwardWorking[index], update: update,
                                                                      inputNeedsGradient: inputNeedsGradient, workload: workload, profile: profile)
        }
        var timeline: [MemoryEvent] = []
        timeline.reserveCapacity(2 * count)
        var best = 0
        var bestLive = -1
        var bestBuffers = 0
        var bestWorking = 0
        // Optimizer state and working copies are held through the whole step.
        let state = accounts.updateStateBytes
        func record(_ phase: MemoryEvent.Phase, _ index: Int, buffers: Int) throws {
            let held = phase == .forward ? working[index] : backwardWorking[index]
            let live = try Checked.sum(storedUpTo[index], held, buffers, state, context: "adaptation peak")
            timeline.append(MemoryEvent(phase: phase, layer: index, liveBytes: ByteCount(live)))
            if live > bestLive {
                (best, bestLive, bestBuffers, bestWorking) = (index, live, buffers, held)
            }
        }
        for index in 0..<count { try record(.forward, index, buffers: buffers.forward) }
        for index in stride(from: count - 1, through: path.lowestLayer, by: -1) {
            try record(.backward, index, buffers: buffers.backward[index])
        }
        let largestStored = (0...best).max { storedThisPass[$0] < storedThisPass[$1] }
        let peak = PeakBreakdown(layer: best, storedBytes: ByteCount(storedUpTo[best]), workingBytes: ByteCount(bestWorking),
                                 gradientBufferBytes: ByteCount(bestBuffers), updateStateBytes: ByteCount(state),
                                 largestStoredLayer: (largestStored.map { storedThisPass[$0] > 0 } ?? false) ? largestStored : nil)
        return MemoryOverTime(timeline: timeline, peak: peak, peakBuffers: bestBuffers)
    }

    /// Eq. (17), the stored conv/linear inputs, and Eq. (16) literally: max_l m(x_l) (read as the largest working
    /// set, which is one tensor in a chain and two in a residual block) + all buffers + all stored tensors, at once.
    private func equationFigures(accounts: LayerAccounts, buffers: GradientBufferSchedule, workload: Workload) throws -> (Int, Int) {
        var equation17 = 0
        for tensors in accounts.saved {
            for tensor in tensors where tensor.kind == .input {
                let bytes = workload.propagation == .batched ? try tensor.bytes(samples: workload.microBatch)
                    : try Checked.product(try tensor.bytes(samples: 1), workload.microBatch, context: "stored bytes")
                equation17 = try Checked.sum(equation17, bytes, context: "Eq. (17)")
            }
        }
        let largestTensor = try Checked.product(workingElements.max() ?? 0, workload.samplesPerPass, workload.workingElementBytes, context: "Eq. (16)")
        let equation16 = try Checked.sum(largestTensor, try Checked.sum(of: accounts.storedForBatch, context: "Eq. (16)"),
                                         max(buffers.forward, buffers.backward.max() ?? 0), context: "Eq. (16)")
        return (equation17, equation16)
    }
}

/// Which layers of one step are on the backward path and compute input gradients, as a profile defines them.
private struct StepPath {
    let flow: GradientFlow
    /// l_min, the first updated trainable layer in graph order.
    let firstUpdated: Int?
    /// Whether the step updates anything (layers, or free parameters the graph has).
    let updatesAnything: Bool
    /// Where the backward pass stops: l_min, or the output layer when only free parameters are updated.
    let lowestLayer: Int
    let backwardScope: CountingProfile.BackwardScope
    let inputGradientScope: CountingProfile.InputGradientScope

    init(graph: ShapedGraph, step: StepUpdates, profile: CountingProfile) {
        flow = GradientFlow(graph: graph.graph, step: step)
        let layers = graph.layers
        firstUpdated = (0..<graph.layerCount).first { step.layers[$0].isUpdated && layers[$0].operation.isTrainable }
        updatesAnything = firstUpdated != nil || (step.updatesFreeParameters && !graph.graph.freeParameters.isEmpty)
        // A step that updates only free parameters (e.g. a policy's log-std) needs only the output.
        lowestLayer = firstUpdated ?? (graph.layerCount - 1)
        backwardScope = profile.backwardScope
        inputGradientScope = profile.inputGradientScope
    }

    /// The layer's update; layers without parameters are frozen.
    func update(ofLayerAt index: Int, in step: StepUpdates, graph: ShapedGraph) -> LayerUpdate {
        graph.layers[index].operation.isTrainable ? step.layers[index] : .frozen
    }

    func isOnBackwardPath(_ index: Int) -> Bool {
        switch backwardScope {
        case .downstreamOfUpdates: flow.inputCarriesGradient[index]
        case .fromFirstUpdatedPosition: index >= lowestLayer && firstUpdated != nil
        }
    }

    /// Whether the layer computes g(x) for its inputs: layers with parameters or with input-gradient MACs of
    /// their own (a matmul), where the profile's scope says so.
    func computesInputGradient(_ index: Int, cost: LayerCost) -> Bool {
        guard cost.parameterElements > 0 || cost.inputGradientMACs > 0, let firstUpdated else { return false }
        switch inputGradientScope {
        case .whereInputNeedsGradient: return flow.inputCarriesGradient[index]
        case .afterFirstUpdatedPosition: return index > firstUpdated
        case .fromFirstUpdatedPosition: return index >= firstUpdated
        }
    }
}

extension StepCost {
    /// A step that updates nothing: it keeps and costs nothing.
    static func nothing(stepIndex: Int, layerCount count: Int) -> StepCost {
        StepCost(stepIndex: stepIndex, firstUpdatedLayer: nil, savedTensors: Array(repeating: [], count: count),
                 storedBytes: Array(repeating: 0, count: count), gradientBufferBytesPerLayer: Array(repeating: 0, count: count),
                 gradientBufferBytes: .zero,
                 peak: PeakBreakdown(layer: 0, storedBytes: .zero, workingBytes: .zero, gradientBufferBytes: .zero),
                 computesInputGradient: Array(repeating: false, count: count),
                 backwardMACsPerSample: Array(repeating: 0, count: count), forwardMACs: .zero, inputGradientMACs: .zero, weightGradientMACs: .zero,
                 timeline: [], equation17Bytes: .zero, equation16Bytes: .zero, macs: .zero)
    }
}
