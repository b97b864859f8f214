import PMetaPlan
import PMetaTrainer

/// `pmeta-plan validate ARCH.json --plan plan.json --weights DIR`: a plan validated by really adapting.
enum ValidateCommand {
    static let spec = CommandSpec(
        name: "validate",
        abstract: "Adapt a meta-trained model to held-out tasks with a plan and with MAML, ANIL and BOIL; report measured and predicted peak memory and accuracy.",
        discussion: """
            Held-out tasks come from the model's task family (its test classes), drawn with --seed. Each method adapts with the \
            trainer's scratch-free kernels while a meter records every buffer; the predicted peak is the cost model's (physical profile) for \
            the same plan and workload. The plan uses the learned step sizes of DIR/importance.json (the model's inner step size \
            where a layer-step has none). MAML, ANIL and BOIL use a --baseline model meta-trained with that method when one is \
            given, else the same weights with their own layers. A --baseline meta-trained with MAML++ or p-Meta adds its row, \
            adapting with its learned plan (the layer-steps with a nonzero step size) and its meta attention, if any.
            """,
        arguments: [architecture],
        options: [plan.spec, weights.spec, baselines.spec, tasks.spec, microBatch.spec, seed.spec, WorkloadOptions.format.spec])

    static let architecture = ArgumentSpec("arch.json", help: "The architecture the model was meta-trained on.")
    static let plan = Option.text("plan", valueName: "plan.json", help: "The update plan to validate.", valueExample: "out/pmeta/plan.json").required()
    static let weights = Option.text("weights", valueName: "dir", help: "A folder written by meta-train.", valueExample: "out/pmeta").required()
    static let baselines = Option.text("baseline", valueName: "dir",
        help: "A model meta-trained with any method (maml, anil, boil, maml++, pmeta), used for that method's row; maml++ and pmeta rows adapt with their learned plans.")
        .repeatable()
    static let tasks = Option.integer("tasks", help: "Held-out tasks.", in: 1...1_000_000).defaulting(to: 100)
    static let microBatch = Option.integer("micro-batch", help: "Samples per forward/backward pass. Default: the architecture file's workload, else the whole support set.",
                                           in: 1...1_000_000)
    static let seed = Option.seed(help: "The seed of the held-out tasks.").defaulting(to: 1)

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let commandPath = parsed.commandPath
        let format = try parsed.value(WorkloadOptions.format)
        let path = parsed.positional(architecture) ?? ""
        guard let planPath = try parsed.value(Self.plan) else { throw .usage("validate needs --plan plan.json", commandPath: commandPath) }
        guard let weightsPath = try parsed.value(Self.weights) else { throw .usage("validate needs --weights DIR", commandPath: commandPath) }
        let network = try TrainerInputs.network(at: path)
        let graph = network.graph
        let model = try TrainerInputs.modelFolder(at: weightsPath, for: network)
        let plan: UpdatePlan
        do {
            plan = try UpdatePlan(json: try InputFile.json(at: planPath), for: graph)
        } catch let error as DataError {
            throw .badData(error.inFile(planPath).description)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw .badData("\(planPath): \(error)")
        }
        if plan.steps.contains(where: { $0.layers.contains { $0.selectsChannels && $0.channelSelection != .first } }) {
            throw .badData("\(planPath): the plan keeps channels by magnitude, but the reference trainer keeps the first ones; "
                           + "validate a plan written with --channel-selection first (the default), or apply it with python/pmeta_torch.py")
        }
        var baselines: [MetaLearningMethod: TrainerInputs.ModelFolder] = [:]
        for folder in try parsed.values(Self.baselines) {
            let baseline = try TrainerInputs.modelFolder(at: folder, for: network)
            if let earlier = baselines[baseline.description.method] {
                throw .usage("--baseline \(earlier.path) and --baseline \(folder) were both meta-trained with \(baseline.description.method.rawValue); "
                             + "give one baseline per method", commandPath: commandPath)
            }
            baselines[baseline.description.method] = baseline
        }

        let taskCount = try parsed.value(Self.tasks)
        var generator = SplitMix64(seed: try parsed.value(Self.seed))
        let family = model.description.task.family(sampleShape: graph.inputShape.dimensions)
        let tasks = (0..<taskCount).map { _ in family.task(from: .test, using: &generator) }
        let samples = tasks[0].support.count
        let microBatch = try parsed.value(Self.microBatch)
            ?? graph.graph.suggestedWorkload.map { min($0.microBatch, samples) } ?? samples

        // Step sizes for a plan from a model: its learned alpha where nonzero, else its inner step size.
        func stepSizes(for plan: UpdatePlan, from folder: TrainerInputs.ModelFolder) -> [[Float]] {
            plan.steps.enumerated().map { step, updates in
                updates.layers.indices.map { layer in
                    guard updates.layers[layer].isUpdated else { return 0 }
                    let learned = step < folder.stepSizes.count ? folder.stepSizes[step][layer] : 0
                    return learned > 0 ? learned : folder.description.innerStepSize
                }
            }
        }
        let source = "\(weightsPath) (\(model.description.method.displayName))"
        let attentionNote = model.attention.map { " and meta attention (rho_fw \($0.forwardClipRatio), rho_bw \($0.backwardClipRatio))" } ?? ""
        var candidates = [ValidationCandidate(name: "plan", source: "\(planPath) with \(source)\(attentionNote)", parameters: model.parameters,
                                              plan: plan, stepSizes: stepSizes(for: plan, from: model), attention: model.attention)]
        for method in [MetaLearningMethod.maml, .anil, .boil] + [.mamlPlusPlus, .pMeta].filter({ baselines[$0] != nil }) {
            if let baseline = baselines[method], method.learnsStepSizes {
                // A learned plan: the layer-steps its step sizes kept, with its own attention.
                let learnedPlan = UpdatePlan(nonzeroStepSizes: baseline.stepSizes, of: network)
                let attention = baseline.attention.map { " and meta attention (rho_fw \($0.forwardClipRatio), rho_bw \($0.backwardClipRatio))" } ?? ""
                candidates.append(ValidationCandidate(name: method.rawValue, source: "\(baseline.path) (\(method.displayName), its learned plan\(attention))",
                                                      parameters: baseline.parameters, plan: learnedPlan,
                                                      stepSizes: stepSizes(for: learnedPlan, from: baseline), attention: baseline.attention))
            } else if let baseline = baselines[method] {
                let baselinePlan = method.fixedPlan(for: network, innerSteps: baseline.description.innerSteps)
                candidates.append(ValidationCandidate(name: method.rawValue, source: "\(baseline.path) (\(method.displayName))",
                                                      parameters: baseline.parameters, plan: baselinePlan,
                                                      stepSizes: stepSizes(for: baselinePlan, from: baseline)))
            } else {
                let methodPlan = method.fixedPlan(for: network, innerSteps: plan.innerStepCount)
                candidates.append(ValidationCandidate(name: method.rawValue, source: "\(source), \(method.displayName)'s layers",
                                                      parameters: model.parameters, plan: methodPlan,
                                                      stepSizes: stepSizes(for: methodPlan, from: model)))
            }
        }
        do {
            let report = try network.validate(candidates, on: tasks, microBatchSize: microBatch)
            // A score that is not finite is an adaptation that diverged: an answer of "nan ± nan" would read as a result.
            if let row = report.rows.first(where: { ![$0.before.mean, $0.before.halfWidth, $0.after.mean, $0.after.halfWidth].allSatisfy(\.isFinite) }) {
                throw CommandFailure.badData("\(weightsPath): adapting held-out tasks with '\(row.name)' diverged (its \(report.metric.rawValue) is not a finite number); "
                    + "the step sizes in model.json and importance.json are too large for these weights")
            }
            return CommandResult(output: report.render(format))
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw .badData("\(path): \(error)")
        }
    }
}
