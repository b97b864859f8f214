import Foundation
import PMetaPlan
import PMetaTrainer

/// `pmeta-plan meta-train ARCH.json --task sinusoid|fewshot -o DIR`: meta-training on generated tasks.
enum MetaTrainCommand {
    static let spec = CommandSpec(
        name: "meta-train",
        abstract: "Meta-train a network on generated tasks with MAML, ANIL, BOIL, MAML++ or p-Meta, and write its weights and learned step sizes.",
        discussion: """
            Tasks are generated in code from --family-seed: sinusoid regression (amplitude 0.1-5, phase 0-pi, x in -5..5) for a \
            network with one input and one output, or N-way K-shot classification of procedurally generated classes for an image \
            network whose head has N outputs. Meta-training, validation and test classes are disjoint; the weights that validate best are kept.
            Writes DIR/weights.bin (the weights), DIR/model.json (how they were trained), DIR/importance.json (the step sizes \
            alpha_l^k, the importance file the planner reads) and DIR/plan.json (the layer-steps with a nonzero step size).
            The outer loop is first-order (inner gradients held constant), exact for the step sizes with one inner step.
            """,
        arguments: [ArgumentSpec("arch.json", help: "An architecture file (see architectures/).")],
        options: [
            OptionSpec("task", valueName: "kind", help: "The task family.", valueExample: "fewshot", allowedValues: ["sinusoid", "fewshot"]).required(),
            OptionSpec("output", shortName: "o", valueName: "dir", help: "The folder to write the model to.", valueExample: "out/pmeta").required(),
            OptionSpec("method", valueName: "method", help: "The meta-learning algorithm.", defaultValue: MetaLearningMethod.pMeta.rawValue,
                       allowedValues: MetaLearningMethod.allCases.map(\.rawValue)),
            OptionSpec("iterations", valueName: "n", help: "Outer steps.", defaultValue: "1000"),
            OptionSpec("seed", valueName: "s", help: "The seed of the initialization and of every task drawn.", defaultValue: "1"),
            OptionSpec("inner-steps", shortName: "k", valueName: "K", help: "Inner gradient steps per task.", defaultValue: "2"),
            OptionSpec("inner-lr", valueName: "alpha", help: "The inner step size (initial alpha for maml++ and pmeta). Default: 0.1 for fewshot, 0.01 for sinusoid."),
            OptionSpec("outer-lr", valueName: "beta", help: "Adam's step size for the weights.", defaultValue: "0.001"),
            OptionSpec("step-size-lr", valueName: "eta", help: "The gradient step size for alpha (maml++, pmeta).", defaultValue: "0.001"),
            OptionSpec("lambda", valueName: "lambda", help: "The memory-weighted Lasso strength of Eq. (9), per word of m(x_{l-1}) (pmeta); lambda x m(x_{l-1}) above 1 drives a layer-step to 0.", defaultValue: "0.001"),
            OptionSpec("lasso-warmup", valueName: "n", help: "Outer steps before the Lasso applies (pmeta). Default: a third of --iterations."),
            OptionSpec("tasks-per-batch", valueName: "n", help: "Tasks per outer step.", defaultValue: "4"),
            OptionSpec("shots", valueName: "K", help: "Support samples per class (fewshot) or points (sinusoid). Default: 1 for fewshot, 10 for sinusoid."),
            OptionSpec("queries", valueName: "n", help: "Query samples per class (fewshot) or points (sinusoid).", defaultValue: "15"),
            OptionSpec("noise", valueName: "sigma", help: "Per-pixel noise of the generated images (fewshot).", defaultValue: "0.8"),
            OptionSpec("family-seed", valueName: "s", help: "The seed of the generated classes (fewshot).", defaultValue: "2022"),
            OptionSpec("validate-every", valueName: "n", help: "Outer steps between validations.", defaultValue: "100"),
            OptionSpec("validation-tasks", valueName: "n", help: "Validation tasks (fixed for the whole run).", defaultValue: "50"),
            .flag("attention", help: "Also learn p-Meta's meta attention (Sec. 3.3) for every conv/linear layer but the head; writes DIR/attention.bin."),
            OptionSpec("rho", valueName: "ratio", help: "The forward clip ratio rho_fw of Alg. 1 (with --attention).", defaultValue: "0.3"),
            OptionSpec("rho-backward", valueName: "ratio", help: "The backward clip ratio rho_bw of Alg. 1 (with --attention).", defaultValue: "0"),
            OptionSpec("kernels", valueName: "kind", help: "The conv2d kernels: im2col (faster) or scratch-free (what validate measures).",
                       defaultValue: KernelChoice.im2col.rawValue, allowedValues: [KernelChoice.im2col.rawValue, KernelChoice.scratchFree.rawValue]),
            WorkloadOptions.formatSpec,
        ])

    static func run(_ parsed: ParsedArguments, context: CommandContext) throws(CommandFailure) -> CommandResult {
        let path = parsed.positional("arch.json") ?? ""
        let commandPath = parsed.commandPath
        let format = try WorkloadOptions.format(parsed)
        guard let taskKind = parsed.value("task") else { throw .usage("meta-train needs --task sinusoid or --task fewshot", commandPath: commandPath) }
        guard let output = parsed.value("output") else { throw .usage("meta-train needs -o DIR, the folder to write the model to", commandPath: commandPath) }
        guard !output.isEmpty else { throw .usage("-o needs a folder name, found an empty value", commandPath: commandPath) }
        let network = try TrainerInputs.network(at: path)
        let methodName = parsed.value("method") ?? MetaLearningMethod.pMeta.rawValue
        guard let method = MetaLearningMethod(rawValue: methodName) else {
            throw .usage("unknown method '\(methodName)'", commandPath: commandPath)
        }
        let isSinusoid = taskKind == "sinusoid"
        let inputShape = network.graph.inputShape.dimensions
        let outputShape = network.graph.outputShapes[network.layerCount - 1].dimensions
        let task: MetaTrainedModel.Task
        let shots = try WorkloadOptions.integer(parsed, "shots", in: 1...10_000) ?? (isSinusoid ? 10 : 1)
        let queries = try WorkloadOptions.integer(parsed, "queries", in: 1...10_000) ?? 15
        if isSinusoid {
            guard inputShape == [1], outputShape == [1] else {
                throw .badData("\(path): sinusoid regression needs an input of shape [1] and an output of shape [1], found \(inputShape) and \(outputShape)")
            }
            task = .sinusoid(shots: shots, queries: queries)
        } else {
            guard inputShape.count == 3, outputShape.count == 1, outputShape[0] >= 2 else {
                throw .badData("\(path): few-shot classification needs an image input [C, H, W] and a head with N >= 2 outputs, found \(inputShape) and \(outputShape)")
            }
            task = .fewShot(ways: outputShape[0], shots: shots, queries: queries, familySeed: try TrainerInputs.seed(parsed, "family-seed"),
                            noise: try TrainerInputs.number(parsed, "noise", in: 0...100) ?? 0.8)
        }
        let iterations = try WorkloadOptions.integer(parsed, "iterations", in: 0...100_000_000) ?? 1000
        let configuration = MetaTrainingConfiguration(
            method: method, innerSteps: try WorkloadOptions.integer(parsed, "inner-steps", in: 1...100) ?? 2,
            innerStepSize: Float(try TrainerInputs.number(parsed, "inner-lr", in: 0...100) ?? (isSinusoid ? 0.01 : 0.1)),
            outerLearningRate: Float(try TrainerInputs.number(parsed, "outer-lr", in: 0...10) ?? 1e-3),
            stepSizeLearningRate: Float(try TrainerInputs.number(parsed, "step-size-lr", in: 0...10) ?? 1e-3),
            lassoStrength: Float(try TrainerInputs.number(parsed, "lambda", in: 0...1e6) ?? 1e-3),
            lassoWarmup: try WorkloadOptions.integer(parsed, "lasso-warmup", in: 0...100_000_000) ?? iterations / 3,
            tasksPerBatch: try WorkloadOptions.integer(parsed, "tasks-per-batch", in: 1...10_000) ?? 4,
            kernels: KernelChoice(rawValue: parsed.value("kernels") ?? "") ?? .im2col)
        let validationInterval = try WorkloadOptions.integer(parsed, "validate-every", in: 1...100_000_000) ?? 100
        let validationTasks = try WorkloadOptions.integer(parsed, "validation-tasks", in: 1...1_000_000) ?? 50
        let seed = try TrainerInputs.seed(parsed)
        let family = task.family(sampleShape: inputShape)

        // Every file is checked before hours of training, and all are written together afterwards (all or none).
        let folder = output.hasSuffix("/") ? String(output.dropLast()) : output
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw .unreadable("\(folder): exists and is not a directory; -o names the folder to write the model to")
        }
        let fileNames = ["weights.bin", "model.json", "importance.json", "plan.json"] + (parsed.flag("attention") ? ["attention.bin"] : [])
        for name in fileNames { try OutputFiles.checkWritable(folder + "/" + name) }

        var generator = SplitMix64(seed: seed)
        let parameters = network.initialParameters(using: &generator)
        var attention: MetaAttention?
        if parsed.flag("attention") {
            attention = MetaAttention(network: network, forwardClipRatio: Float(try TrainerInputs.number(parsed, "rho", in: 0...0.99) ?? 0.3),
                                      backwardClipRatio: Float(try TrainerInputs.number(parsed, "rho-backward", in: 0...0.99) ?? 0),
                                      using: &generator)
        }
        var learner = MetaLearner(network: network, configuration: configuration, parameters: parameters,
                                  stepSizes: method.initialStepSizes(for: network, innerSteps: configuration.innerSteps,
                                                                     stepSize: configuration.innerStepSize),
                                  attention: attention)
        let display = ProgressDisplay(context: context, iterations: iterations, validationInterval: validationInterval)
        let summary: MetaTrainingSummary
        do {
            summary = try learner.train(on: family, iterations: iterations, validationInterval: validationInterval,
                                        validationTasks: validationTasks, using: &generator) { progress in display.show(progress) }
        } catch {
            display.finish()
            throw .badData("\(path): \(error); nothing was written. Try smaller step sizes: --inner-lr (now "
                + "\(configuration.innerStepSize)) and --outer-lr (now \(configuration.outerLearningRate))"
                + (method.learnsStepSizes ? " or --step-size-lr (now \(configuration.stepSizeLearningRate))" : ""))
        }
        display.finish()

        let graph = network.graph
        let description = MetaTrainedModel(
            architecture: graph.graph.name, method: method, innerSteps: configuration.innerSteps, innerStepSize: configuration.innerStepSize,
            iterations: iterations, seed: seed, task: task,
            bestValidation: summary.bestValidation.map { (summary.metric, $0, summary.bestIteration) },
            attentionClipRatios: learner.attention.map { ($0.forwardClipRatio, $0.backwardClipRatio) })
        let plan = learner.deployedPlan
        var files = [OutputFiles.Pending(path: folder + "/weights.bin", bytes: learner.parameters.encodedWeightsFile())]
        if let attention = learner.attention {
            files.append(OutputFiles.Pending(path: folder + "/attention.bin", bytes: attention.modules.encodedWeightsFile()))
        }
        files.append(OutputFiles.Pending(path: folder + "/model.json", bytes: Array((JSONWriter.write(description.json()) + "\n").utf8)))
        files.append(OutputFiles.Pending(path: folder + "/importance.json",
                                         bytes: Array((JSONWriter.write(learner.importance(source: output).json(for: graph)) + "\n").utf8)))
        let planDocument = plan.json(for: graph, extra: [("note", .string("the layer-steps with a nonzero learned step size"))])
        files.append(OutputFiles.Pending(path: folder + "/plan.json", bytes: Array((JSONWriter.write(planDocument) + "\n").utf8)))
        try OutputFiles.write(files)

        var text = "Meta-trained \(graph.graph.name) with \(method.displayName) for \(iterations) steps (seed \(seed)).\n"
        if let best = summary.bestValidation {
            text += "Best validation \(ProgressDisplay.format(best.mean, summary.metric)) ± \(ProgressDisplay.format(best.halfWidth, summary.metric)) at step \(summary.bestIteration).\n"
        }
        text += "Step sizes alpha_l^k (0 = not updated on the device):\n"
        var table = TextTable(headers: ["layer"] + (1...configuration.innerSteps).map { "k=\($0)" },
                              alignments: [.left] + Array(repeating: .right, count: configuration.innerSteps))
        for layer in 0..<network.layerCount where !network.operations[layer].parameterShapes.isEmpty {
            table.append([graph.layers[layer].name] + learner.stepSizes.map { String(format: "%.4g", Double($0[layer])) })
        }
        text += table.render()
        text += "Deployed plan: " + plan.compactDescription(for: graph).joined(separator: " | ") + "\n"
        text += "Wrote \(folder)/weights.bin, model.json, importance.json, plan.json\(learner.attention == nil ? "" : ", attention.bin").\n"
        switch format {
        case .text:
            return CommandResult(output: text)
        case .markdown:
            return CommandResult(output: "### pmeta-plan meta-train: \(graph.graph.name) with \(method.displayName)\n\n"
                + MarkdownTable(header: table.headers, alignments: table.alignments, rows: table.rows).render()
                + "\nDeployed plan: " + plan.compactDescription(for: graph).joined(separator: " | ") + "\n\n"
                + files.map { "- \($0.path)\n" }.joined())
        case .json:
            var members: [(key: String, value: JSONValue)] = [("model", description.json())]
            members.append(("step_sizes", .object((0..<network.layerCount).filter { !network.operations[$0].parameterShapes.isEmpty }.map { layer in
                (key: graph.layers[layer].name, value: JSONValue.array(learner.stepSizes.map { .double(Double($0[layer])) }))
            })))
            members.append(("deployed_plan", .array(plan.compactDescription(for: graph).map { .string($0) })))
            members.append(("files", .array(files.map { .string($0.path) })))
            return CommandResult(output: JSONWriter.write(.object(members)))
        }
    }
}

/// The progress of meta-training: one redrawn line with an ETA on a terminal, plain lines otherwise.
final class ProgressDisplay: @unchecked Sendable {
    let context: CommandContext
    let iterations: Int
    let validationInterval: Int
    let clock = ContinuousClock()
    let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant
    private var drewLine = false

    init(context: CommandContext, iterations: Int, validationInterval: Int) {
        self.context = context
        self.iterations = iterations
        self.validationInterval = validationInterval
        start = clock.now
        lastDraw = start
    }

    static func format(_ value: Double, _ metric: TaskMetric) -> String {
        metric == .accuracy ? String(format: "%.1f%%", 100 * value) : String(format: "%.4f", value)
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return "\(total / 3600)h \(total % 3600 / 60)m" }
        if total >= 60 { return "\(total / 60)m \(total % 60)s" }
        return "\(total)s"
    }

    func show(_ progress: MetaTrainingProgress) {
        let now = clock.now
        let elapsed = (now - start).seconds
        let remaining = progress.iteration > 0 ? elapsed / Double(progress.iteration) * Double(iterations - progress.iteration) : 0
        let metricName = progress.metric == .accuracy ? "accuracy" : "mse"
        var line = "step \(progress.iteration)/\(iterations)  query loss \(String(format: "%.4f", progress.step.queryLoss))"
            + "  query \(metricName) \(Self.format(progress.step.queryScore, progress.metric))  nonzero alpha \(progress.step.activeLayerSteps)"
        if let validation = progress.validation {
            line += "  validation \(Self.format(validation.mean, progress.metric))"
        }
        if let best = progress.bestValidation { line += " (best \(Self.format(best, progress.metric)))" }
        if context.isTerminal {
            guard progress.validation != nil || (now - lastDraw).seconds >= 0.2 || progress.iteration == iterations else { return }
            lastDraw = now
            let percent = iterations > 0 ? 100 * progress.iteration / iterations : 100
            context.progress("\r\u{1B}[K\(percent)%  \(line)  ETA \(Self.duration(remaining))")
            drewLine = true
        } else if progress.validation != nil {
            context.progress("\(line)  elapsed \(Self.duration(elapsed))\n")
        }
    }

    func finish() {
        if drewLine { context.progress("\n") }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
