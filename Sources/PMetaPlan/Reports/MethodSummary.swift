/// The footprint of one adaptation method on one network and workload: what `compare` prints per row.
public struct MethodSummary: Sendable {
    /// The method's name as printed (`MAML`, `p-Meta plan`).
    public var name: String
    /// The identifier used in JSON (`maml`, `maml++`, `plan`).
    public var identifier: String
    /// Model and support samples.
    public var staticMemory: StaticMemory
    /// Inference of one sample.
    public var inference: InferenceCost
    /// One adaptation (all inner steps of the plan).
    public var adaptation: AdaptationCost
    /// The parameter elements the plan updates in some step.
    public var updatedParameterCount: Int

    /// Evaluates `plan` on `model`.
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    public init(name: String, identifier: String, plan: UpdatePlan, model: CostModel, workload: Workload,
                profile: CountingProfile) throws {
        self.name = name
        self.identifier = identifier
        self.staticMemory = try model.staticMemory(samples: workload.samplesPerStep, precision: workload.precision)
        self.inference = try model.inference(batch: 1, precision: workload.precision, profile: profile)
        self.adaptation = try model.adaptation(of: plan, workload: workload, profile: profile, layerDetail: .peakStepOnly)
        self.updatedParameterCount = try model.updatedParameterCount(of: plan, profile: profile)
    }

    /// Evaluates a built-in method on `model`.
    public init(method: AdaptationMethod, model: CostModel, workload: Workload, innerSteps: Int,
                profile: CountingProfile) throws {
        try self.init(name: method.displayName, identifier: method.rawValue,
                      plan: method.plan(for: model.graph, innerSteps: innerSteps), model: model, workload: workload, profile: profile)
    }

    /// The fields CI reads, with exact integers.
    public var json: JSONValue {
        [
            "method": .string(identifier),
            "model_bytes": .integer(staticMemory.modelBytes.bytes),
            "sample_bytes": .integer(staticMemory.sampleBytes.bytes),
            "inference_peak_bytes": .integer(inference.peak.bytes),
            "adaptation_peak_bytes": .integer(adaptation.peak.bytes),
            "inference_macs": .integer(inference.macs.macs),
            "adaptation_macs": .integer(adaptation.macs.macs),
        ]
    }
}

extension Workload {
    /// `25 samples per step in micro-batches of 1 (gradient accumulation), batched; K = 1; fp32 weights, activations, gradients`.
    public func description(innerSteps: Int) -> String {
        let accumulation = accumulatesGradients ? "gradient accumulation" : "no accumulation"
        let propagationText = propagation == .batched ? "batched" : "streamed one sample at a time"
        let bytes = [precision.weightBytes, precision.activationBytes, precision.gradientBytes]
        let precisionText = bytes.allSatisfy { $0 == 4 } ? "float32 weights, activations and gradients"
            : "\(precision.weightBytes) B weights, \(precision.activationBytes) B activations, \(precision.gradientBytes) B gradients"
        var stateText = ""
        if let bias = precision.biasBytes { stateText += ", \(bias) B biases" }
        if updateState.optimizer != .sgd {
            stateText += "; \(updateState.optimizer.rawValue) (\(updateState.optimizer.stateSlots) state element\(updateState.optimizer.stateSlots == 1 ? "" : "s") per updated element)"
        }
        if updateState.copiesUpdatedWeights { stateText += "; updated weights copied to SRAM" }
        return "\(samplesPerStep) samples per step in micro-batches of \(microBatch) (\(accumulation), \(propagationText)); "
            + "K = \(innerSteps) inner step\(innerSteps == 1 ? "" : "s"); \(precisionText)\(stateText)"
    }

    /// The workload as JSON; the bias precision, the optimizer and working copies only where they are not the defaults
    /// (separate bias precision unset, SGD, no copies), so files of the default workload read as before.
    public func json(innerSteps: Int) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("samples", .integer(samplesPerStep)), ("micro_batch", .integer(microBatch)),
            ("propagation", .string(propagation.rawValue)), ("inner_steps", .integer(innerSteps)),
            ("weight_bytes", .integer(precision.weightBytes)), ("activation_bytes", .integer(precision.activationBytes)),
            ("gradient_bytes", .integer(precision.gradientBytes)),
        ]
        if let bias = precision.biasBytes { members.append(("bias_bytes", .integer(bias))) }
        if updateState.optimizer != .sgd { members.append(("optimizer", .string(updateState.optimizer.rawValue))) }
        if updateState.copiesUpdatedWeights { members.append(("updated_weight_copies", .bool(true))) }
        return .object(members)
    }
}
