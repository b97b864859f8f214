import PMetaPlan

/// The workload knobs every costing command shares, and how they become a `Workload`.
enum WorkloadOptions {
    /// `--samples`: its default comes from the architecture file, so it has none here.
    static let samples = Option.integer("samples", help: "Support samples per inner step (5-way 5-shot: 25). Default: the architecture file's workload, else 25.",
                                        in: 1...1_000_000_000)
    static let microBatch = Option.integer("micro-batch", help: "Samples per forward/backward pass; fewer than --samples accumulates gradients. "
                                           + "Default: the architecture file's workload, else 1.", in: 1...1_000_000_000)
    static let innerSteps = Option.integer("inner-steps", shortName: "k", valueName: "K", help: "Inner gradient steps of one adaptation.",
                                           in: 1...1_000).defaulting(to: 1)
    static let propagation = Option<Propagation>.choice("propagation", valueName: "mode",
        help: "How samples go through a micro-batch: together, or one at a time keeping what each stores (RL). Default: the architecture file's workload, else batched.")
    static let weightBytes = Option.integer("weight-bytes", help: "Bytes per weight.", in: 1...16).defaulting(to: 4)
    static let activationBytes = Option.integer("activation-bytes", help: "Bytes per stored activation (1 for int8).", in: 1...16).defaulting(to: 4)
    static let gradientBytes = Option.integer("gradient-bytes", help: "Bytes per gradient element.", in: 1...16).defaulting(to: 4)
    static let biasBytes = Option.integer("bias-bytes", help: "Bytes per conv/linear bias as the model stores it (4 for an int8 model's int32 biases). Default: --weight-bytes.",
                                          in: 1...16)
    static let optimizer = Option<Optimizer>.choice("optimizer",
        help: "The inner loop's optimizer, whose state every updated element holds at the gradient's precision: sgd (none), momentum (one), adam (two).")
        .defaulting(to: .sgd)
    static let profile = Option<CountingProfile>.choice("profile",
        help: "Counting conventions: physical is what a trainer holds (Eq. (16)'s masks); appendix-a shares every layer's input and output; paper and paper-eq18 "
            + "reproduce the printed baselines; torch-helper is what python/pmeta_torch.py holds in PyTorch; pytorch is what stock PyTorch autograd holds.",
        choices: CountingProfile.all.map { ($0.name, $0) }).defaulting(to: .physical)

    /// The options, for command specs.
    static let specs: [OptionSpec] = [samples.spec, microBatch.spec, innerSteps.spec, propagation.spec, weightBytes.spec, activationBytes.spec,
                                      gradientBytes.spec, biasBytes.spec, optimizer.spec, profile.spec]

    /// The workload, inner steps and profile the options ask for on `graph`.
    /// - Throws: `CommandFailure.usage` for a value out of range.
    static func resolve(_ parsed: ParsedArguments, graph: ShapedGraph) throws(CommandFailure) -> (Workload, Int, CountingProfile) {
        let hint = graph.graph.suggestedWorkload
        let samples = try parsed.value(Self.samples) ?? hint?.samples ?? 25
        let microBatch = try parsed.value(Self.microBatch) ?? hint.map { min($0.microBatch, samples) } ?? 1
        guard microBatch <= samples else {
            throw .usage("--micro-batch \(microBatch) is larger than --samples \(samples)", commandPath: parsed.commandPath)
        }
        let propagation = try parsed.value(Self.propagation) ?? (hint?.streamsSamples == true ? .streamed : .batched)
        let precision = Precision(weightBytes: try parsed.value(Self.weightBytes), activationBytes: try parsed.value(Self.activationBytes),
                                  gradientBytes: try parsed.value(Self.gradientBytes), biasBytes: try parsed.value(Self.biasBytes))
        return (Workload(samplesPerStep: samples, microBatch: microBatch, propagation: propagation, precision: precision,
                         updateState: UpdateState(optimizer: try parsed.value(Self.optimizer))),
                try parsed.value(Self.innerSteps), try parsed.value(Self.profile))
    }

    /// `--format`: text by default; a command whose first reader is a script defaults to JSON (`check`, `convert`).
    static let format = Option<OutputFormat>.choice("format", valueName: "format", help: "Output format.").defaulting(to: .text)
}
