import PMetaPlan

/// `pmeta-plan federated ARCH.json --local head --top-p 10 --clients N --rounds R`: TinyMetaFed's bytes,
/// memory and energy per round beside full-model federated meta-learning.
enum FederatedCommand {
    static let spec = CommandSpec(
        name: "federated",
        abstract: "Plan TinyMetaFed's communication: bytes down and up per round, on-device memory and energy, against full-model federated meta-learning.",
        discussion: "Global weights go down every round; each client reconstructs its local layers (--local) on its own data, updates "
            + "the global ones and sends back the Top-P% that changed most, with their indices in the cheapest of three encodings "
            + "(32-bit indices, delta varint, bitmap; the smallest worst case). Local weights never travel. Memory comes from the cost "
            + "model: reconstruction updates only the local layers (K = --inner-steps steps); online learning takes one sample at a time. "
            + "See docs/federated-and-dynamic.md.",
        arguments: [ArgumentSpec("arch.json", help: "An architecture file (see architectures/).")],
        options: [
            OptionSpec("local", valueName: "layers", help: "The locally reconstructed layers: a comma list of layer names, each may end in '*' (block4.*,head).",
                       valueExample: "head"),
            OptionSpec("top-p", valueName: "percent", help: "P: the percentage of the global weights each client sends up, in (0, 100].",
                       valueExample: "10"),
            OptionSpec("clients", valueName: "n", help: "N: the clients taking part in every round.", valueExample: "10"),
            OptionSpec("rounds", valueName: "n", help: "R: the communication rounds.", valueExample: "100"),
            OptionSpec("energy-per-byte", valueName: "joules", help: "Energy to send one byte (J, or with a unit: 0.5uJ, 120nJ)."),
            OptionSpec("energy-per-received-byte", valueName: "joules", help: "Energy to receive one byte.", defaultValue: "0"),
            OptionSpec("energy-per-mac", valueName: "joules", help: "Energy of one multiply-accumulate (J, or with a unit: 1nJ, 5pJ)."),
        ] + WorkloadOptions.specs + [WorkloadOptions.formatSpec])

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let format = try WorkloadOptions.format(parsed)
        let commandPath = parsed.commandPath
        func required(_ name: String, _ example: String) throws(CommandFailure) -> String {
            guard let value = parsed.value(name) else { throw .usage("missing --\(name), e.g. --\(name) \(example)", commandPath: commandPath) }
            return value
        }
        let localText = try required("local", "head")
        let selector: LayerSelector
        do {
            selector = try LayerSelector(parsing: localText)
        } catch {
            throw .usage("--local: \(error)", commandPath: commandPath)
        }
        let topPercentage = try Self.percentage(try required("top-p", "10"), commandPath: commandPath)
        _ = try required("clients", "10")
        _ = try required("rounds", "100")
        let clients = try WorkloadOptions.integer(parsed, "clients", in: 1...1_000_000_000) ?? 1
        let rounds = try WorkloadOptions.integer(parsed, "rounds", in: 1...1_000_000_000) ?? 1
        let energy = try Self.energyProfile(parsed)

        let path = parsed.positional("arch.json") ?? ""
        let model = try InputFile.architecture(at: path)
        let (workload, innerSteps, profile) = try WorkloadOptions.resolve(parsed, graph: model.graph)
        let partition: ParameterPartition
        do {
            partition = try ParameterPartition(model: model, local: selector)
        } catch {
            throw .usage("--local: \(error)", commandPath: commandPath)
        }
        let setup = FederatedSetup(topPercentage: topPercentage, clients: clients, rounds: rounds, reconstructionSteps: innerSteps,
                                   workload: workload, profile: profile, energy: energy)
        do {
            let plan = try FederatedPlan(model: model, partition: partition, setup: setup)
            return CommandResult(output: FederatedReport(architectureName: model.graph.graph.name, plan: plan).render(format))
        } catch {
            throw .badData("\(path): \(error)")
        }
    }

    /// `10`, `10%` or `2.5%`, in (0, 100].
    static func percentage(_ text: String, commandPath: [String]) throws(CommandFailure) -> Percentage {
        let percentage: Percentage
        do {
            percentage = try Percentage(parsing: text)
        } catch {
            throw .usage("--top-p: \(error)", commandPath: commandPath)
        }
        guard TopPSelection.isValid(percentage) else {
            throw .usage("--top-p must be above 0% and at most 100%, found \(percentage)", commandPath: commandPath)
        }
        return percentage
    }

    /// The device profile of the energy options, or nil when none is given.
    static func energyProfile(_ parsed: ParsedArguments) throws(CommandFailure) -> DeviceEnergyProfile? {
        func energy(_ name: String) throws(CommandFailure) -> Energy? {
            guard let text = parsed.value(name) else { return nil }
            do {
                return try Energy(parsing: text)
            } catch {
                throw .usage("--\(name): \(error)", commandPath: parsed.commandPath)
            }
        }
        let perByte = try energy("energy-per-byte")
        let perMAC = try energy("energy-per-mac")
        switch (perByte, perMAC) {
        case (nil, nil):
            return nil
        case (let perByte?, let perMAC?):
            return DeviceEnergyProfile(perByteSent: perByte, perByteReceived: try energy("energy-per-received-byte") ?? .zero, perMAC: perMAC)
        default:
            throw .usage("give --energy-per-byte and --energy-per-mac together (joules, e.g. 0.5uJ and 1nJ)", commandPath: parsed.commandPath)
        }
    }
}
