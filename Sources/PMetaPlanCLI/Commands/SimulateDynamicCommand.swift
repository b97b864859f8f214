import PMetaPlan
import PMetaTrainer

/// `pmeta-plan simulate-dynamic`: MeDyate's channel strategies compared on held-out few-shot tasks.
enum SimulateDynamicCommand {
    static let spec = CommandSpec(
        name: "simulate-dynamic",
        abstract: "Adapt held-out few-shot tasks under one channel budget with dynamic, static top-k and uniform channel choice; print accuracies.",
        discussion: """
            Every conv2d/linear layer updates ceil(B*C) of its C input channels. Dynamic redraws them before every epoch with \
            DynamicChannelPlan.resample, weighted by |mean input activation| of each channel in the previous epoch; static top-k \
            keeps the channels with the largest |mean activation| before adaptation; uniform redraws them with equal \
            probabilities. With --weights DIR (a folder written by meta-train on this architecture) every adaptation starts from \
            the meta-trained weights and the tasks come from the held-out test classes of the model's task family (its family seed, \
            noise and queries; --shots may change the support size); without it the weights are random (He-normal, from the seed) \
            and the tasks N-way with 15 queries per class. The output names the start used. Accuracies are on the query sets \
            with 95% intervals over tasks; the table ends with dynamic's paired advantage over each other strategy (the mean of \
            the per-task differences, in points, with its 95% interval).
            """,
        arguments: [ArgumentSpec("arch.json", help: "An image classifier: [C, H, W] input, [N] output.")],
        options: [
            OptionSpec("weights", valueName: "dir", help: "A folder written by meta-train: adapt from its weights on its held-out classes.",
                       valueExample: "out/fs-maml"),
            OptionSpec("tasks", valueName: "n", help: "Held-out tasks.", defaultValue: "200"),
            OptionSpec("epochs", valueName: "e", help: "Epochs (passes over the support set) per task.", defaultValue: "5"),
            OptionSpec("budget", valueName: "b", help: "Fraction of input channels each layer updates, in (0, 1].", defaultValue: "0.25"),
            OptionSpec("shots", valueName: "k", help: "Support samples per class. Default: the model's with --weights, else 5."),
            OptionSpec("learning-rate", valueName: "a", help: "SGD step size.", defaultValue: "0.1"),
            OptionSpec("seed", valueName: "s", help: "The seed of the weights, tasks and draws.", defaultValue: "1"),
            WorkloadOptions.formatSpec,
        ])

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        guard let path = parsed.positional("arch.json") else { throw .usage("missing arch.json", commandPath: parsed.commandPath) }
        let network = try TrainerInputs.network(at: path)
        let graph = network.graph
        guard graph.inputShape.dimensions.count == 3, let ways = graph.outputShapes.last?.dimensions.first, ways >= 2,
              graph.outputShapes.last?.dimensions.count == 1 else {
            throw .badData("\(path): simulate-dynamic needs an image classifier ([C, H, W] input, [N] output)")
        }
        let tasks = try WorkloadOptions.integer(parsed, "tasks", in: 1...100_000) ?? 200
        let epochs = try WorkloadOptions.integer(parsed, "epochs", in: 1...10_000) ?? 5
        let shotsOption = try WorkloadOptions.integer(parsed, "shots", in: 1...1_000)
        let budget = try TrainerInputs.number(parsed, "budget", in: 0.000_001...1) ?? 0.25
        let learningRate = try TrainerInputs.number(parsed, "learning-rate", in: 0.000_001...100) ?? 0.1
        let seed = try TrainerInputs.seed(parsed)
        var generator = SplitMix64(seed: seed)
        let dimensions = graph.inputShape.dimensions
        let parameters: NetworkParameters
        let family: PrototypeImageTasks
        let start: String
        if let weightsPath = parsed.value("weights") {
            let model = try TrainerInputs.modelFolder(at: weightsPath, for: network)
            guard case .fewShot(let modelWays, let modelShots, let queries, let familySeed, let noise) = model.description.task,
                  modelWays == ways else {
                throw .badData("\(weightsPath)/model.json: simulate-dynamic needs a model meta-trained on \(ways)-way few-shot tasks")
            }
            parameters = model.parameters
            family = PrototypeImageTasks(channels: dimensions[0], height: dimensions[1], width: dimensions[2], ways: ways,
                                         shots: shotsOption ?? modelShots, queriesPerClass: queries, familySeed: familySeed, noise: noise)
            start = "meta-trained weights \(weightsPath) (\(model.description.method.displayName), \(model.description.iterations) steps, "
                + "meta-trained \(modelShots)-shot), held-out test classes of family seed \(familySeed)"
        } else {
            parameters = network.initialParameters(using: &generator)
            family = PrototypeImageTasks(channels: dimensions[0], height: dimensions[1], width: dimensions[2], ways: ways,
                                         shots: shotsOption ?? 5)
            start = "random weights (He-normal, seed \(seed)), held-out test classes of family seed \(family.familySeed)"
        }
        let shots = family.shots
        let simulation = DynamicChannelSimulation(network: network, parameters: parameters, family: family, taskCount: tasks,
                                                  epochs: epochs, channelBudget: budget, learningRate: Float(learningRate),
                                                  batchSize: ways)
        let comparison: DynamicChannelComparison
        do { comparison = try simulation.run(using: &generator) } catch { throw .badData("\(path): \(error)") }
        let header = "\(graph.graph.name): \(ways)-way \(shots)-shot, \(tasks) held-out tasks, \(epochs) epochs, budget \(budget), "
            + "learning rate \(learningRate), seed \(seed)\nStart: \(start)\n"
        switch try WorkloadOptions.format(parsed) {
        case .text:
            return CommandResult(output: header + comparison.table)
        case .markdown:
            return CommandResult(output: "### pmeta-plan simulate-dynamic\n\n```text\n" + header + comparison.table + "```\n")
        case .json:
            func score(_ value: MeanWithInterval) -> JSONValue {
                .object([("mean", .double(value.mean)), ("ci95", .double(value.halfWidth)), ("tasks", .integer(value.count))])
            }
            return CommandResult(output: JSONWriter.write(.object([
                ("architecture", .string(graph.graph.name)), ("ways", .integer(ways)), ("shots", .integer(shots)),
                ("tasks", .integer(tasks)), ("epochs", .integer(epochs)), ("channel_budget", .double(budget)),
                ("learning_rate", .double(learningRate)), ("seed", .number(String(seed))), ("start", .string(start)),
                ("adaptation_peak_bytes", .integer(comparison.plan.cost.peak.bytes)),
                ("accuracy_before", score(comparison.before)),
                ("strategies", .object(comparison.rows.map { (key: $0.strategy.rawValue, value: score($0.accuracy)) })),
                ("dynamic_advantage", .object(comparison.dynamicAdvantages.map { (key: $0.strategy.rawValue, value: score($0.accuracy)) })),
            ])))
        }
    }
}
