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
            probabilities. The weights are random (He-normal, from the seed); tasks are N-way 1-shot with 15 queries per class.
            """,
        arguments: [ArgumentSpec("arch.json", help: "An image classifier: [C, H, W] input, [N] output.")],
        options: [
            OptionSpec("tasks", valueName: "n", help: "Held-out tasks.", defaultValue: "20"),
            OptionSpec("epochs", valueName: "e", help: "Epochs (passes over the support set) per task.", defaultValue: "5"),
            OptionSpec("budget", valueName: "b", help: "Fraction of input channels each layer updates, in (0, 1].", defaultValue: "0.25"),
            OptionSpec("shots", valueName: "k", help: "Support samples per class.", defaultValue: "5"),
            OptionSpec("learning-rate", valueName: "a", help: "SGD step size.", defaultValue: "0.05"),
            OptionSpec("seed", valueName: "s", help: "The seed of the weights, tasks and draws.", defaultValue: "1"),
        ])

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        guard let path = parsed.positional("arch.json") else { throw .usage("missing arch.json", commandPath: parsed.commandPath) }
        let network = try TrainerInputs.network(at: path)
        let graph = network.graph
        guard graph.inputShape.dimensions.count == 3, let ways = graph.outputShapes.last?.dimensions.first, ways >= 2,
              graph.outputShapes.last?.dimensions.count == 1 else {
            throw .badData("\(path): simulate-dynamic needs an image classifier ([C, H, W] input, [N] output)")
        }
        let tasks = try WorkloadOptions.integer(parsed, "tasks", in: 1...100_000) ?? 20
        let epochs = try WorkloadOptions.integer(parsed, "epochs", in: 1...10_000) ?? 5
        let shots = try WorkloadOptions.integer(parsed, "shots", in: 1...1_000) ?? 5
        let budget = try TrainerInputs.number(parsed, "budget", in: 0.000_001...1) ?? 0.25
        let learningRate = try TrainerInputs.number(parsed, "learning-rate", in: 0.000_001...100) ?? 0.05
        let seed = try TrainerInputs.seed(parsed)
        var generator = SplitMix64(seed: seed)
        let parameters = network.initialParameters(using: &generator)
        let dimensions = graph.inputShape.dimensions
        let family = PrototypeImageTasks(channels: dimensions[0], height: dimensions[1], width: dimensions[2], ways: ways, shots: shots)
        let simulation = DynamicChannelSimulation(network: network, parameters: parameters, family: family, taskCount: tasks,
                                                  epochs: epochs, channelBudget: budget, learningRate: Float(learningRate),
                                                  batchSize: ways)
        let comparison: DynamicChannelComparison
        do { comparison = try simulation.run(using: &generator) } catch { throw .badData("\(path): \(error)") }
        let header = "\(graph.graph.name): \(ways)-way \(shots)-shot, \(tasks) held-out tasks, \(epochs) epochs, budget \(budget), "
            + "learning rate \(learningRate), seed \(seed)\n"
        return CommandResult(output: header + comparison.table)
    }
}
