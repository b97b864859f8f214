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
        arguments: [architecture],
        options: [weights.spec, tasks.spec, epochs.spec, budget.spec, byteBudget.spec, shots.spec, learningRate.spec, seed.spec,
                  WorkloadOptions.format.spec])

    static let architecture = ArgumentSpec("arch.json", help: "An image classifier: [C, H, W] input, [N] output.")
    static let weights = Option.text("weights", valueName: "dir", help: "A folder written by meta-train: adapt from its weights on its held-out classes.",
                                     valueExample: "out/fs-maml")
    static let tasks = Option.integer("tasks", help: "Held-out tasks.", in: 1...100_000).defaulting(to: 200)
    static let epochs = Option.integer("epochs", valueName: "e", help: "Epochs (passes over the support set) per task.", in: 1...10_000).defaulting(to: 5)
    static let budget = Option.number("budget", valueName: "b", help: "Fraction of input channels each layer updates, in (0, 1].", in: 0.000_001...1)
        .defaulting(to: 0.25)
    static let byteBudget = Option.size("byte-budget", help: "Instead of --budget: the adaptation peak the planner's per-layer channel counts must fit (LaRa pre-selection and the DynamicChannelPlanner, one step of N samples), e.g. 40KB.")
    static let shots = Option.integer("shots", valueName: "k", help: "Support samples per class. Default: the model's with --weights, else 5.", in: 1...1_000)
    static let learningRate = Option.number("learning-rate", valueName: "a", help: "SGD step size.", in: 0.000_001...100).defaulting(to: 0.1)
    static let seed = Option.seed(help: "The seed of the weights, tasks and draws.").defaulting(to: 1)

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        guard let path = parsed.positional(architecture) else { throw .usage("missing arch.json", commandPath: parsed.commandPath) }
        let network = try TrainerInputs.network(at: path)
        let graph = network.graph
        guard graph.inputShape.dimensions.count == 3, let ways = graph.outputShapes.last?.dimensions.first, ways >= 2,
              graph.outputShapes.last?.dimensions.count == 1 else {
            throw .badData("\(path): simulate-dynamic needs an image classifier ([C, H, W] input, [N] output)")
        }
        let tasks = try parsed.value(Self.tasks)
        let epochs = try parsed.value(Self.epochs)
        let shotsOption = try parsed.value(Self.shots)
        let budget = try parsed.value(Self.budget)
        let learningRate = try parsed.value(Self.learningRate)
        let seed = try parsed.value(Self.seed)
        var generator = SplitMix64(seed: seed)
        let dimensions = graph.inputShape.dimensions
        let parameters: NetworkParameters
        let family: PrototypeImageTasks
        let start: String
        if let weightsPath = try parsed.value(Self.weights) {
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
        var simulation = DynamicChannelSimulation(network: network, parameters: parameters, family: family, taskCount: tasks,
                                                  epochs: epochs, channelBudget: budget, learningRate: Float(learningRate),
                                                  batchSize: ways)
        var budgetText = "budget \(budget)"
        if let byteBudget = try parsed.value(Self.byteBudget) {
            guard !parsed.isGiven(Self.budget) else {
                throw .usage("--budget (a fraction of every layer's channels) and --byte-budget (the planner's counts) exclude each other",
                             commandPath: parsed.commandPath)
            }
            do {
                guard let planned = try simulation.plannedChannels(budget: byteBudget.bytes) else {
                    throw CommandFailure.usage("--byte-budget \(byteBudget.text): not even one input channel of one layer of \(graph.graph.name) fits "
                        + "in \(byteBudget.bytes) for one step of \(ways) samples", commandPath: parsed.commandPath)
                }
                simulation.plannedChannels = planned
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw .badData("\(path): \(error)")
            }
            budgetText = "byte budget \(byteBudget.bytes) (the planner's channel counts)"
        }
        let comparison: DynamicChannelComparison
        do { comparison = try simulation.run(using: &generator) } catch { throw .badData("\(path): \(error)") }
        let header = "\(graph.graph.name): \(ways)-way \(shots)-shot, \(tasks) held-out tasks, \(epochs) epochs, \(budgetText), "
            + "learning rate \(learningRate), seed \(seed)\nStart: \(start)\n"
        switch try parsed.value(WorkloadOptions.format) {
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
