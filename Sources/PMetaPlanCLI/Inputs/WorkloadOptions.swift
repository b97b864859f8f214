import PMetaPlan

/// The workload knobs every costing command shares, and how they become a `Workload`.
enum WorkloadOptions {
    /// The options, for command specs.
    static let specs: [OptionSpec] = [
        OptionSpec("samples", valueName: "n", help: "Support samples per inner step (5-way 5-shot: 25). Default: the architecture file's workload, else 25."),
        OptionSpec("micro-batch", valueName: "n", help: "Samples per forward/backward pass; fewer than --samples accumulates gradients. Default: the architecture file's workload, else 1."),
        OptionSpec("inner-steps", shortName: "k", valueName: "K", help: "Inner gradient steps of one adaptation.", defaultValue: "1"),
        OptionSpec("propagation", valueName: "mode", help: "How samples go through a micro-batch: together, or one at a time keeping what each stores (RL). Default: the architecture file's workload, else batched.",
                   allowedValues: ["batched", "streamed"]),
        OptionSpec("weight-bytes", valueName: "n", help: "Bytes per weight.", defaultValue: "4"),
        OptionSpec("activation-bytes", valueName: "n", help: "Bytes per stored activation (1 for int8).", defaultValue: "4"),
        OptionSpec("gradient-bytes", valueName: "n", help: "Bytes per gradient element.", defaultValue: "4"),
        OptionSpec("bias-bytes", valueName: "n", help: "Bytes per conv/linear bias as the model stores it (4 for an int8 model's int32 biases). Default: --weight-bytes."),
        OptionSpec("optimizer", valueName: "name", help: "The inner loop's optimizer, whose state every updated element holds at the gradient's precision: sgd (none), momentum (one), adam (two).",
                   defaultValue: "sgd", allowedValues: Optimizer.allCases.map(\.rawValue)),
        OptionSpec("profile", valueName: "name", help: "Counting conventions: physical is what a trainer holds (Eq. (16)'s masks); appendix-a shares every layer's input and output; paper and paper-eq18 reproduce the printed baselines; torch-helper is what python/pmeta_torch.py holds in PyTorch; pytorch is what stock PyTorch autograd holds.",
                   defaultValue: "physical", allowedValues: CountingProfile.all.map(\.name)),
    ]

    /// The workload, inner steps and profile the options ask for on `graph`.
    /// - Throws: `CommandFailure.usage` for a value out of range.
    static func resolve(_ parsed: ParsedArguments, graph: ShapedGraph) throws(CommandFailure) -> (Workload, Int, CountingProfile) {
        let hint = graph.graph.suggestedWorkload
        let samples = try integer(parsed, "samples", in: 1...1_000_000_000) ?? hint?.samples ?? 25
        let microBatch = try integer(parsed, "micro-batch", in: 1...1_000_000_000)
            ?? hint.map { min($0.microBatch, samples) } ?? 1
        guard microBatch <= samples else {
            throw .usage("--micro-batch \(microBatch) is larger than --samples \(samples)", commandPath: parsed.commandPath)
        }
        let innerSteps = try integer(parsed, "inner-steps", in: 1...1_000) ?? 1
        let propagation: Propagation
        if let text = parsed.value("propagation") {
            guard let value = Propagation(rawValue: text) else {
                throw .usage("--propagation must be batched or streamed, found '\(text)'", commandPath: parsed.commandPath)
            }
            propagation = value
        } else {
            propagation = hint?.streamsSamples == true ? .streamed : .batched
        }
        let precision = Precision(weightBytes: try integer(parsed, "weight-bytes", in: 1...16) ?? 4,
                                  activationBytes: try integer(parsed, "activation-bytes", in: 1...16) ?? 4,
                                  gradientBytes: try integer(parsed, "gradient-bytes", in: 1...16) ?? 4,
                                  biasBytes: try integer(parsed, "bias-bytes", in: 1...16))
        let optimizer = try self.optimizer(parsed)
        let profileName = parsed.value("profile") ?? CountingProfile.physical.name
        guard let profile = CountingProfile.named(profileName) else {
            throw .usage("--profile must be one of \(CountingProfile.all.map(\.name).joined(separator: ", ")), found '\(profileName)'",
                         commandPath: parsed.commandPath)
        }
        return (Workload(samplesPerStep: samples, microBatch: microBatch, propagation: propagation, precision: precision,
                         updateState: UpdateState(optimizer: optimizer)),
                innerSteps, profile)
    }

    /// The parsed `--optimizer`.
    static func optimizer(_ parsed: ParsedArguments) throws(CommandFailure) -> Optimizer {
        let text = parsed.value("optimizer") ?? Optimizer.sgd.rawValue
        guard let optimizer = Optimizer(rawValue: text) else {
            throw .usage("--optimizer must be one of \(Optimizer.allCases.map(\.rawValue).joined(separator: ", ")), found '\(text.escapingControlCharacters)'",
                         commandPath: parsed.commandPath)
        }
        return optimizer
    }

    /// The integer value of `--name`, if given.
    /// - Throws: `CommandFailure.usage` when it is not a whole number in `range`.
    static func integer(_ parsed: ParsedArguments, _ name: String, in range: ClosedRange<Int>) throws(CommandFailure) -> Int? {
        guard let text = parsed.value(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .usage("--\(name) expects a whole number from \(DecimalFormatting.grouped(range.lowerBound)) to "
                + "\(DecimalFormatting.grouped(range.upperBound)), found '\(text)'", commandPath: parsed.commandPath)
        }
        return value
    }

    /// The output format of `--format`.
    static let formatSpec = OptionSpec("format", valueName: "format", help: "Output format.", defaultValue: "text",
                                       allowedValues: OutputFormat.allCases.map(\.rawValue))

    /// The parsed `--format`.
    static func format(_ parsed: ParsedArguments) throws(CommandFailure) -> OutputFormat {
        let text = parsed.value("format") ?? "text"
        guard let format = OutputFormat(rawValue: text) else {
            throw .usage("--format must be text, json or markdown, found '\(text)'", commandPath: parsed.commandPath)
        }
        return format
    }
}
