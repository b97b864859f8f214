/// The report's TinyMetaFed section: `pmeta-plan federated` with a default partition and fleet.
extension ArchitectureReport {
    /// P of the report's federated plan: each client sends the 10% of the global weights that changed most.
    public static let federatedTopPercentage = Percentage(percent: 10)
    /// N of the report's federated plan.
    public static let federatedClients = 10
    /// R of the report's federated plan.
    public static let federatedRounds = 100

    /// The report's local layers: the last conv/linear layer (the head), as `pmeta-plan simulate-federated`
    /// defaults to; nil when the network has none.
    /// - Complexity: O(layers).
    public static func federatedSelector(for graph: ShapedGraph) -> LayerSelector? {
        guard let head = graph.layers.lastIndex(where: { $0.operation.isWeightLayer }) else { return nil }
        return LayerSelector([.name(graph.layers[head].name)])
    }

    /// TinyMetaFed's plan with `federatedSelector` local and the default Top-P, clients and rounds, or nil when
    /// the head cannot be split off (no weight layer, or nothing would stay global).
    /// - Throws: `ArithmeticOverflow` when a figure does not fit in 64 bits.
    /// - Complexity: That of `FederatedPlan.init`.
    static func federatedPlan(model: CostModel, workload: Workload, innerSteps: Int, profile: CountingProfile) throws -> FederatedPlan? {
        guard let selector = federatedSelector(for: model.graph),
              let partition = try? ParameterPartition(model: model, local: selector) else { return nil }
        let setup = FederatedSetup(topPercentage: federatedTopPercentage, clients: federatedClients, rounds: federatedRounds,
                                   reconstructionSteps: innerSteps, workload: workload, profile: profile)
        return try FederatedPlan(model: model, partition: partition, setup: setup)
    }

    /// The command that prints the federated section: `pmeta-plan federated architectures/4conv.json --local head ...`.
    public var federatedCommand: String? {
        guard let plan = federated else { return nil }
        let setup = plan.setup
        return (["pmeta-plan", "federated", architecturePath, "--local", plan.partition.selector.description,
                 "--top-p", setup.topPercentage.description, "--clients", String(setup.clients), "--rounds", String(setup.rounds)]
                + workloadArguments).joined(separator: " ")
    }

    /// Appends "Federated meta-learning (TinyMetaFed)": the command's own markdown, after the command that prints it.
    func appendFederatedSection(to document: inout MarkdownDocument) {
        document.heading("Federated meta-learning (TinyMetaFed)", level: 2)
        guard let plan = federated, let federatedCommand else {
            document.paragraph("Not planned: the network's only conv/linear layer is its last, so a local head would leave nothing "
                + "to federate. See docs/federated-and-dynamic.md.")
            return
        }
        document.paragraph("Every round the server sends each client the global weights; the client reconstructs its local layers "
            + "(here \(plan.partition.localNames.map { "`\($0)`" }.joined(separator: ", ")), the last conv/linear layer, as "
            + "`pmeta-plan simulate-federated` defaults to) on its own data, updates the global ones and sends back the "
            + "Top-\(plan.setup.topPercentage) that changed most, with their indices; the baseline is full-model federated "
            + "meta-learning, every weight down and up. \(plan.setup.clients) clients, \(plan.setup.rounds) rounds, the report's "
            + "workload. Printed by `\(federatedCommand)` (add `--energy-per-byte` and `--energy-per-mac` for the energy); "
            + "formulas and assumptions in docs/federated-and-dynamic.md.")
        document.paragraph(FederatedReport(architectureName: architectureName, plan: plan).render(.markdown))
    }
}
