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
        arguments: [InputFile.architectureArgument],
        options: [local.spec, topP.spec, clients.spec, rounds.spec, energyPerByte.spec, energyPerReceivedByte.spec, energyPerMAC.spec]
            + WorkloadOptions.specs + [WorkloadOptions.format.spec])

    static let local = Option<LayerSelector>(
        spec: OptionSpec("local", valueName: "layers", help: "The locally reconstructed layers: a comma list of layer names, each may end in '*' (block4.*,head).",
                         valueExample: "head"),
        parse: { text throws(OptionValueError) in
            do { return try LayerSelector(parsing: text) } catch { throw OptionValueError(message: "--local: \(error)") }
        },
        describe: { _ in "" }).required()
    /// `--top-p`, required here.
    static let topP = topPercentage.required()
    /// `--top-p` as a value type: shared with `simulate-federated`, which gives it a default.
    static let topPercentage = Option<Percentage>(
        spec: OptionSpec("top-p", valueName: "percent", help: "P: the percentage of the global weights each client sends up, in (0, 100].", valueExample: "10"),
        parse: { text throws(OptionValueError) in
            let percentage: Percentage
            do { percentage = try Percentage(parsing: text) } catch { throw OptionValueError(message: "--top-p: \(error)") }
            guard TopPSelection.isValid(percentage) else {
                throw OptionValueError(message: "--top-p must be above 0% and at most 100%, found \(percentage)")
            }
            return percentage
        },
        describe: { $0.description.hasSuffix("%") ? String($0.description.dropLast()) : $0.description })
    static let clients = Option.integer("clients", help: "N: the clients taking part in every round.", in: 1...1_000_000_000).required()
    static let rounds = Option.integer("rounds", help: "R: the communication rounds.", in: 1...1_000_000_000).required()
    static let energyPerByte = energy("energy-per-byte", help: "Energy to send one byte (J, or with a unit: 0.5uJ, 120nJ).")
    static let energyPerReceivedByte = energy("energy-per-received-byte", help: "Energy to receive one byte.").defaulting(to: .zero)
    static let energyPerMAC = energy("energy-per-mac", help: "Energy of one multiply-accumulate (J, or with a unit: 1nJ, 5pJ).")

    /// An energy such as `0.5uJ`.
    static func energy(_ longName: String, help: String) -> Option<Energy> {
        Option(spec: OptionSpec(longName, valueName: "joules", help: help),
               parse: { text throws(OptionValueError) in
                   do { return try Energy(parsing: text) } catch { throw OptionValueError(message: "--\(longName): \(error)") }
               },
               describe: { $0 == .zero ? "0" : $0.description })
    }

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let format = try parsed.value(WorkloadOptions.format)
        let commandPath = parsed.commandPath
        func required<Value>(_ option: Option<Value>, _ example: String) throws(CommandFailure) -> Value {
            guard let value = try parsed.value(option) else {
                throw .usage("missing \(option.spec.longSpelling), e.g. \(option.spec.longSpelling) \(example)", commandPath: commandPath)
            }
            return value
        }
        let selector = try required(local, "head")
        let topPercentage = try required(topP, "10")
        let clients = try required(Self.clients, "10")
        let rounds = try required(Self.rounds, "100")
        let energy = try Self.energyProfile(parsed)

        let path = parsed.positional(InputFile.architectureArgument) ?? ""
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

    /// The device profile of the energy options, or nil when none is given.
    static func energyProfile(_ parsed: ParsedArguments) throws(CommandFailure) -> DeviceEnergyProfile? {
        let perByte = try parsed.value(Self.energyPerByte)
        let perMAC = try parsed.value(Self.energyPerMAC)
        switch (perByte, perMAC) {
        case (nil, nil):
            return nil
        case (let perByte?, let perMAC?):
            return DeviceEnergyProfile(perByteSent: perByte, perByteReceived: try parsed.value(Self.energyPerReceivedByte), perMAC: perMAC)
        default:
            throw .usage("give --energy-per-byte and --energy-per-mac together (joules, e.g. 0.5uJ and 1nJ)", commandPath: parsed.commandPath)
        }
    }
}
