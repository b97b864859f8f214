import Foundation
import PMetaPlan
import PMetaTrainer

/// `pmeta-plan bench`: the planner's search time on the shipped architectures and on synthetic chains.
enum BenchCommand {
    static let spec = CommandSpec(
        name: "bench",
        abstract: "Time the planner: the Lasso path and the exact search on every shipped architecture and on chains of 100, 1,000 and 10,000 layers.",
        discussion: "K = 5 inner steps, six channel ratios (0, 1/8, 1/4, 1/2, 3/4, 1), a budget halfway "
            + "from the smallest peak any update reaches to MAML's. Prints the best of --repeat runs per case, on one core. A benchmark, not a test: the machine's load moves the figures.",
        options: [architectures.spec, repeats.spec, chains.spec, seed.spec, importance.spec, WorkloadOptions.format.spec])

    /// `--importance`: the layer-step scores the benchmark plans with.
    enum ImportanceKind: String, CaseIterable, Sendable {
        /// Every layer-step scores 1, the planner's default.
        case uniform
        /// Seeded random scores.
        case random
    }

    static let architectures = Option.text("architectures", valueName: "dir", help: "The folder of architecture files.").defaulting(to: "architectures")
    static let repeats = Option.integer("repeat", help: "Runs per case; the best is printed.", in: 1...100).defaulting(to: 3)
    static let chains = Option<[Int]>(spec: OptionSpec("chains", valueName: "list", help: "Synthetic chain lengths."),
        parse: { text throws(OptionValueError) in
            var counts: [Int] = []
            for part in text.split(separator: ",") {
                guard let count = Int(part), (5...100_000).contains(count) else {
                    throw OptionValueError(message: "--chains: '\(part)' is not a layer count from 5 to 100,000")
                }
                counts.append(count)
            }
            return counts
        },
        describe: { $0.map(String.init).joined(separator: ",") }).defaulting(to: [100, 1_000, 10_000])
    static let seed = Option.seed(help: "Seed of the random importance.").defaulting(to: 1)
    static let importance = Option<ImportanceKind>.choice("importance", valueName: "kind",
        help: "Layer-step scores: uniform (the planner's default) or seeded random.").defaulting(to: .uniform)

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let folder = try parsed.value(architectures)
        let repeats = try parsed.value(Self.repeats)
        let seed = try parsed.value(Self.seed)
        let importanceKind = try parsed.value(importance)
        var cases: [(String, ShapedGraph)] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        for name in names {
            cases.append((name, try InputFile.architecture(at: (folder as NSString).appendingPathComponent(name)).graph))
        }
        for count in try parsed.value(chains) {
            do {
                cases.append(("chain of \(DecimalFormatting.grouped(count)) layers", try ShapedGraph(SyntheticNetworks.chain(layerCount: count))))
            } catch {
                throw .badData("\(error)")
            }
        }
        var table = TextTable(headers: ["Network", "Layers", "Lasso path", "Lasso + exact search", "States kept", "Optimum value", "Lasso gap"],
                              alignments: [.left, .right, .right, .right, .right, .right, .right])
        do {
            for (name, graph) in cases {
                let model = try CostModel(graph)
                var generator = SplitMix64(seed: seed)
                let importance = importanceKind == .random
                    ? SyntheticNetworks.randomImportance(for: graph, innerSteps: 5, using: &generator)
                    : ImportanceScores.uniform(for: graph, innerSteps: 5)
                let workload = Workload(samplesPerStep: graph.graph.suggestedWorkload?.samples ?? 25,
                                        microBatch: graph.graph.suggestedWorkload?.microBatch ?? 1,
                                        propagation: graph.graph.suggestedWorkload?.streamsSamples == true ? .streamed : .batched)
                var problem = PlanningProblem(model: model, workload: workload, budget: .zero, importance: importance)
                problem.budget = try BudgetRange(problem).budget(1, of: 2)
                var lassoBest = Double.infinity, exactBest = Double.infinity
                var result: PlanningResult?
                for _ in 0..<repeats {
                    let start = DispatchTime.now().uptimeNanoseconds
                    _ = try LassoPathPlanner.select(problem)
                    let middle = DispatchTime.now().uptimeNanoseconds
                    result = try BudgetPlanner.solve(problem)
                    let end = DispatchTime.now().uptimeNanoseconds
                    lassoBest = min(lassoBest, Double(middle - start) / 1e6)
                    // solve() runs the Lasso path (to seed the search) and then the exact search: timed whole.
                    exactBest = min(exactBest, Double(end - middle) / 1e6)
                }
                table.append([name, DecimalFormatting.grouped(graph.layerCount), String(format: "%.2f ms", lassoBest),
                              String(format: "%.2f ms", exactBest), DecimalFormatting.grouped(result?.optimum?.statesExplored ?? 0),
                              String(format: "%.3f", result?.optimum?.value ?? 0),
                              result?.lassoGap.map { String(format: "%.1f%%", $0 * 100) } ?? "-"])
            }
        } catch {
            throw .badData("\(error)")
        }
        let title = "Planner benchmark: K = 5, six channel ratios, budget halfway from the smallest peak to MAML's, \(importanceKind.rawValue) importance, best of \(repeats) runs."
        let output = TabularOutput(title: title, tables: [("networks", table)], text: title + "\n\n" + table.render())
        return CommandResult(output: output.render(try parsed.value(WorkloadOptions.format)))
    }
}
