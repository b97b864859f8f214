/// The plan file format (docs/plan-format.md): which layers each inner step updates, by layer name.
///
/// ```json
/// {"format": 1, "kind": "update-plan", "architecture": "4Conv", "inner_steps": 1,
///  "steps": [{"updates": [{"layer": "block4.conv", "input_ratio": "1/2"}, {"layer": "head"}]}]}
/// ```
/// Layers a step does not list are frozen. `workload` and `profile`, when present, say what the plan was made for
/// (`PlanFileRecord`); a member this version does not know is an error. `parameters` is `all` (default) or `bias`; `input_ratio` (mu_fw)
/// and `output_ratio` (mu_bw) are fractions like `1/2` or `0.5` (default 1); `attention` (`{"rho_forward": "3/10",
/// "rho_backward": "0"}`) attends an update of all parameters of an attendable layer with meta attention (p-Meta Sec. 3.3).
extension UpdatePlan {
    /// The `kind` written in plan files.
    public static let fileKind = "update-plan"

    /// The plan as a plan-file document for `graph`, with optional members: what it was made for (`workload`,
    /// `profile`, see `PlanFileRecord`) and informational ones (`budget_bytes`, `predicted_peak_bytes`).
    ///
    /// Each step carries its `inner_step` (1-based) and each update the `parameter_names` it changes (the names the
    /// ONNX import kept, else the layer's name with `.weight` and `.bias`) and, when it keeps fewer than all channels,
    /// its `channel_selection`, so a framework can apply the plan by name (docs/plan-format.md).
    /// - Parameter annotated: false leaves out the annotations that change nothing a cost depends on (`inner_step`,
    ///   `parameter_names`, a `first` selection), for a stable hash of what is costed.
    public func json(for graph: ShapedGraph, extra: [(key: String, value: JSONValue)] = [], annotated: Bool = true) -> JSONValue {
        let steps: [JSONValue] = steps.enumerated().map { stepIndex, step in
            let updates: [JSONValue] = step.layers.enumerated().compactMap { index, update in
                guard update.isUpdated else { return nil }
                let layer = graph.layers[index]
                var members: [(key: String, value: JSONValue)] = [("layer", .string(layer.name))]
                if annotated {
                    members.append(("parameter_names", .array(layer.updatedTensorNames(update).map(JSONValue.string))))
                }
                if update.parameters != .all { members.append(("parameters", .string(update.parameters.rawValue))) }
                if update.inputChannelRatio != .all { members.append(("input_ratio", .string(update.inputChannelRatio.description))) }
                if update.outputChannelRatio != .all { members.append(("output_ratio", .string(update.outputChannelRatio.description))) }
                if let attention = update.attention {
                    members.append(("attention", .object([("rho_forward", .string(attention.forward.description)),
                                                          ("rho_backward", .string(attention.backward.description))])))
                }
                if update.selectsChannels && (annotated || update.channelSelection != .first) {
                    members.append(("channel_selection", .string(update.channelSelection.rawValue)))
                }
                return .object(members)
            }
            var members: [(key: String, value: JSONValue)] = annotated ? [("inner_step", .integer(stepIndex + 1))] : []
            members.append(("updates", .array(updates)))
            if step.updatesFreeParameters { members.append(("free_parameters", .bool(true))) }
            return .object(members)
        }
        return .object([
            ("format", .integer(1)), ("kind", .string(Self.fileKind)), ("architecture", .string(graph.graph.name)),
            ("inner_steps", .integer(innerStepCount)), ("steps", .array(steps)),
        ] + extra)
    }

    /// Decodes a plan file for `graph`.
    /// - Throws: `DataError` naming the JSON path: an unknown layer, a layer without parameters, a bad ratio.
    public init(json: JSONValue, for graph: ShapedGraph) throws(DataError) {
        let root = JSONField(value: json, path: "")
        guard json.objectValue != nil else { throw root.error("expected a plan object at the top level, found \(json.kindDescription)") }
        let format = try root.required("format", "the format version 1").integer(in: Int.min...Int.max, "the format version 1")
        guard format == 1 else { throw DataError(path: "format", message: "unsupported format \(format); this pmeta-plan reads format 1") }
        if let kind = root.member("kind") {
            let text = try kind.string()
            guard text == Self.fileKind else { throw kind.error("expected \"\(Self.fileKind)\", found \"\(text.escapingControlCharacters)\" (is this a plan file?)") }
        }
        // A misspelled member ("step", "workloads") would otherwise be ignored silently, as importance files never are.
        try root.rejectUnknownMembers(allowed: PlanFileRecord.knownMembers)
        let record = try PlanFileRecord(planFile: json)
        if let architecture = root.member("architecture") {
            let name = try architecture.string()
            guard name == graph.graph.name else {
                throw architecture.error("the plan is for '\(name.escapingControlCharacters)', but the architecture is '\(graph.graph.name)'")
            }
        }
        let attendable = graph.attendableLayers
        let indexByName = Dictionary(graph.layers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var steps: [StepUpdates] = []
        var distinctSteps = 0
        let stepFields = try root.required("steps", "a list of inner steps").elements("a list of inner steps")
        guard !stepFields.isEmpty, stepFields.count <= 1_000 else {
            throw DataError(path: "steps", message: "expected 1 to 1,000 inner steps, found \(stepFields.count)")
        }
        if let declared = root.member("inner_steps") {
            let count = try declared.integer(in: 1...1_000, "a step count from 1 to 1,000")
            guard count == stepFields.count else { throw declared.error("says \(count) steps, but steps lists \(stepFields.count)") }
        }
        for (stepIndex, stepField) in stepFields.enumerated() {
            try stepField.rejectUnknownMembers(allowed: ["inner_step", "updates", "free_parameters"])
            if let declared = stepField.member("inner_step") {
                let number = try declared.integer(in: 1...1_000, "a step number from 1 to 1,000")
                guard number == stepIndex + 1 else { throw declared.error("expected \(stepIndex + 1): steps are listed in order, found \(number)") }
            }
            var layers = [LayerUpdate](repeating: .frozen, count: graph.layerCount)
            for updateField in try stepField.required("updates", "a list of layer updates").elements("a list of layer updates") {
                try updateField.rejectUnknownMembers(allowed: ["layer", "parameter_names", "parameters", "input_ratio", "output_ratio", "channel_selection",
                                                               "attention"])
                let nameField = try updateField.required("layer", "a layer name")
                let name = try nameField.string()
                guard let index = indexByName[name] else {
                    let hint = name.count > 200 ? "" : closestMatch(to: name, among: Array(indexByName.keys)).map { " (did you mean '\($0)'?)" } ?? ""
                    throw nameField.error("unknown layer '\(name.quotedForMessage())'\(hint.escapingControlCharacters)")
                }
                guard graph.layers[index].operation.isTrainable else {
                    throw nameField.error("'\(name.quotedForMessage())' is a \(graph.layers[index].operation.kind.rawValue) layer with no parameters to update")
                }
                guard !layers[index].isUpdated else { throw nameField.error("'\(name.quotedForMessage())' is listed twice in this step") }
                var parameters = LayerUpdate.Parameters.all
                if let field = updateField.member("parameters") {
                    let text = try field.string()
                    guard let value = LayerUpdate.Parameters(rawValue: text), value != .none else {
                        throw field.error("expected \"all\" or \"bias\", found \"\(text.escapingControlCharacters)\"")
                    }
                    parameters = value
                }
                var selection = ChannelSelection.first
                if let field = updateField.member("channel_selection") {
                    let text = try field.string()
                    guard let value = ChannelSelection(rawValue: text) else {
                        throw field.error("expected \"first\" or \"magnitude\", found \"\(text.escapingControlCharacters)\"")
                    }
                    selection = value
                }
                var update = LayerUpdate(parameters: parameters,
                                         inputChannelRatio: try updateField.member("input_ratio")?.channelRatio() ?? .all,
                                         outputChannelRatio: try updateField.member("output_ratio")?.channelRatio() ?? .all,
                                         channelSelection: selection)
                if let field = updateField.member("attention") {
                    update.attention = try Self.attention(field, of: graph.layers[index], isAttendable: attendable[index], update: update)
                }
                if let namesField = updateField.member("parameter_names") {
                    try Self.checkParameterNames(namesField, of: graph.layers[index], update: update)
                }
                layers[index] = update
            }
            let step = StepUpdates(layers: layers, updatesFreeParameters: try stepField.member("free_parameters")?.bool() ?? false)
            // A step equal to the one before shares its storage, so 1,000 equal steps take the memory of one; the limit
            // on different steps is checked as they are read, before they take gigabytes.
            if steps.last == step {
                steps.append(steps[steps.count - 1])
            } else {
                steps.append(step)
                distinctSteps += 1
                if let problem = ArchitectureLimits.layerStepsProblem(distinctSteps: distinctSteps, layers: graph.layerCount) {
                    throw DataError(path: "steps[\(stepIndex)]", message: problem)
                }
            }
        }
        if let recordedSteps = record.innerSteps, recordedSteps != steps.count {
            throw DataError(path: "workload.inner_steps", message: "says \(recordedSteps) steps, but steps lists \(steps.count)")
        }
        self.init(steps: steps)
    }
}

extension UpdatePlan {
    /// A plan's `parameter_names` must name tensors the update changes: a plan made for another export of the
    /// network (other names) or a bias-only update listing a weight is refused, not silently applied.
    fileprivate static func checkParameterNames(_ field: JSONField, of layer: Layer, update: LayerUpdate) throws(DataError) {
        let changed = layer.updatedTensorNames(update)
        for nameField in try field.elements("a list of parameter names") {
            let name = try nameField.string()
            guard changed.contains(name) else {
                let known = layer.trainableTensorNames
                let reason = known.contains(name) ? "a \(update.parameters == .biasOnly ? "bias-only " : "")update of '\(layer.name)' does not change it"
                    : "it is not a parameter of '\(layer.name.quotedForMessage())'"
                throw nameField.error("'\(name.quotedForMessage())': \(reason) (it changes \(changed.map { "'\($0)'" }.joined(separator: ", ")))")
            }
        }
    }
}

extension UpdatePlan {
    /// An update's `attention` member: the clip ratios rho_fw and rho_bw, each a fraction below 1, on an update of all
    /// parameters of an attendable layer without static ratios (attention chooses the channels).
    fileprivate static func attention(_ field: JSONField, of layer: Layer, isAttendable: Bool, update: LayerUpdate) throws(DataError) -> MetaAttentionRatios {
        guard isAttendable else {
            throw field.error("'\(layer.name.quotedForMessage())' cannot be attended: meta attention attends ungrouped convolutions and "
                              + "linear layers except the last weight layer")
        }
        guard update.parameters == .all else { throw field.error("meta attention selects the channels of a weight update; a bias-only update has none") }
        guard update.inputChannelRatio == .all && update.outputChannelRatio == .all else {
            throw field.error("meta attention chooses the kept channels itself; drop input_ratio and output_ratio from an attended update")
        }
        guard field.value.objectValue != nil else {
            throw field.error("expected an object such as {\"rho_forward\": \"3/10\", \"rho_backward\": \"0\"}, found \(field.value.kindDescription)")
        }
        try field.rejectUnknownMembers(allowed: ["rho_forward", "rho_backward"])
        func clipRatio(_ name: String) throws(DataError) -> ChannelRatio {
            let member = try field.required(name, "a clip ratio below 1 such as \"3/10\"")
            let ratio = try member.channelRatio()
            guard ratio < .all else { throw member.error("a clip ratio must be below 1 (Alg. 1 would clear every channel), found 1") }
            return ratio
        }
        return MetaAttentionRatios(forward: try clipRatio("rho_forward"), backward: try clipRatio("rho_backward"))
    }
}

extension JSONField {
    /// A fraction in 0...1 written as a number (`0.5`) or a string (`"1/2"`).
    func channelRatio() throws(DataError) -> ChannelRatio {
        let text: String
        switch value {
        case .string(let string): text = string
        case .number(let number): text = number
        default: throw error("expected a fraction from 0 to 1 such as \"1/2\" or 0.25, found \(value.kindDescription)")
        }
        guard let ratio = ChannelRatio(parsing: text) else {
            throw error("expected a fraction from 0 to 1 such as \"1/2\" or 0.25, found \(value.kindDescription)")
        }
        return ratio
    }
}
