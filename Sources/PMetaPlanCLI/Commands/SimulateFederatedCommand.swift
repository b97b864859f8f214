import PMetaPlan
import PMetaTrainer

/// `pmeta-plan simulate-federated`: TinyMetaFed's Top-P% selective upload against full communication.
enum SimulateFederatedCommand {
    static let spec = CommandSpec(
        name: "simulate-federated",
        abstract: "Simulate TinyMetaFed on sinusoid (input [1]) or few-shot image tasks: held-out loss against bytes, Top-P% against full upload.",
        discussion: """
            Each round every client draws a task, reconstructs the --local layers (full-batch SGD from their initial weights), \
            updates the global layers online (one support sample at a time), and sends the Top-P% most changed global weights \
            with their indices; the server averages them with a cosine-annealed step size. The same seed drives three runs: \
            Top-P, full communication with the same local layers, and the whole model (every layer global, nothing \
            reconstructed locally, every weight sent). \
            Every client step's gradient is clipped to --clip (L2 norm). Round 0 (the initial weights) and every --eval-every-th \
            round are scored on fixed held-out tasks (the same reconstruction and online update, then the query set). The summary \
            gives the saving over the whole run and the bytes each run sent until its mean score first reached each --target and \
            the worse final score (a negative saving: Top-P needed more bytes).
            """,
        arguments: [architecture],
        options: [topP.spec, clients.spec, rounds.spec, local.spec, reconstructionSteps.spec, learningRate.spec, clip.spec, serverStep.spec,
                  evaluationTasks.spec, evaluationInterval.spec, targets.spec, seed.spec, WorkloadOptions.format.spec])

    static let architecture = ArgumentSpec("arch.json", help: "An MLP with input [1] and output [1] (sinusoids), or an image classifier.")
    static let topP = FederatedCommand.topPercentage.defaulting(to: Percentage(percent: 10))
    static let clients = Option.integer("clients", help: "Clients per round.", in: 1...100_000).defaulting(to: 10)
    static let rounds = Option.integer("rounds", valueName: "r", help: "Rounds.", in: 1...100_000).defaulting(to: 3000)
    static let local = Option.text("local", valueName: "layers", help: "The local layers, comma-separated names or prefix* (default: the last layer with weights).")
    static let reconstructionSteps = Option.integer("reconstruction-steps", help: "SGD steps of the local reconstruction.", in: 1...10_000).defaulting(to: 5)
    static let learningRate = Option.number("learning-rate", valueName: "a", help: "Client SGD step size.", in: 0.000_001...100).defaulting(to: 0.002)
    static let clip = Option.number("clip", valueName: "norm", help: "Scale each client SGD step's gradient down to at most this L2 norm (all updated layers together).",
                                    in: 0.000_001...1e12).defaulting(to: 50)
    static let serverStep = Option.number("server-step", valueName: "b", help: "beta_0, the server step size of round 0.", in: 0.000_001...100).defaulting(to: 5)
    static let evaluationTasks = Option.integer("eval-tasks", help: "Held-out tasks scored at each evaluation.", in: 1...100_000).defaulting(to: 50)
    static let evaluationInterval = Option.integer("eval-every", valueName: "r", help: "Rounds between evaluations (round 0 and the last are always scored).",
                                                   in: 1...100_000).defaulting(to: 100)
    static let targets = Option.number("target", valueName: "score",
        help: "Print the bytes each run sent until its held-out MSE first fell to (accuracy in percent first rose to) this level (the worse of the two final scores is always reported).",
        in: 0...Double.greatestFiniteMagnitude).repeatable()
    static let seed = Option.seed(help: "The seed of the weights and tasks.").defaulting(to: 1)

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        guard let path = parsed.positional(architecture) else { throw .usage("missing arch.json", commandPath: parsed.commandPath) }
        let network = try TrainerInputs.network(at: path)
        let graph = network.graph
        let family: any TaskFamily
        let input = graph.inputShape.dimensions
        let output = graph.outputShapes.last?.dimensions ?? []
        if input == [1] && output == [1] {
            family = SinusoidTasks(shots: 10, queryPoints: 20)
        } else if input.count == 3, output.count == 1, output[0] >= 2 {
            family = PrototypeImageTasks(channels: input[0], height: input[1], width: input[2], ways: output[0], shots: 1)
        } else {
            throw .badData("\(path): simulate-federated needs an MLP from [1] to [1] or an image classifier")
        }
        let percentage = try parsed.value(Self.topP)
        let clients = try parsed.value(Self.clients)
        let rounds = try parsed.value(Self.rounds)
        let steps = try parsed.value(Self.reconstructionSteps)
        let evaluationTasks = try parsed.value(Self.evaluationTasks)
        let evaluationInterval = try parsed.value(Self.evaluationInterval)
        let targets = try parsed.values(Self.targets).map { family.isClassification ? $0 / 100 : $0 }
        let learningRate = try parsed.value(Self.learningRate)
        let serverStep = try parsed.value(Self.serverStep)
        let clipNorm = try parsed.value(Self.clip)
        let seed = try parsed.value(Self.seed)
        let lastWeightLayer = network.operations.indices.last { network.operations[$0].isWeightLayer }
        let localText = try parsed.value(Self.local) ?? lastWeightLayer.map { graph.layers[$0].name } ?? ""
        let partition: ParameterPartition
        do {
            let selector = try LayerSelector(parsing: localText)
            partition = try ParameterPartition(model: try CostModel(graph), local: selector)
        } catch {
            throw .usage("--local \(localText): \(error)", commandPath: parsed.commandPath)
        }
        var generator = SplitMix64(seed: seed)
        let simulation = FederatedSimulation(network: network, partition: partition, initialParameters: network.initialParameters(using: &generator),
                                             family: family, clientCount: clients, roundCount: rounds, evaluationTaskCount: evaluationTasks,
                                             evaluationInterval: evaluationInterval,
                                             reconstructionSteps: steps, learningRate: Float(learningRate), serverStepSize: serverStep,
                                             gradientClipNorm: Float(clipNorm))
        let comparison: FederatedComparison
        do {
            comparison = try FederatedComparison(simulation, topPercentage: percentage, using: &generator)
        } catch let divergence as FederatedDivergence {
            throw .usage("\(divergence)", commandPath: parsed.commandPath)
        } catch {
            throw .badData("\(path): \(error)")
        }
        let header = "\(graph.graph.name): \(clients) clients, \(rounds) rounds, local layers \(partition.localNames.joined(separator: ", ")), "
            + "\(steps) reconstruction steps, learning rate \(learningRate), beta_0 \(serverStep), "
            + "gradient clip \(clipNorm), seed \(seed)\n"
        let text = header + comparison.table(targets: targets)
        return CommandResult(output: Self.render(text, format: try parsed.value(WorkloadOptions.format)))
    }

    /// The comparison in `format`: its lines as they print, in a JSON `lines` array or a markdown text block (the
    /// simulation's table is drawn for a terminal; its figures are the same in every format).
    static func render(_ text: String, format: OutputFormat) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast(text.hasSuffix("\n") ? 1 : 0)
        switch format {
        case .text: return TextWrapping.wrappingProse(text)
        case .markdown: return "### pmeta-plan simulate-federated\n\n```text\n" + text + (text.hasSuffix("\n") ? "" : "\n") + "```\n"
        case .json: return JSONWriter.write(.object([("command", .string("simulate-federated")), ("lines", .array(lines.map { .string($0) }))]))
        }
    }
}
