import Foundation
import PMetaPlan
import PMetaTrainer

/// `pmeta-plan bench-trainer`: how long one adaptation step takes, and how much memory the process used.
enum BenchTrainerCommand {
    static let spec = CommandSpec(
        name: "bench-trainer",
        abstract: "Time one adaptation step of 4Conv at 84x84 (micro-batch 1) for MAML and a sparse plan, with the process's peak resident memory.",
        discussion: """
            Runs the trainer's scratch-free adaptation step on random weights and a generated 5-way task, --repetitions times per \
            plan, and prints the best wall time per step and per sample, the meter's peak next to the cost model's, and the \
            process's peak resident memory (VmHWM of /proc/self/status, reset per plan where the kernel allows). Build with -c release.
            """,
        arguments: [architecture],
        options: [plan.spec, samples.spec, microBatch.spec, repetitions.spec, seed.spec, kernels.spec, WorkloadOptions.format.spec])

    static let architecture = ArgumentSpec("arch.json", help: "The architecture (default: architectures/4conv.json).", isOptional: true)
    static let plan = Option.text("plan", valueName: "plan.json", help: "The sparse plan (default: the last conv and the head).")
    static let samples = Option.integer("samples", help: "Support samples of the step (5-way 5-shot).", in: 1...100_000).defaulting(to: 25)
    static let microBatch = Option.integer("micro-batch", help: "Samples per forward/backward pass.", in: 1...100_000).defaulting(to: 1)
    static let repetitions = Option.integer("repetitions", help: "Timed steps per plan (after one warm-up).", in: 1...1_000).defaulting(to: 3)
    static let seed = Option.seed(help: "The seed of the weights and the task.").defaulting(to: 1)
    static let kernels = Flag("kernels", help: "Time the convolution kernels alone instead (one 32 -> 32 3x3 layer at 84x84: im2col and scratch-free passes; then 4Conv's four convolutions; GFLOP/s and the build's vector width); text only.")

    static func run(_ parsed: ParsedArguments, context: CommandContext) throws(CommandFailure) -> CommandResult {
        let format = try parsed.value(WorkloadOptions.format)
        if parsed.isSet(kernels) {
            guard format == .text else { throw .usage("--kernels prints text only", commandPath: parsed.commandPath) }
            return CommandResult(output: KernelBenchmark.run() + "\n")
        }
        let path = parsed.positional(architecture) ?? "architectures/4conv.json"
        let network = try TrainerInputs.network(at: path)
        let graph = network.graph
        guard graph.inputShape.dimensions.count == 3, let ways = graph.outputShapes.last?.dimensions.first, ways >= 2 else {
            throw .badData("\(path): bench-trainer needs an image classifier")
        }
        let samples = try parsed.value(Self.samples)
        let microBatch = try parsed.value(Self.microBatch)
        guard microBatch <= samples else { throw .usage("--micro-batch \(microBatch) is larger than --samples \(samples)", commandPath: parsed.commandPath) }
        let repetitions = try parsed.value(Self.repetitions)
        var generator = SplitMix64(seed: try parsed.value(seed))
        let parameters = network.initialParameters(using: &generator)
        let dimensions = graph.inputShape.dimensions
        let family = PrototypeImageTasks(channels: dimensions[0], height: dimensions[1], width: dimensions[2], ways: ways,
                                         shots: max(1, samples / ways), queriesPerClass: 1)
        var support = family.task(from: .test, using: &generator).support
        if support.count != samples { support = support.samples(0..<min(samples, support.count)) }

        let sparse: UpdatePlan
        if let planPath = try parsed.value(plan) {
            do {
                sparse = try UpdatePlan(json: try InputFile.json(at: planPath), for: graph)
            } catch let error as DataError {
                throw .badData(error.inFile(planPath).description)
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw .badData("\(planPath): \(error)")
            }
        } else {
            var layers = [LayerUpdate](repeating: .frozen, count: network.layerCount)
            let weightLayers = network.operations.indices.filter { network.operations[$0].isWeightLayer }
            for layer in weightLayers.suffix(2) { layers[layer] = .full }
            sparse = UpdatePlan(steps: [StepUpdates(layers: layers)])
        }
        let plans = [("MAML", AdaptationMethod.maml.plan(for: graph)), ("sparse", UpdatePlan(steps: [sparse.steps[0]]))]
        let costModel: CostModel
        do { costModel = try CostModel(graph) } catch { throw .badData("\(path): \(error)") }

        var table = TextTable(headers: ["plan", "updates", "step time", "per sample", "measured peak", "predicted peak", "process VmHWM"],
                              alignments: [.left, .left, .right, .right, .right, .right, .right])
        let clock = ContinuousClock()
        let baseline = ProcessMemory.residentKilobytes()
        for (name, plan) in plans {
            let resetWorked = ProcessMemory.resetHighWaterMark()
            let stepSizes = Array(repeating: Float(0.01), count: network.layerCount)
            var best = Duration.seconds(1_000_000)
            var peak = 0
            for repetition in 0...repetitions {
                var adapted = parameters
                context.progress(context.isTerminal ? "\r\u{1B}[K\(name): step \(repetition)/\(repetitions)" : "")
                let elapsed = clock.measure {
                    peak = network.adaptationStep(&adapted, updates: plan.steps[0], stepSizes: stepSizes, support: support,
                                                  microBatchSize: microBatch).meter.peakBytes
                }
                if repetition > 0 { best = min(best, elapsed) }
            }
            if context.isTerminal { context.progress("\r\u{1B}[K") }
            let predicted: Int
            do {
                predicted = try costModel.adaptation(of: plan, workload: Workload(samplesPerStep: support.count, microBatch: microBatch)).peak.bytes
            } catch {
                throw .badData("\(path): \(error)")
            }
            let updated = plan.steps[0].layers.indices.filter { plan.steps[0].layers[$0].isUpdated }.map { graph.layers[$0].name }
            let highWater = ProcessMemory.highWaterMarkKilobytes().map { "\(DecimalFormatting.grouped($0)) kB\(resetWorked ? "" : " (whole run)")" } ?? "n/a"
            table.append([name, updated.count > 3 ? "\(updated.count) layers" : updated.joined(separator: ", "),
                          String(format: "%.1f ms", best.seconds * 1000), String(format: "%.2f ms", best.seconds * 1000 / Double(support.count)),
                          ByteCount(peak).humanReadable, ByteCount(predicted).humanReadable, highWater])
        }
        let title = "Adaptation step of \(graph.graph.name) (\(dimensions.map(String.init).joined(separator: "x"))), \(support.count) samples, "
            + "micro-batch \(microBatch), scratch-free kernels (\(KernelBenchmark.vectorDescription)); best of \(repetitions) after a warm-up."
        let note = "Process resident memory before the runs: \(ProcessMemory.format(baseline)); "
            + "VmHWM includes the executable, the weights and the support set."
        let output = TabularOutput(title: title, notes: [note], tables: [("plans", table)],
                                   text: title + "\n\n" + table.render() + "\n" + note + "\n")
        return CommandResult(output: output.render(format))
    }
}

/// The process's memory as Linux reports it in /proc/self/status (the CLI layer reads it; the library never does).
enum ProcessMemory {
    /// A field of /proc/self/status in kB.
    static func field(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            return Int(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        }
        return nil
    }

    /// VmHWM, the peak resident set size.
    static func highWaterMarkKilobytes() -> Int? { field("VmHWM") }

    /// VmRSS, the resident set size now.
    static func residentKilobytes() -> Int? { field("VmRSS") }

    /// Resets VmHWM to the current RSS (`echo 5 > /proc/self/clear_refs`); false where not permitted.
    static func resetHighWaterMark() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data("5".utf8))
            return true
        } catch {
            return false
        }
    }

    static func format(_ kilobytes: Int?) -> String {
        kilobytes.map { "\(DecimalFormatting.grouped($0)) kB" } ?? "n/a"
    }
}
