import PMetaPlan

/// `pmeta-plan [plan] --budget 256KB ARCH.json`: the main job.
enum PlanCommand {
    static let budget = Option.size("budget", shortName: "b", help: "The memory budget: B, kB/KB, MB, GB (10^3 steps) or KiB, MiB, GiB (2^10 steps); "
        + "decimals allowed, a fraction of a byte rounds down; lower-case m is milli and refused. With --sweep it marks the row of its optimum.")
        .required(unless: "--sweep, --device or --sram")
    static let includeStatic = Flag("include-static", help: "The budget also holds the model and the support samples.")
    static let device = Option<DeviceMemory>.choice("device",
        help: "Plan for a microcontroller's memories instead of --budget: its SRAM bounds the adaptation peak with the updated weights' SRAM copies "
            + "and the optimizer state, and its flash must hold the model at --weight-bytes (--bias-bytes for biases). Datasheet sizes, KB = 1,024 B.",
        choices: DeviceMemory.presets.compactMap { preset in preset.name.map { ($0, preset) } })
    static let sram = Option.size("sram", help: "The device's SRAM, as --budget's sizes (or a --device preset's, overridden).")
    static let flash = Option.size("flash", help: "The device's flash, which must hold the model (with --sram; or a --device preset's, overridden).")
    static let ratios = Option.channelRatios("ratios", help: "Input-channel ratios mu_fw the search may use; 0 (the weights frozen) is always one, "
        + "and may be listed (tiny-training's set: 0,1/8,1/4,1/2,1).")
        .defaulting(to: [ChannelRatio(1, 8), ChannelRatio(1, 4), ChannelRatio(1, 2), ChannelRatio(3, 4), .all])
    static let attention = Option.clipRatio("attention", help: "Plan with p-Meta's meta attention (Sec. 3.3) on every ungrouped conv and linear layer but the head: "
        + "rho_fw of Alg. 1 (the paper's 0.3); an attended update keeps at most C - ceil(rho C) input channels, chosen per pass, instead of a ratio.")
    static let rhoBackward = Option.clipRatio("rho-backward", help: "With --attention: rho_bw of Alg. 1, for the output channels.").defaulting(to: .none)
    static let output = Option.text("output", shortName: "o", valueName: "plan.json", help: "Write the chosen plan as a plan file.")
    static let channelSelection = Option<ChannelSelection>.choice("channel-selection", valueName: "rule",
        help: "Which input channels the written plan's updates below ratio 1 keep: first (channels 0..n-1, as the reference trainer does) or magnitude "
            + "(the n whose weight slices have the largest L2 norm, as MIT tiny-training selects them); the cost is the same.")
        .defaulting(to: .first)
    static let timeLimit = Option<Duration>(spec: OptionSpec("time-limit", valueName: "seconds",
        help: "How long planning may take, counted from the start (reading the network included); when it runs out, the exact search answers "
            + "with the best plan found (the solved steps and the Lasso path's plan for the rest) and its proven gap to the Lagrangian bound, the "
            + "dynamic strategy with the best channel counts of the sizes it tried, a sweep with the budgets it reached; each says so. "
            + "0 is no limit."),
        parse: { text throws(OptionValueError) in
            guard let seconds = Double(text), seconds.isFinite, (0...86_400).contains(seconds) else {
                throw OptionValueError(message: "--time-limit expects seconds from 0 (no limit) to 86,400, found '\(text)'")
            }
            return .milliseconds(Int((seconds * 1_000).rounded(.up)))
        },
        describe: { String($0.components.seconds) }).defaulting(to: .seconds(5))
    static let sweep = Flag("sweep", help: "Print the frontier over budgets (memory vs value vs MACs) instead of one plan.")
    static let strategy = Option<PlanningStrategy>.choice("strategy", help: "static: the exact optimum and the Lasso path, fixed layers and channel ratios; "
        + "dynamic: MeDyate's LaRa-ranked layers with channel counts whose worst case fits, channels redrawn every epoch.").defaulting(to: .static)
    static let seed = Option.seed(help: "The seed of the dynamic strategy's first channel draw.").defaulting(to: 0)

    static let spec = CommandSpec(
        name: "plan",
        abstract: "Find the most valuable update plan whose adaptation step fits a memory budget (the default command).",
        discussion: "Searches which layers to update at each inner step and which fraction of their input channels, "
            + "with p-Meta's memory-weighted Lasso path and an exact search, and compares MAML, ANIL and BOIL on the same budget. "
            + "Exits 0 when a plan fits, 1 when none does (and says what would fit).",
        arguments: [InputFile.architectureArgument],
        options: [budget.spec, includeStatic.spec, device.spec, sram.spec, flash.spec, PlanInputs.importanceFile.spec, ratios.spec, attention.spec,
                  rhoBackward.spec, output.spec, channelSelection.spec, timeLimit.spec, sweep.spec, strategy.spec, seed.spec]
            + WorkloadOptions.specs + [WorkloadOptions.format.spec])

    /// `--strategy`: how the plan is chosen.
    enum PlanningStrategy: String, CaseIterable, Sendable {
        /// The exact optimum and the Lasso path: fixed layers and channel ratios.
        case `static`
        /// MeDyate's LaRa-ranked layers with channels redrawn every epoch.
        case dynamic
    }

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        var result = try plan(parsed)
        if let note = try parsed.value(Self.budget)?.roundingNote { result.errorOutput = note + result.errorOutput }
        return result
    }

    /// The plan, the dynamic plan or the sweep the arguments ask for.
    static func plan(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        // --time-limit counts from here, so that reading a large network is inside it.
        let start = ContinuousClock.now
        let format = try parsed.value(WorkloadOptions.format)
        let isSweep = parsed.isSet(Self.sweep)
        let strategy = try parsed.value(Self.strategy)
        let device = try PlanInputs.device(parsed)
        if device != nil {
            for conflict in [Self.budget.spec, Self.includeStatic.spec, Self.sweep.spec] where !parsed.givenTexts(conflict).isEmpty {
                throw .usage("\(conflict.longSpelling) and the device options (--device, --sram) both set the budget; the device model bounds SRAM and "
                             + "places the model in flash (drop one of the two)", commandPath: parsed.commandPath)
            }
            if strategy == .dynamic {
                throw .usage("--strategy dynamic does not take the device options yet; plan the static strategy with --device, or the dynamic one with --budget",
                             commandPath: parsed.commandPath)
            }
        }
        // A sweep spans every budget; one given only marks its row.
        let givenBudget = try parsed.value(Self.budget)
        guard let budgetText = givenBudget?.text ?? device?.sramText ?? (isSweep ? "" : nil) else {
            throw .usage("missing --budget, e.g. --budget 256KB (to see the costs without a budget, run 'pmeta-plan analyze'; "
                         + "for the frontier over every budget, --sweep; for a microcontroller, --device NAME or --sram SIZE --flash SIZE)",
                         commandPath: parsed.commandPath)
        }
        let budget = device?.memory.sram ?? givenBudget?.bytes ?? ByteCount(0)
        let path = parsed.positional(InputFile.architectureArgument) ?? ""
        let model = try InputFile.architecture(at: path)
        try PlanInputs.checkHasTrainableLayer(model.graph, path: path)
        let outputPath = try parsed.value(Self.output).map { (value: String) throws(CommandFailure) -> String in
            let resolved = try OutputFiles.outputPath(value, defaultName: "plan.json", option: "--output", commandPath: parsed.commandPath)
            try OutputFiles.checkWritable(resolved)
            return resolved
        }
        let channelSelection = try parsed.value(Self.channelSelection)
        if parsed.isGiven(Self.channelSelection) && (strategy == .dynamic || outputPath == nil) {
            throw .usage(strategy == .dynamic
                         ? "--channel-selection fixes the channels of a static plan; the dynamic strategy redraws them every epoch (drop one of the two)"
                         : "--channel-selection says which channels the written plan keeps; add --output plan.json",
                         commandPath: parsed.commandPath)
        }
        if parsed.isGiven(Self.seed) && strategy != .dynamic {
            throw .usage("--seed draws the dynamic strategy's channels; the static plan has no draw (add --strategy dynamic, or drop --seed)",
                         commandPath: parsed.commandPath)
        }
        var (workload, requestedInnerSteps, profile) = try WorkloadOptions.resolve(parsed, graph: model.graph)
        // On a device the updated weights are copied from flash into SRAM.
        if device != nil { workload = workload.onDevice() }
        var innerSteps = requestedInnerSteps
        let ratios = try parsed.value(Self.ratios)
        let attention = try PlanInputs.attention(parsed)
        if attention != nil && strategy == .dynamic {
            throw .usage("--attention chooses channels per pass from the data; the dynamic strategy draws them per epoch (drop one of the two)",
                         commandPath: parsed.commandPath)
        }
        let importance: ImportanceScores
        (importance, innerSteps) = try PlanInputs.importanceAndInnerSteps(parsed, graph: model.graph, innerSteps: innerSteps)
        if let importancePath = try parsed.value(PlanInputs.importanceFile) {
            if importance.scores.allSatisfy({ $0.allSatisfy { $0 == 0 } }) {
                return CommandResult(output: "\(importancePath): every step size is 0, so no layer-step is worth updating: the plan is to adapt nothing "
                    + "(the Lasso zeroed every alpha_l^k; a smaller --lambda in meta-train keeps some). No plan was searched or written.\n")
            }
        }
        do {
            let statics = try model.staticMemory(samples: workload.samplesPerStep, precision: workload.precision)
            let includeStatic = parsed.isSet(Self.includeStatic)
            let staticBytes = ByteCount(statics.modelBytes.bytes + statics.sampleBytes.bytes)
            let adaptationBudget = ByteCount(max(0, budget.bytes - (includeStatic ? staticBytes.bytes : 0)))
            var problem = PlanningProblem(model: model, workload: workload, profile: profile, budget: adaptationBudget,
                                          ratios: ratios, importance: importance, attention: attention)
            let timeLimit = try parsed.value(Self.timeLimit)
            problem.searchDeadline = timeLimit == .zero ? nil : start + timeLimit
            let deviceFit = device.map { DeviceFit(device: $0.memory, flashBytes: statics.modelBytes) }
            if let deviceFit, !deviceFit.fitsFlash, let flash = deviceFit.device.flash {
                let message = "\(model.graph.graph.name): DOES NOT FIT: the model takes \(deviceFit.flashBytes) of flash at "
                    + "\(workload.precision.weightBytes) B per weight\(workload.precision.biasBytes.map { " and \($0) B per bias" } ?? ""), and "
                    + "\(deviceFit.device.name ?? "the device") has \(flash). No plan was searched or written; fewer bytes per weight "
                    + "(--weight-bytes 1 for int8) or a larger flash would hold it."
                return CommandResult(output: TextWrapping.wrappingProse(message) + "\n", exitCode: .overBudget)
            }
            if strategy == .dynamic {
                return try runDynamic(parsed, problem: problem, budgetText: budgetText, includeStatic: includeStatic, staticBytes: staticBytes,
                                      path: path, outputPath: outputPath)
            }
            if isSweep {
                guard outputPath == nil else {
                    throw CommandFailure.usage("--sweep prints the frontier and writes no plan file; drop --output, or --sweep to write the plan within --budget",
                                               commandPath: parsed.commandPath)
                }
                var sweep = try BudgetSweep(problem)
                var marked: UpdatePlan?
                if !budgetText.isEmpty, let optimum = try BudgetPlanner.solve(problem).optimum {
                    marked = optimum.plan
                    sweep.include(optimum.plan, foundWithin: adaptationBudget, peak: optimum.cost.peak, value: optimum.value, macs: optimum.cost.macs)
                }
                let report = SweepReport(architectureName: model.graph.graph.name, problem: problem, sweep: sweep,
                                         givenBudgetText: budgetText.isEmpty ? nil : budgetText, planWithinGivenBudget: marked)
                return CommandResult(output: report.render(format))
            }
            let result = try BudgetPlanner.solve(problem)
            let methods = try [AdaptationMethod.maml, .anil, .boil, .tinyTL].map {
                try MethodSummary(method: $0, model: model, workload: workload, innerSteps: innerSteps, profile: profile)
            }
            // When the search ran out of time there is nothing proven to advise on.
            let advice = result.fits || result.stoppedSearch != nil ? nil : try FitAdvice(for: problem)
            var report = PlanReport(architectureName: model.graph.graph.name, budgetText: budgetText, includesStatic: includeStatic,
                                    staticBytes: staticBytes, result: result, methods: methods, advice: advice)
            report.request.device = deviceFit
            if let output = outputPath, let optimum = result.optimum {
                let document = optimum.plan.selectingChannels(by: channelSelection).json(for: model.graph, extra: [
                    ("workload", workload.json(innerSteps: optimum.plan.innerStepCount)),
                    ("profile", .string(profile.name)),
                    ("budget_bytes", .integer(report.budgetBytes.bytes)),
                    ("predicted_peak_bytes", .integer(optimum.cost.peak.bytes)),
                ])
                try InputFile.write(JSONWriter.write(document), to: output)
            }
            return CommandResult(output: report.render(format), exitCode: result.fits ? .success : .overBudget)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw .badData("\(path): \(error)")
        }
    }
}

/// Parsing the planner's own inputs: budgets, ratio lists, importance files, plan files.
enum PlanInputs {
    /// Stops on a network with nothing to adapt: with no trainable layer every plan is empty and the planner's
    /// "smallest peak" would be a sentinel, not a figure.
    /// - Throws: `CommandFailure.badData` naming the file.
    static func checkHasTrainableLayer(_ graph: ShapedGraph, path: String) throws(CommandFailure) {
        guard graph.layers.contains(where: { $0.operation.isTrainable }) else {
            throw .badData("\(path): this network has no trainable layer (no conv, linear or normalization with parameters); there is nothing to adapt or plan")
        }
    }

    /// The device of `--device NAME`, `--sram SIZE` and `--flash SIZE`, with the SRAM as the user wrote it, or nil
    /// without them.
    /// - Throws: `CommandFailure.usage` for an unknown preset, a malformed size or `--flash` alone.
    static func device(_ parsed: ParsedArguments) throws(CommandFailure) -> (memory: DeviceMemory, sramText: String)? {
        let preset = try parsed.value(PlanCommand.device)
        let sram = try parsed.value(PlanCommand.sram)
        let flash = try parsed.value(PlanCommand.flash)
        guard var memory = preset ?? sram.map({ DeviceMemory(sram: $0.bytes, flash: flash?.bytes) }) else {
            if flash != nil {
                throw .usage("--flash needs the SRAM the plan must fit: add --sram SIZE or --device NAME", commandPath: parsed.commandPath)
            }
            return nil
        }
        if let sram { memory.sram = sram.bytes }
        if let flash { memory.flash = flash.bytes }
        if preset != nil, sram != nil || flash != nil, let source = memory.source {
            memory.source = source + "; " + [sram.map { _ in "SRAM" }, flash.map { _ in "flash" }].compactMap { $0 }.joined(separator: " and ")
                + " set by hand"
        }
        let sramText = sram?.text ?? "\(DecimalFormatting.grouped(memory.sram.bytes / 1_024))KiB"
        return (memory, sramText)
    }

    /// `--importance`: learned step sizes, shared by `plan` and `compare`.
    static let importanceFile = Option.text("importance", valueName: "file",
        help: "Learned step sizes |alpha_l^k| (an importance file, as meta-train writes). Default: every layer-step scores 1.")

    /// `--plan`: a plan file to cost instead of a method (`analyze`, `check`).
    static let planFile = Option.text("plan", valueName: "plan.json",
        help: "A plan file (as --output writes) to cost instead of a method, under the workload and profile it records.")

    /// `--method`: a built-in method to cost (`analyze`, `check`); not with `--plan`.
    static let method = Option<AdaptationMethod>.choice("method", valueName: "method", help: "The built-in method to cost (not with --plan).")
        .defaulting(to: .maml)

    /// `--importance` (or uniform scores) and the run's K: the importance file's, since one K serves every row of a
    /// run; an `--inner-steps` that contradicts it is a usage error.
    static func importanceAndInnerSteps(_ parsed: ParsedArguments, graph: ShapedGraph,
                                        innerSteps: Int) throws(CommandFailure) -> (ImportanceScores, innerSteps: Int) {
        let importancePath = try parsed.value(Self.importanceFile)
        let importance = try importance(importancePath, graph: graph, innerSteps: innerSteps)
        guard let importancePath else { return (importance, innerSteps) }
        if parsed.isGiven(WorkloadOptions.innerSteps) && innerSteps != importance.innerStepCount {
            throw .usage("--inner-steps \(innerSteps) contradicts \(importancePath), which scores \(importance.innerStepCount) inner steps; drop --inner-steps",
                         commandPath: parsed.commandPath)
        }
        return (importance, importance.innerStepCount)
    }

    /// Meta attention's clip ratios from `--attention RHO` and `--rho-backward RHO`, or nil without `--attention`.
    static func attention(_ parsed: ParsedArguments) throws(CommandFailure) -> MetaAttentionRatios? {
        guard let forward = try parsed.value(PlanCommand.attention) else {
            if parsed.isGiven(PlanCommand.rhoBackward) {
                throw .usage("--rho-backward is meta attention's backward clip ratio; add --attention RHO", commandPath: parsed.commandPath)
            }
            return nil
        }
        return MetaAttentionRatios(forward: forward, backward: try parsed.value(PlanCommand.rhoBackward))
    }

    /// The importance file at `path`, or uniform scores.
    static func importance(_ path: String?, graph: ShapedGraph, innerSteps: Int) throws(CommandFailure) -> ImportanceScores {
        guard let path else { return .uniform(for: graph, innerSteps: innerSteps) }
        let json = try jsonDocument(at: path)
        do {
            return try ImportanceScores(json: json, for: graph, source: path)
        } catch {
            throw .badData(error.inFile(path).description)
        }
    }

    /// The plan file at `path` for `graph`.
    static func plan(_ path: String, graph: ShapedGraph) throws(CommandFailure) -> UpdatePlan {
        let json = try jsonDocument(at: path)
        do {
            return try UpdatePlan(json: json, for: graph)
        } catch {
            throw .badData(error.inFile(path).description)
        }
    }

    /// The plan `--plan FILE` names, else the built-in `--method` (default MAML), with its identifier
    /// (`maml` or the file) and its display name (`MAML` or the file).
    static func planOrMethod(_ parsed: ParsedArguments, graph: ShapedGraph,
                             innerSteps: Int) throws(CommandFailure) -> (plan: UpdatePlan, identifier: String, displayName: String) {
        if let planPath = try parsed.value(Self.planFile) {
            return (try plan(planPath, graph: graph), planPath, planPath)
        }
        let method = try parsed.value(Self.method)
        return (method.plan(for: graph, innerSteps: innerSteps), method.rawValue, method.displayName)
    }

    /// A JSON document read from `path`.
    static func jsonDocument(at path: String) throws(CommandFailure) -> JSONValue {
        let bytes = try InputFile.bytes(at: path)
        do {
            return try JSONParser.parse(bytes: bytes)
        } catch let error as JSONSyntaxError {
            throw .badData("\(path): line \(error.line), column \(error.column): \(error.message)")
        } catch {
            throw .badData("\(path): \(error)")
        }
    }
}
