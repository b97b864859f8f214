import PMetaPlan

/// `pmeta-plan export plan.json ARCH --to tiny-training`: a plan as another runtime's configuration.
enum ExportCommand {
    static let spec = CommandSpec(
        name: "export",
        abstract: "Write a plan file as the configuration another training runtime reads.",
        discussion: "--to tiny-training writes the backward_config of MIT tiny-training (n_bias_update, manual_weight_idx, weight_update_ratio), "
            + "counting the network's conv2d layers in order from 0 as tiny-training does; its ratios are 0, 1/8, 1/4, 1/2 and 1, so plan with "
            + "--ratios 0,1/8,1/4,1/2,1 (and --channel-selection magnitude, its selection). A plan it cannot run is refused (exit 65) with the "
            + "reason; what it runs differently (it trains the classifier whole, updates the bias of every conv after the first updated one) "
            + "is listed as notes. The text output is YAML: the backward_config block, with comments. See docs/pytorch-plans.md.",
        arguments: [planArgument, architecture],
        options: [runtime.spec, output.spec, WorkloadOptions.format.spec])

    /// `--to`: the runtimes a plan can be written for.
    enum Runtime: String, CaseIterable, Sendable {
        /// MIT tiny-training's backward_config.
        case tinyTraining = "tiny-training"
    }

    static let planArgument = ArgumentSpec("plan.json", help: "A plan file (as plan --output writes).")
    static let architecture = ArgumentSpec("arch", help: "The architecture file or ONNX model the plan was made for.")
    static let runtime = Option<Runtime>.choice("to", valueName: "runtime", help: "The runtime to write for.").required()
    static let output = Option.text("output", shortName: "o", valueName: "file", help: "Also write the output to this file.", valueExample: "backward_config.yaml")

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let format = try parsed.value(WorkloadOptions.format)
        guard try parsed.value(runtime) != nil else {
            throw .usage("export needs --to tiny-training (the runtime whose configuration to write)", commandPath: parsed.commandPath)
        }
        let planPath = parsed.positional(planArgument) ?? ""
        let path = parsed.positional(architecture) ?? ""
        let model = try InputFile.architecture(at: path)
        let plan = try PlanInputs.plan(planPath, graph: model.graph)
        let config: TinyTrainingConfig
        do {
            config = try TinyTrainingConfig(plan: plan, graph: model.graph)
        } catch {
            throw .badData("\(planPath): tiny-training cannot run this plan: \(error)")
        }
        let text = render(config, plan: planPath, architecture: model.graph.graph.name, format: format)
        if let output = try parsed.value(Self.output) {
            try InputFile.write(text, to: output)
        }
        return CommandResult(output: text)
    }

    static func render(_ config: TinyTrainingConfig, plan: String, architecture: String, format: OutputFormat) -> String {
        let title = "tiny-training backward_config for \(plan) (\(architecture)): \(config.convolutions.count) conv2d layers counted in order from 0, "
            + "the classifier not counted"
        let updated = config.convolutions.filter(\.updatesBias)
        func what(_ convolution: TinyTrainingConfig.Convolution) -> String {
            var text = convolution.isPlanned ? "bias" : "bias (not in the plan)"
            if let ratio = convolution.weightRatio { text += ", weights of \(ratio == .all ? "every" : ratio.description + " of the") input channel\(ratio == .all ? "" : "s")" }
            return text
        }
        switch format {
        case .text:
            var lines = ["# " + title] + config.yaml.split(separator: "\n").map(String.init)
            lines.append("# As flags of tiny-training's algorithm/train_cls.py: \(config.commandLineFlags)")
            lines.append("# Convolutions that update (index: layer, what):")
            lines += updated.map { "#   \($0.index): \($0.layer), \(what($0))" }
            lines += config.notes.map { "# Note: \($0)" }
            return lines.joined(separator: "\n") + "\n"
        case .json:
            let document: JSONValue = .object([
                ("runtime", .string("tiny-training")), ("plan", .string(plan)), ("architecture", .string(architecture)),
                ("convolutions", .integer(config.convolutions.count)),
                ("backward_config", .object(config.members.map { member in
                    (member.key, Int(member.value).map(JSONValue.integer) ?? (member.value == "null" ? .null : .string(member.value)))
                })),
                ("flags", .string(config.commandLineFlags)),
                ("updated_convolutions", .array(updated.map { convolution in
                    var members: [(key: String, value: JSONValue)] = [("index", .integer(convolution.index)), ("layer", .string(convolution.layer)),
                                                                      ("in_plan", .bool(convolution.isPlanned))]
                    if let ratio = convolution.weightRatio { members.append(("weight_ratio", .string(ratio.description))) }
                    return .object(members)
                })),
                ("notes", .array(config.notes.map(JSONValue.string))),
            ])
            return JSONWriter.write(document)
        case .markdown:
            var lines = ["**\(title)**", "", "```yaml", config.yaml + "```", "", "Flags: `\(config.commandLineFlags)`", "",
                         "| index | layer | updates |", "|---:|---|---|"]
            lines += updated.map { "| \($0.index) | \($0.layer) | \(what($0)) |" }
            if !config.notes.isEmpty { lines += [""] + config.notes.map { "- \($0)" } }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
