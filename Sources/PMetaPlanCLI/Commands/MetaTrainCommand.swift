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
        arguments: [InputFile.architectureArgument],
        options: [task.spec, output.spec, method.spec, iterations.spec, seed.spec, innerSteps.spec, innerLearningRate.spec, outerLearningRate.spec,
                  stepSizeLearningRate.spec, lassoStrength.spec, lassoWarmup.spec, tasksPerBatch.spec, shots.spec, queries.spec, noise.spec,
                  familySeed.spec, validationInterval.spec, validationTasks.spec, attention.spec, forwardClipRatio.spec, backwardClipRatio.spec,
                  kernels.spec, outerSchedule.spec, secondOrder.spec, WorkloadOptions.format.spec])

    /// `--task`: the task family meta-training draws from.
    enum TaskKind: String, CaseIterable, Sendable {
        case sinusoid
        case fewshot
    }

    static let task = Option<TaskKind>.choice("task", valueName: "kind", help: "The task family.").required()
    static let output = Option.text("output", shortName: "o", valueName: "dir", help: "The folder to write the model to.", valueExample: "out/pmeta").required()
    static let method = Option<MetaLearningMethod>.choice("method", valueName: "method", help: "The meta-learning algorithm.").defaulting(to: .pMeta)
    static let iterations = Option.integer("iterations", help: "Outer steps.", in: 0...100_000_000).defaulting(to: 1000)
    static let seed = Option.seed(help: "The seed of the initialization and of every task drawn.").defaulting(to: 1)
    static let innerSteps = Option.integer("inner-steps", shortName: "k", valueName: "K", help: "Inner gradient steps per task.", in: 1...100).defaulting(to: 2)
    static let innerLearningRate = Option.number("inner-lr", valueName: "alpha",
        help: "The inner step size (initial alpha for maml++ and pmeta). Default: 0.1 for fewshot, 0.01 for sinusoid.", in: 0...100)
    static let outerLearningRate = Option.number("outer-lr", valueName: "beta", help: "Adam's step size for the weights.", in: 0...10).defaulting(to: 0.001)
    static let stepSizeLearningRate = Option.number("step-size-lr", valueName: "eta", help: "Adam's step size for alpha (maml++, pmeta).", in: 0...10)
        .defaulting(to: 0.001)
    static let lassoStrength = Option.number("lambda", valueName: "lambda",
        help: "The memory-weighted Lasso strength of Eq. (9), per word of m(x_{l-1}) (pmeta); lambda x m(x_{l-1}) above 1 drives a layer-step to 0.",
        in: 0...1e6).defaulting(to: 0.001)
    static let lassoWarmup = Option.integer("lasso-warmup", help: "Outer steps before the Lasso applies (pmeta). Default: a third of --iterations.", in: 0...100_000_000)
    static let tasksPerBatch = Option.integer("tasks-per-batch", help: "Tasks per outer step.", in: 1...10_000).defaulting(to: 4)
    static let shots = Option.integer("shots", valueName: "K", help: "Support samples per class (fewshot) or points (sinusoid). Default: 1 for fewshot, 10 for sinusoid.",
                                      in: 1...10_000)
    static let queries = Option.integer("queries", help: "Query samples per class (fewshot) or points (sinusoid).", in: 1...10_000).defaulting(to: 15)
    static let noise = Option.number("noise", valueName: "sigma", help: "Per-pixel noise of the generated images (fewshot).", in: 0...100).defaulting(to: 0.8)
    static let familySeed = Option.seed("family-seed", help: "The seed of the generated classes (fewshot).").defaulting(to: 2022)
    static let validationInterval = Option.integer("validate-every", help: "Outer steps between validations.", in: 1...100_000_000).defaulting(to: 100)
    static let validationTasks = Option.integer("validation-tasks", help: "Validation tasks (fixed for the whole run).", in: 1...1_000_000).defaulting(to: 50)
    static let attention = Flag("attention", help: "Also learn p-Meta's meta attention (Sec. 3.3) for every conv/linear layer but the head; writes DIR/attention.bin.")
    static let forwardClipRatio = Option.number("rho", valueName: "ratio", help: "The forward clip ratio rho_fw of Alg. 1 (with --attention).", in: 0...0.99)
        .defaulting(to: 0.3)
    static let backwardClipRatio = Option.number("rho-backward", valueName: "ratio", help: "The backward clip ratio rho_bw of Alg. 1 (with --attention).", in: 0...0.99)
        .defaulting(to: 0)
    static let kernels = Option<KernelChoice>.choice("kernels", valueName: "kind", help: "The conv2d kernels: im2col (faster) or scratch-free (what validate measures).",
                                                     choices: [(KernelChoice.im2col.rawValue, .im2col), (KernelChoice.scratchFree.rawValue, .scratchFree)])
        .defaulting(to: .im2col)
    static let secondOrder = Flag("second-order", help: "Differentiate through the inner loop (Hessian-vector products by finite differences of gradients: two more gradient passes per inner step) instead of the first-order rule; with --attention the scores are held constant in the weights.")
    /// The outer learning rates' schedule by name; cosine anneals over --iterations.
    enum OuterScheduleName: String, Sendable { case constant, cosine }
    static let outerSchedule = Option<OuterScheduleName>.choice(
        "outer-schedule", valueName: "kind",
        help: "The outer learning rates (--outer-lr, --step-size-lr, attention): constant, or cosine, annealed from the given rate towards 0 over --iterations as MAML++ and p-Meta do.",
        choices: [(OuterScheduleName.constant.rawValue, .constant), (OuterScheduleName.cosine.rawValue, .cosine)])
        .defaulting(to: .constant)

    static func run(_ parsed: ParsedArguments, context: CommandContext) throws(CommandFailure) -> CommandResult {
        let path = parsed.positional(InputFile.architectureArgument) ?? ""
        let commandPath = parsed.commandPath
        let format = try parsed.value(WorkloadOptions.format)
        guard let taskKind = try parsed.value(Self.task) else { throw .usage("meta-train needs --task sinusoid or --task fewshot", commandPath: commandPath) }
        guard let output = try parsed.value(Self.output) else { throw .usage("meta-train needs -o DIR, the folder to write the model to", commandPath: commandPath) }
        guard !output.isEmpty else { throw .usage("-o needs a folder name, found an empty value", commandPath: commandPath) }
        let network = try TrainerInputs.network(at: path)
        let method = try parsed.value(Self.method)
        let isSinusoid = taskKind == .sinusoid
        let inputShape = network.graph.inputShape.dimensions
        let outputShape = network.graph.outputShapes[network.layerCount - 1].dimensions
        let task: MetaTrainedModel.Task
        let shots = try parsed.value(Self.shots) ?? (isSinusoid ? 10 : 1)
        let queries = try parsed.value(Self.queries)
        if isSinusoid {
            guard inputShape == [1], outputShape == [1] else {
                throw .badData("\(path): sinusoid regression needs an input of shape [1] and an output of shape [1], found \(inputShape) and \(outputShape)")
            }
            task = .sinusoid(shots: shots, queries: queries)
        } else {
            guard inputShape.count == 3, outputShape.count == 1, outputShape[0] >= 2 else {
                throw .badData("\(path): few-shot classification needs an image input [C, H, W] and a head with N >= 2 outputs, found \(inputShape) and \(outputShape)")
            }
            task = .fewShot(ways: outputShape[0], shots: shots, queries: queries, familySeed: try parsed.value(Self.familySeed),
                            noise: try parsed.value(Self.noise))
        }
        if let problem = task.sizeProblem(on: network) { throw .usage("--shots \(shots) with --queries \(queries): \(problem)", commandPath: commandPath) }
        let iterations = try parsed.value(Self.iterations)
        var configuration = MetaTrainingConfiguration(
            method: method, innerSteps: try parsed.value(Self.innerSteps),
            innerStepSize: Float(try parsed.value(Self.innerLearningRate) ?? (isSinusoid ? 0.01 : 0.1)),
            outerLearningRate: Float(try parsed.value(Self.outerLearningRate)),
            stepSizeLearningRate: Float(try parsed.value(Self.stepSizeLearningRate)),
            lassoStrength: Float(try parsed.value(Self.lassoStrength)),
            lassoWarmup: try parsed.value(Self.lassoWarmup) ?? iterations / 3,
            tasksPerBatch: try parsed.value(Self.tasksPerBatch),
            kernels: try parsed.value(Self.kernels))
        configuration.secondOrder = parsed.isSet(Self.secondOrder)
        switch try parsed.value(Self.outerSchedule) {
        case .constant: configuration.outerSchedule = .constant
        case .cosine: configuration.outerSchedule = .cosine(iterations: iterations)
        }
        let validationInterval = try parsed.value(Self.validationInterval)
        let validationTasks = try parsed.value(Self.validationTasks)
        let seed = try parsed.value(Self.seed)
        let family = task.family(sampleShape: inputShape)

        // Every file is checked before hours of training, and all are written together afterwards (all or none).
        let folder = output.hasSuffix("/") ? String(output.dropLast()) : output
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw .unreadable("\(folder): exists and is not a directory; -o names the folder to write the model to")
        }
        let fileNames = ["weights.bin", "model.json", "importance.json", "plan.json"] + (parsed.isSet(Self.attention) ? ["attention.bin"] : [])
        for name in fileNames { try OutputFiles.checkWritable(folder + "/" + name) }

        var generator = SplitMix64(seed: seed)
        let parameters = network.initialParameters(using: &generator)
        var attention: MetaAttention?
        if parsed.isSet(Self.attention) {
            attention = MetaAttention(network: network, forwardClipRatio: Float(try parsed.value(Self.forwardClipRatio)),
                                      backwardClipRatio: Float(try parsed.value(Self.backwardClipRatio)),
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
        var description = MetaTrainedModel(
            architecture: graph.graph.name, method: method, innerSteps: configuration.innerSteps, innerStepSize: configuration.innerStepSize,
            iterations: iterations, seed: seed, task: task,
            bestValidation: summary.bestValidation.map { (summary.metric, $0, summary.bestIteration) },
            attentionClipRatios: learner.attention.map { ($0.forwardClipRatio, $0.backwardClipRatio) })
        description.outerSchedule = configuration.outerSchedule
        description.secondOrder = configuration.secondOrder
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

        let scheduleText = (configuration.outerSchedule == .constant ? "" : ", outer rates annealed by a cosine")
            + (configuration.secondOrder ? ", second-order meta-gradients" : "")
        var text = "Meta-trained \(graph.graph.name) with \(method.displayName) for \(iterations) steps (seed \(seed)\(scheduleText)).\n"
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
