/// One printed cell of the p-Meta paper's Tables 1-3 next to the figure this project computes for it.
public struct PaperCell: Hashable, Sendable {
    /// 1, 2 or 3.
    public var table: Int
    /// The row, e.g. `4Conv MAML`.
    public var row: String
    /// The column, e.g. `memory MB`.
    public var column: String
    /// The figure as printed in the paper, e.g. `54.69`.
    public var printed: String
    /// The exact integer behind `computed`: bytes or MACs.
    public var exact: Int
    /// The unit of `printed` and `computed`: `MB` (10^6 B) or `GMAC` (10^9 MAC).
    public var unit: String
    /// Why the cell cannot match with one consistent set of counting rules, when it does not.
    public var reasonForMismatch: String?

    /// The computed figure in the printed unit.
    public var computed: Double { Double(exact) / (unit == "MB" ? 1e6 : 1e9) }

    /// The computed figure rounded to as many decimals as the printed one.
    public var computedAsPrinted: String {
        let decimals = printed.split(separator: ".").dropFirst().first?.count ?? 0
        return DecimalFormatting.scaled(exact, by: unit == "MB" ? 1_000_000 : 1_000_000_000, decimals: decimals)
    }

    /// Whether the computed figure rounds to the printed digits.
    public var matches: Bool { computedAsPrinted == printed }

    /// computed - printed, in the printed unit.
    public var error: Double { computed - (Double(printed) ?? .nan) }
}

/// The p-Meta paper's experimental setup for Tables 1-3, evaluated with this project's cost model.
///
/// Only the printed figures (the strings to compare against) and the paper's workloads live here: every
/// computed figure comes from the architecture graphs through `CostModel`.
public enum PaperReproduction {
    /// The shipped architectures the tables need, by file stem.
    public static let architectureNames = ["4conv", "resnet12", "mlp-halfcheetah", "mlp-2dnav"]

    /// Images: 5-way 5-shot support set, 25 samples.
    static let imageSupport = 25
    /// Images: 5-way 1-shot support set.
    static let imageOneShot = 5
    /// RL: 20 rollouts of 200 observations.
    static let observationsPerEpisode = 200
    static let episodes = 20

    /// Every printed cell with our figure, in table order.
    /// - Parameter graph: The shaped graph for each name in `architectureNames`.
    /// - Throws: Whatever `graph` throws, or `ArithmeticOverflow`.
    public static func cells(graph: (String) throws -> ShapedGraph) throws -> [PaperCell] {
        let fourConv = try CostModel(try graph("4conv"))
        let resNet12 = try CostModel(try graph("resnet12"))
        let halfCheetah = try CostModel(try graph("mlp-halfcheetah"))
        let navigation = try CostModel(try graph("mlp-2dnav"))
        var cells: [PaperCell] = []
        cells += try tableOne(fourConv: fourConv, resNet12: resNet12, mlp: halfCheetah)
        cells += try tableTwo(networks: [("4Conv", fourConv), ("ResNet12", resNet12)])
        cells += try tableThree(tasks: [("Half-Cheetah", halfCheetah), ("2D navigation", navigation)])
        return cells
    }

    private static func cell(_ table: Int, _ row: String, _ column: String, _ printed: String, bytes: ByteCount) -> PaperCell {
        PaperCell(table: table, row: row, column: column, printed: printed, exact: bytes.bytes, unit: "MB",
                  reasonForMismatch: knownReason(table: table, row: row, column: column))
    }

    private static func cell(_ table: Int, _ row: String, _ column: String, _ printed: String, macs: MACCount) -> PaperCell {
        PaperCell(table: table, row: row, column: column, printed: printed, exact: macs.macs, unit: "GMAC",
                  reasonForMismatch: knownReason(table: table, row: row, column: column))
    }

    /// Table 1: batch 25 without gradient accumulation; RL: 20 x 200 observations in one step.
    private static func tableOne(fourConv: CostModel, resNet12: CostModel, mlp: CostModel) throws -> [PaperCell] {
        var cells: [PaperCell] = []
        let images = Workload(samplesPerStep: imageSupport, microBatch: imageSupport)
        for (name, model, printed) in [("4Conv", fourConv, ["0.13", "0.53", "0.90", "48.33", "0.72", "1.96"]),
                                       ("ResNet12", resNet12, ["32.0", "0.53", "3.61", "370.44", "62.08", "185.42"])] {
            let statics = try model.staticMemory(samples: images.samplesPerStep)
            let adaptation = try model.adaptation(of: AdaptationMethod.maml.plan(for: model.graph), workload: images, profile: .paper)
            cells.append(cell(1, name, "model MB", printed[0], bytes: statics.modelBytes))
            cells.append(cell(1, name, "sample MB", printed[1], bytes: statics.sampleBytes))
            cells.append(cell(1, name, "inference MB", printed[2], bytes: try model.inference(batch: 1, profile: .paper).peak))
            cells.append(cell(1, name, "adaptation MB", printed[3], bytes: adaptation.peak))
            cells.append(cell(1, name, "inference GMAC", printed[4], macs: try model.inference(batch: images.samplesPerStep).macs))
            cells.append(cell(1, name, "adaptation GMAC", printed[5], macs: adaptation.macs))
        }
        // RL: a sample is an episode of 200 observations; the bracketed figures are for one observation.
        let observations = observationsPerEpisode * episodes
        let rollouts = Workload(samplesPerStep: observations, microBatch: observations, propagation: .streamed)
        let adaptation = try mlp.adaptation(of: AdaptationMethod.maml.plan(for: mlp.graph), workload: rollouts, profile: .paperEq18)
        cells.append(cell(1, "MLP", "model MB", "0.05", bytes: try mlp.staticMemory(samples: 1).modelBytes))
        cells.append(cell(1, "MLP", "sample MB (episode)", "0.016", bytes: try mlp.staticMemory(samples: observationsPerEpisode).sampleBytes))
        cells.append(cell(1, "MLP", "sample MB (observation)", "0.00008", bytes: try mlp.staticMemory(samples: 1).sampleBytes))
        cells.append(cell(1, "MLP", "inference MB (episode)", "0.08", bytes: try mlp.inference(batch: observationsPerEpisode, profile: .paper).peak))
        cells.append(cell(1, "MLP", "inference MB (observation)", "0.0004", bytes: try mlp.inference(batch: 1, profile: .paper).peak))
        cells.append(cell(1, "MLP", "adaptation MB", "3.72", bytes: adaptation.peak))
        cells.append(cell(1, "MLP", "inference GMAC", "0.05", macs: try mlp.inference(batch: observations).macs))
        cells.append(cell(1, "MLP", "adaptation GMAC", "0.15", macs: adaptation.macs))
        return cells
    }

    /// Table 2: one gradient step with gradient accumulation over micro-batches of 1.
    private static func tableTwo(networks: [(String, CostModel)]) throws -> [PaperCell] {
        let printed: [String: [String]] = [
            "4Conv MAML": ["0.39", "1.96", "2.06"], "4Conv MAML++": ["0.39", "1.96", "2.06"],
            "4Conv ANIL": ["0.14", "0.72", "0.92"], "4Conv BOIL": ["0.39", "1.96", "2.05"],
            "ResNet12 MAML": ["37.08", "185.42", "54.69"], "ResNet12 MAML++": ["37.08", "185.42", "54.69"],
            "ResNet12 ANIL": ["12.42", "62.08", "3.62"], "ResNet12 BOIL": ["37.08", "185.42", "54.69"],
        ]
        var cells: [PaperCell] = []
        for (name, model) in networks {
            for method in [AdaptationMethod.maml, .mamlPlusPlus, .anil, .boil] {
                let row = "\(name) \(method.displayName)"
                guard let figures = printed[row] else { continue }
                let plan = method.plan(for: model.graph)
                let oneShot = try model.adaptation(of: plan, workload: Workload(samplesPerStep: imageOneShot, microBatch: 1), profile: .paper)
                let fiveShot = try model.adaptation(of: plan, workload: Workload(samplesPerStep: imageSupport, microBatch: 1), profile: .paper)
                cells.append(cell(2, row, "GMAC 1-shot", figures[0], macs: oneShot.macs))
                cells.append(cell(2, row, "GMAC 5-shot", figures[1], macs: fiveShot.macs))
                cells.append(cell(2, row, "memory MB", figures[2], bytes: fiveShot.peak))
            }
        }
        return cells
    }

    /// Table 3: 20 episodes of 200 observations, accumulated one episode at a time into one gradient step.
    private static func tableThree(tasks: [(String, CostModel)]) throws -> [PaperCell] {
        let printed: [String: [String]] = [
            "Half-Cheetah MAML": ["0.15", "0.24"], "Half-Cheetah MAML++": ["0.15", "0.24"],
            "Half-Cheetah ANIL": ["0.06", "0.09"], "Half-Cheetah BOIL": ["0.15", "0.23"],
            "2D navigation MAML": ["0.12", "0.21"], "2D navigation MAML++": ["0.12", "0.21"],
            "2D navigation ANIL": ["0.04", "0.08"], "2D navigation BOIL": ["0.12", "0.21"],
        ]
        let workload = Workload(samplesPerStep: observationsPerEpisode * episodes, microBatch: observationsPerEpisode,
                                propagation: .streamed)
        var cells: [PaperCell] = []
        for (name, model) in tasks {
            for method in [AdaptationMethod.maml, .mamlPlusPlus, .anil, .boil] {
                let row = "\(name) \(method.displayName)"
                guard let figures = printed[row] else { continue }
                let cost = try model.adaptation(of: method.plan(for: model.graph), workload: workload, profile: .paperEq18)
                cells.append(cell(3, row, "GMAC", figures[0], macs: cost.macs))
                cells.append(cell(3, row, "memory MB", figures[1], bytes: cost.peak))
            }
        }
        return cells
    }

    /// The explanation for the cells no single consistent rule set reproduces (shared/paper-figures.md).
    private static func knownReason(table: Int, row: String, column: String) -> String? {
        switch (table, row, column) {
        case (1, "ResNet12", "adaptation MB"):
            return "370.44 MB is exactly 25 x (2 x 64 x 84^2 words + what block 1 alone stores): a peak at block 1 that ignores the tensors blocks 2-4 store; Table 2's 54.69 needs all blocks, so no rule linear in the batch fits both."
        case (2, "ResNet12 BOIL", "memory MB"), (2, "ResNet12 MAML", "memory MB"), (2, "ResNet12 MAML++", "memory MB"):
            return "MAML and BOIL print the same 54.69 MB, but BOIL has no head-gradient buffer (2,560 words = 0.0102 MB, wider than the rounding window); 4Conv (2.06 / 2.05) and Half-Cheetah (0.24 / 0.23) need that drop, so MAML or BOIL must miss."
        default:
            return nil
        }
    }
}
