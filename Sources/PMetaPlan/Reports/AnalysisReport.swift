/// The per-layer table of one network under one plan: what `pmeta-plan analyze` prints.
public struct AnalysisReport: Sendable {
    /// The network's name.
    public var architectureName: String
    /// The plan's name (`MAML`, `plan.json`).
    public var planName: String
    /// The workload.
    public var workload: Workload
    /// The counting conventions.
    public var profile: CountingProfile
    /// The method summary (static memory, inference, adaptation).
    public var summary: MethodSummary
    /// The cost model.
    public var model: CostModel

    /// Creates a report.
    public init(architectureName: String, planName: String, workload: Workload, profile: CountingProfile,
                summary: MethodSummary, model: CostModel) {
        self.architectureName = architectureName
        self.planName = planName
        self.workload = workload
        self.profile = profile
        self.summary = summary
        self.model = model
    }

    /// One layer's row.
    public struct Row: Sendable {
        /// The layer's name.
        public var name: String
        /// The op.
        public var op: String
        /// Its output shape for one sample.
        public var outputShape: TensorShape
        /// Trainable parameters.
        public var parameters: Int
        /// Bytes stored for the backward pass in the peak step, for the micro-batch.
        public var storedBytes: Int
        /// Forward MACs for one sample.
        public var forwardMACs: Int
        /// Backward MACs for one sample in the peak step.
        public var backwardMACs: Int
        /// The share of the adaptation peak held by this layer's stored tensors at the peak (0 after the peak layer).
        public var peakShare: Double
        /// What it stores, e.g. `input, mask`.
        public var savedKinds: String
        /// What it stores, per sample.
        public var saved: [SavedTensor]
        /// The layer's plan-independent costs: m(x_{l-1}), m(y_l), m(w_l), MACs.
        public var cost: LayerCost
        /// What it reads: `x` for the network input, else the producing layers' names.
        public var inputs: [String]
    }

    /// The rows, one per layer.
    public var rows: [Row] {
        let step = summary.adaptation.peakStep
        let peak = max(summary.adaptation.peak.bytes, 1)
        return model.graph.layers.indices.map { index in
            let layer = model.graph.layers[index]
            let stored = step.storedBytes[index]
            return Row(name: layer.name, op: layer.operation.kind.rawValue, outputShape: model.graph.outputShapes[index],
                       parameters: model.layerCosts[index].parameterElements, storedBytes: stored,
                       forwardMACs: model.layerCosts[index].forwardMACs, backwardMACs: step.backwardMACsPerSample[index],
                       peakShare: index <= step.peak.layer ? Double(stored) / Double(peak) : 0,
                       savedKinds: step.savedTensors[index].map { tensor in
                           // A buffer an earlier layer keeps whole is counted there (store once).
                           guard let keeper = tensor.heldBy, keeper != index else { return tensor.kind.rawValue }
                           return "\(tensor.kind.rawValue) (\(model.graph.layers[keeper].name)'s)"
                       }.joined(separator: ", "),
                       saved: step.savedTensors[index], cost: model.layerCosts[index],
                       inputs: layer.inputs.map { reference in
                           switch reference {
                           case .graphInput: "x"
                           case .layer(let producer): model.graph.layers[producer].name
                           }
                       })
        }
    }

    /// The report as text, JSON or markdown.
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .json: return JSONWriter.write(json)
        case .text, .markdown: return table(markdown: format == .markdown)
        }
    }

    /// The columns; stored bytes are the micro-batch's, MACs one sample's. A graph that is not a chain gets an
    /// inputs column after the op.
    func headers(isChain: Bool) -> [String] {
        ["#", "Layer", "Op"] + (isChain ? [] : ["Inputs"])
            + ["Output shape", "Params", "Stored (B/micro-batch)", "Saves", "Fwd MACs/sample", "Bwd MACs/sample", "Peak share"]
    }

    private func alignments(isChain: Bool) -> [ColumnAlignment] {
        [.right, .left, .left] + (isChain ? [] : [.left]) + [.left, .right, .right, .left, .right, .right, .right]
    }

    /// Whether every layer reads the one before it (the first the network input) and nothing else.
    var isChain: Bool {
        model.graph.layers.indices.allSatisfy { index in
            model.graph.layers[index].inputs == [index == 0 ? .graphInput : .layer(index - 1)]
        }
    }

    /// What layer `index` reads: `x` for the network input, else the producing layers' numbers.
    private func inputsCell(_ index: Int) -> String {
        model.graph.layers[index].inputs.map { reference in
            switch reference {
            case .graphInput: "x"
            case .layer(let producer): String(producer)
            }
        }.joined(separator: ", ")
    }

    private func cells(_ index: Int, _ row: Row, isChain: Bool) -> [String] {
        [String(index), row.name, row.op] + (isChain ? [] : [inputsCell(index)])
            + [row.outputShape.description, DecimalFormatting.grouped(row.parameters),
               DecimalFormatting.grouped(row.storedBytes), row.savedKinds.isEmpty ? "-" : row.savedKinds,
               DecimalFormatting.grouped(row.forwardMACs), DecimalFormatting.grouped(row.backwardMACs),
               row.peakShare > 0 ? DecimalFormatting.scaled(Int((row.peakShare * 1000).rounded()), by: 10, decimals: 1) + "%" : "-"]
    }

    /// The totals in torchinfo's habit: parameters (all, the plan's, frozen), buffers, mult-adds, and the sizes
    /// of the input, the parameters and one adaptation pass, with their sum.
    public var totalLines: [String] {
        let statics = summary.staticMemory
        let buffers = model.layerCosts.reduce(0) { $0 + $1.bufferElements }
        let total = statics.sampleBytes.bytes.addingReportingOverflow(statics.modelBytes.bytes)
        let estimated = total.overflow ? nil : total.partialValue.addingReportingOverflow(summary.adaptation.peak.bytes)
        return [
            "Total params: \(DecimalFormatting.grouped(statics.parameterCount))",
            "Trainable params (updated by the plan): \(DecimalFormatting.grouped(summary.updatedParameterCount))",
            "Frozen params: \(DecimalFormatting.grouped(statics.parameterCount - summary.updatedParameterCount))"
                + (buffers > 0 ? "; non-trainable buffers (normalization statistics): \(DecimalFormatting.grouped(buffers))" : ""),
            "Total mult-adds (forward, one sample): \(summary.inference.macs)",
            "Input size (the support samples of one step): \(statics.sampleBytes)",
            "Params size: \(statics.modelBytes)",
            "Adaptation pass size (the peak of one step): \(summary.adaptation.peak)",
            "Estimated total size: " + (estimated.flatMap { $0.overflow ? nil : ByteCount($0.partialValue).description } ?? "over 2^63 B"),
        ]
    }

    /// The peak and what sets it, in sentences.
    public var peakLines: [String] {
        let names = model.graph.layers.map(\.name)
        let inference = summary.inference
        let step = summary.adaptation.peakStep
        var lines = [
            "Static memory: model \(summary.staticMemory.modelBytes) (\(DecimalFormatting.grouped(summary.staticMemory.parameterCount)) parameters), "
                + "support samples \(summary.staticMemory.sampleBytes).",
            "Inference peak (one sample): \(inference.peak) while '\(names[inference.peakLayer])' runs; \(inference.macs) per sample.",
        ]
        if summary.adaptation.peak == .zero {
            lines.append("Adaptation: the plan updates nothing, so adaptation needs no memory and no MACs.")
            return lines
        }
        var peakLine = "Adaptation peak: \(summary.adaptation.peak) while '\(names[step.peak.layer])' runs"
        if summary.adaptation.steps.count > 1 { peakLine += " in inner step \(step.stepIndex + 1) of \(summary.adaptation.steps.count)" }
        peakLine += ": \(step.peak.partsPhrase)."
        lines.append(peakLine)
        if let largest = step.peak.largestStoredLayer {
            let kinds = SavedTensor.phrase(for: step.savedTensors[largest])
            lines.append("Largest stored tensor at the peak: the \(kinds) of '\(names[largest])', \(ByteCount(step.storedBytes[largest]).humanReadable).")
        }
        lines.append("Eq. (17), the dominant term (stored inputs of updated conv/linear layers): \(step.equation17Bytes.humanReadable); "
            + "Eq. (16) taken literally (the largest working set, every stored tensor and every buffer at once): \(step.equation16Bytes.humanReadable), "
            + "an over-count: late layers' stored tensors and early layers' working sets are never alive together.")
        lines.append("Adaptation MACs: \(summary.adaptation.macs) (forward \(step.forwardMACs.humanReadable), "
            + "input gradients \(step.inputGradientMACs.humanReadable), weight gradients \(step.weightGradientMACs.humanReadable) in the peak step).")
        return lines
    }

    private func table(markdown: Bool) -> String {
        // Once per table: the check walks every layer.
        let isChain = self.isChain
        let headers = headers(isChain: isChain)
        let alignments = alignments(isChain: isChain)
        let header = "\(architectureName): \(DecimalFormatting.grouped(model.graph.layerCount)) layers, \(DecimalFormatting.grouped(summary.staticMemory.parameterCount)) parameters"
        let context = ["Plan: \(planName); profile: \(profile.name) (\(profile.summary)).",
                       "Workload: \(workload.description(innerSteps: summary.adaptation.steps.count))."]
        let body: String
        if markdown {
            var table = MarkdownTable(header: headers, alignments: alignments)
            for (index, row) in rows.enumerated() { table.append(cells(index, row, isChain: isChain)) }
            body = table.render()
            return (["### \(header)", ""] + context + ["", body] + totalLines.map { "- \($0)" } + [""] + peakLines.map { "- \($0)" }
                    + ["", ComparisonReport.conventions, ""])
                .joined(separator: "\n")
        }
        var table = TextTable(headers: headers, alignments: alignments)
        for (index, row) in rows.enumerated() { table.append(cells(index, row, isChain: isChain)) }
        body = table.render()
        return TextWrapping.wrappingProse([header] + context + ["", body] + totalLines + [""] + peakLines
                                          + ["", ComparisonReport.conventions, ""]).joined(separator: "\n")
    }

    private var json: JSONValue {
        let step = summary.adaptation.peakStep
        guard step.peak.updateStateBytes.bytes > 0, case .object(var members) = baseJSON,
              let position = members.firstIndex(where: { $0.key == "adaptation_gradient_buffer_bytes" }) else { return baseJSON }
        members.insert(("adaptation_update_state_bytes", .integer(step.peak.updateStateBytes.bytes)), at: position + 1)
        return .object(members)
    }

    private var baseJSON: JSONValue {
        let step = summary.adaptation.peakStep
        return [
            "architecture": .string(architectureName),
            "plan": .string(planName),
            "profile": .string(profile.name),
            "workload": workload.json(innerSteps: summary.adaptation.steps.count),
            "parameters": .integer(summary.staticMemory.parameterCount),
            "updated_parameters": .integer(summary.updatedParameterCount),
            "model_bytes": .integer(summary.staticMemory.modelBytes.bytes),
            "sample_bytes": .integer(summary.staticMemory.sampleBytes.bytes),
            "inference_peak_bytes": .integer(summary.inference.peak.bytes),
            "inference_peak_layer": .string(model.graph.layers[summary.inference.peakLayer].name),
            "inference_macs": .integer(summary.inference.macs.macs),
            "adaptation_peak_bytes": .integer(summary.adaptation.peak.bytes),
            "adaptation_peak_layer": .string(model.graph.layers[step.peak.layer].name),
            "adaptation_peak_step": .integer(step.stepIndex + 1),
            "adaptation_stored_bytes": .integer(step.peak.storedBytes.bytes),
            "adaptation_working_bytes": .integer(step.peak.workingBytes.bytes),
            "adaptation_gradient_buffer_bytes": .integer(step.peak.gradientBufferBytes.bytes),
            "adaptation_macs": .integer(summary.adaptation.macs.macs),
            "equation17_bytes": .integer(step.equation17Bytes.bytes),
            "equation16_literal_bytes": .integer(step.equation16Bytes.bytes),
            "layers": .array(rows.map { row in
                [
                    "name": .string(row.name), "op": .string(row.op), "inputs": .array(row.inputs.map { .string($0) }),
                    "output_shape": .array(row.outputShape.dimensions.map { .integer($0) }),
                    "parameters": .integer(row.parameters), "stored_bytes": .integer(row.storedBytes),
                    "saves": .array(row.saved.map { .string($0.kind.rawValue) }),
                    "input_elements": .integer(row.cost.inputElements), "output_elements": .integer(row.cost.outputElements),
                    "weight_elements": .integer(row.cost.weightElements), "bias_elements": .integer(row.cost.biasElements),
                    "forward_macs": .integer(row.forwardMACs), "input_gradient_macs_if_needed": .integer(row.cost.inputGradientMACs),
                    "weight_gradient_macs_if_updated": .integer(row.cost.weightGradientMACs),
                    "backward_macs": .integer(row.backwardMACs),
                ]
            }),
        ]
    }
}
