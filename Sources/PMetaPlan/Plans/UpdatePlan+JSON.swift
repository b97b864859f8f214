/// The plan file format (docs/plan-format.md): which layers each inner step updates, by layer name.
///
/// ```json
/// {"format": 1, "kind": "update-plan", "architecture": "4Conv", "inner_steps": 1,
///  "steps": [{"updates": [{"layer": "block4.conv", "input_ratio": "1/2"}, {"layer": "head"}]}]}
/// ```
/// Layers a step does not list are frozen. `workload` and `profile`, when present, say what the plan was made for
/// (`PlanFileRecord`); a member this version does not know is an error. `parameters` is `all` (default) or `bias`; `input_ratio` (mu_fw)
/// and `output_ratio` (mu_bw) are fractions like `1/2` or `0.5` (default 1).
extension UpdatePlan {
    /// The `kind` written in plan files.
    public static let fileKind = "update-plan"

    /// The plan as a plan-file document for `graph`, with optional members: what it was made for (`workload`,
    /// `profile`, see `PlanFileRecord`) and informational ones (`budget_bytes`, `predicted_peak_bytes`).
    public func json(for graph: ShapedGraph, extra: [(key: String, value: JSONValue)] = []) -> JSONValue {
        let steps: [JSONValue] = steps.map { step in
            let updates: [JSONValue] = step.layers.enumerated().compactMap { index, update in
                guard update.isUpdated else { return nil }
                var members: [(key: String, value: JSONValue)] = [("layer", .string(graph.layers[index].name))]
                if update.parameters != .all { members.append(("parameters", .string(update.parameters.rawValue))) }
                if update.inputChannelRatio != .all { members.append(("input_ratio", .string(update.inputChannelRatio.description))) }
                if update.outputChannelRatio != .all { members.append(("output_ratio", .string(update.outputChannelRatio.description))) }
                return .object(members)
            }
            var members: [(key: String, value: JSONValue)] = [("updates", .array(updates))]
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
        let indexByName = Dictionary(graph.layers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var steps: [StepUpdates] = []
        let stepFields = try root.required("steps", "a list of inner steps").elements("a list of inner steps")
        guard !stepFields.isEmpty, stepFields.count <= 1_000 else {
            throw DataError(path: "steps", message: "expected 1 to 1,000 inner steps, found \(stepFields.count)")
        }
        if let declared = root.member("inner_steps") {
            let count = try declared.integer(in: 1...1_000, "a step count from 1 to 1,000")
            guard count == stepFields.count else { throw declared.error("says \(count) steps, but steps lists \(stepFields.count)") }
        }
        for stepField in stepFields {
            try stepField.rejectUnknownMembers(allowed: ["updates", "free_parameters"])
            var layers = [LayerUpdate](repeating: .frozen, count: graph.layerCount)
            for updateField in try stepField.required("updates", "a list of layer updates").elements("a list of layer updates") {
                try updateField.rejectUnknownMembers(allowed: ["layer", "parameters", "input_ratio", "output_ratio"])
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
                layers[index] = LayerUpdate(parameters: parameters,
                                            inputChannelRatio: try updateField.member("input_ratio")?.channelRatio() ?? .all,
                                            outputChannelRatio: try updateField.member("output_ratio")?.channelRatio() ?? .all)
            }
            steps.append(StepUpdates(layers: layers, updatesFreeParameters: try stepField.member("free_parameters")?.bool() ?? false))
        }
        if let recordedSteps = record.innerSteps, recordedSteps != steps.count {
            throw DataError(path: "workload.inner_steps", message: "says \(recordedSteps) steps, but steps lists \(steps.count)")
        }
        self.init(steps: steps)
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
