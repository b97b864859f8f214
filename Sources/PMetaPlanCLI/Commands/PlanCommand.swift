import PMetaPlan

/// `pmeta-plan [plan] --budget 256KB ARCH.json`: the main job.
enum PlanCommand {
    static let spec = CommandSpec(
        name: "plan",
        abstract: "Find the most valuable update plan whose adaptation step fits a memory budget (the default command).",
        discussion: "Searches which layers to update at each inner step and which fraction of their input channels, "
            + "with p-Meta's memory-weighted Lasso path and an exact search, and compares MAML, ANIL and BOIL on the same budget. "
            + "Exits 0 when a plan fits, 1 when none does (and says what would fit).",
        arguments: [ArgumentSpec("arch.json", help: "An architecture file (see architectures/).")],
        options: [
            OptionSpec("budget", shortName: "b", valueName: "size", help: "The memory budget: B, kB/KB, MB, GB (10^3 steps) or KiB, MiB, GiB (2^10 steps); decimals allowed, a fraction of a byte rounds down; lower-case m is milli and refused. With --sweep it marks the row of its optimum.",
                       valueExample: "256KB").required(unless: "--sweep, --device or --sram"),
            OptionSpec.flag("include-static", help: "The budget also holds the model and the support samples."),
            OptionSpec("device", valueName: "name", help: "Plan for a microcontroller's memories instead of --budget: its SRAM bounds the adaptation peak with the updated weights' SRAM copies "
                + "and the optimizer state, and its flash must hold the model at --weight-bytes (--bias-bytes for biases). Datasheet sizes, KB = 1,024 B.",
                       allowedValues: DeviceMemory.presets.compactMap(\.name)),
            OptionSpec("sram", valueName: "size", help: "The device's SRAM, as --budget's sizes (or a --device preset's, overridden)."),
            OptionSpec("flash", valueName: "size", help: "The device's flash, which must hold the model (with --sram; or a --device preset's, overridden)."),
            OptionSpec("importance", valueName: "file", help: "Learned step sizes |alpha_l^k| (an importance file, as meta-train writes). Default: every layer-step scores 1."),
            OptionSpec("ratios", valueName: "list", help: "Input-channel ratios mu_fw the search may use; 0 (the weights frozen) is always one, and may be listed (tiny-training's set: 0,1/8,1/4,1/2,1).",
                       defaultValue: "1/8,1/4,1/2,3/4,1"),
            OptionSpec("attention", valueName: "rho", help: "Plan with p-Meta's meta attention (Sec. 3.3) on every ungrouped conv and linear layer but the head: "
                + "rho_fw of Alg. 1 (the paper's 0.3); an attended update keeps at most C - ceil(rho C) input channels, chosen per pass, instead of a ratio."),
            OptionSpec("rho-backward", valueName: "rho", help: "With --attention: rho_bw of Alg. 1, for the output channels.", defaultValue: "0"),
            OptionSpec("output", shortName: "o", valueName: "plan.json", help: "Write the chosen plan as a plan file."),
            OptionSpec("channel-selection", valueName: "rule", help: "Which input channels the written plan's updates below ratio 1 keep: "
                + "first (channels 0..n-1, as the reference trainer does) or magnitude (the n whose weight slices have the largest L2 norm, "
                + "as MIT tiny-training selects them); the cost is the same.",
                       defaultValue: "first", allowedValues: ChannelSelection.allCases.map(\.rawValue)),
            OptionSpec("time-limit", valueName: "seconds", help: "How long the exact search may run; when it runs out, the answer is the best plan found "
                + "(the solved steps and the Lasso path's plan for the rest) with its proven gap to the Lagrangian bound, and says so. 0 is no limit.",
                       defaultValue: "5"),
            OptionSpec.flag("sweep", help: "Print the frontier over budgets (memory vs value vs MACs) instead of one plan."),
            OptionSpec("strategy", valueName: "name", help: "static: the exact optimum and the Lasso path, fixed layers and channel ratios; "
                + "dynamic: MeDyate's LaRa-ranked layers with channel counts whose worst case fits, channels redrawn every epoch.",
                       defaultValue: "static", allowedValues: ["static", "dynamic"]),
            OptionSpec("seed", valueName: "n", help: "The seed of the dynamic strategy's first channel draw.", defaultValue: "0"),
        ] + WorkloadOptions.specs + [WorkloadOptions.formatSpec])

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        var result = try plan(parsed)
        if let text = parsed.value("budget"), let note = try PlanInputs.budgetWithNote(text, commandPath: parsed.commandPath).note {
            result.errorOutput = note + result.errorOutput
        }
        return result
    }

    /// The plan, the dynamic plan or the sweep the arguments ask for.
    static func plan(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let format = try WorkloadOptions.format(parsed)
        let isSweep = parsed.flag("sweep")
        let device = try PlanInputs.device(parsed)
        if device != nil {
            for conflict in ["budget", "include-static", "sweep"] where parsed.givenValues[conflict] != nil || (conflict != "budget" && parsed.flag(conflict)) {
                throw .usage("--\(conflict) and the device options (--device, --sram) both set the budget; the device model bounds SRAM and "
                             + "places the model in flash (drop one of the two)", commandPath: parsed.commandPath)
            }
            if parsed.value("strategy") == "dynamic" {
                throw .usage("--strategy dynamic does not take the device options yet; plan the static strategy with --device, or the dynamic one with --budget",
                             commandPath: parsed.commandPath)
            }
        }
        // A sweep spans every budget; one given only marks its row.
        guard let budgetText = parsed.value("budget") ?? device?.sramText ?? (isSweep ? "" : nil) else {
            throw .usage("missing --budget, e.g. --budget 256KB (to see the costs without a budget, run 'pmeta-plan analyze'; "
                         + "for the frontier over every budget, --sweep; for a microcontroller, --device NAME or --sram SIZE --flash SIZE)",
                         commandPath: parsed.commandPath)
        }
        let budget: ByteCount
        if let device {
            budget = device.memory.sram
        } else {
            budget = budgetText.isEmpty ? ByteCount(0) : try PlanInputs.budget(budgetText, commandPath: parsed.commandPath)
        }
        let path = parsed.positional("arch.json") ?? ""
        let model = try InputFile.architecture(at: path)
        try PlanInputs.checkHasTrainableLayer(model.graph, path: path)
        let outputPath = try parsed.value("output").map { (value: String) throws(CommandFailure) -> String in
            let resolved = try OutputFiles.outputPath(value, defaultName: "plan.json", option: "--output", commandPath: parsed.commandPath)
            try OutputFiles.checkWritable(resolved)
            return resolved
        }
        let channelSelection = ChannelSelection(rawValue: parsed.value("channel-selection") ?? "first") ?? .first
        if parsed.givenValues["channel-selection"] != nil && (parsed.value("strategy") == "dynamic" || outputPath == nil) {
            throw .usage(parsed.value("strategy") == "dynamic"
                         ? "--channel-selection fixes the channels of a static plan; the dynamic strategy redraws them every epoch (drop one of the two)"
                         : "--channel-selection says which channels the written plan keeps; add --output plan.json",
                         commandPath: parsed.commandPath)
        }
        if parsed.givenValues["seed"] != nil && parsed.value("strategy") != "dynamic" {
            throw .usage("--seed draws the dynamic strategy's channels; the static plan has no draw (add --strategy dynamic, or drop --seed)",
                         commandPath: parsed.commandPath)
        }
        var (workload, requestedInnerSteps, profile) = try WorkloadOptions.resolve(parsed, graph: model.graph)
        // On a device the updated weights are copied from flash into SRAM.
        if device != nil { workload = workload.onDevice() }
        var innerSteps = requestedInnerSteps
        let ratios = try PlanInputs.ratios(parsed.value("ratios") ?? "1/8,1/4,1/2,3/4,1", commandPath: parsed.commandPath)
        let attention = try PlanInputs.attention(parsed)
        if attention != nil && parsed.value("strategy") == "dynamic" {
            throw .usage("--attention chooses channels per pass from the data; the dynamic strategy draws them per epoch (drop one of the two)",
                         commandPath: parsed.commandPath)
        }
        let importance: ImportanceScores
        (importance, innerSteps) = try PlanInputs.importanceAndInnerSteps(parsed, graph: model.graph, innerSteps: innerSteps)
        if let importancePath = parsed.value("importance") {
            if importance.scores.allSatisfy({ $0.allSatisfy { $0 == 0 } }) {
                return CommandResult(output: "\(importancePath): every step size is 0, so no layer-step is worth updating: the plan is to adapt nothing "
                    + "(the Lasso zeroed every alpha_l^k; a smaller --lambda in meta-train keeps some). No plan was searched or written.\n")
            }
        }
        do {
            let statics = try model.staticMemory(samples: workload.samplesPerStep, precision: workload.precision)
            let includeStatic = parsed.flag("include-static")
            let staticBytes = ByteCount(statics.modelBytes.bytes + statics.sampleBytes.bytes)
            let adaptationBudget = ByteCount(max(0, budget.bytes - (includeStatic ? staticBytes.bytes : 0)))
            var problem = PlanningProblem(model: model, workload: workload, profile: profile, budget: adaptationBudget,
                                          ratios: ratios, importance: importance, attention: attention)
            problem.searchTimeLimit = try PlanInputs.timeLimit(parsed)
            let deviceFit = device.map { DeviceFit(device: $0.memory, flashBytes: statics.modelBytes) }
            if let deviceFit, !deviceFit.fitsFlash, let flash = deviceFit.device.flash {
                return CommandResult(output: "\(model.graph.graph.name): DOES NOT FIT: the model takes \(deviceFit.flashBytes) of flash at "
                    + "\(workload.precision.weightBytes) B per weight\(workload.precision.biasBytes.map { " and \($0) B per bias" } ?? ""), and "
                    + "\(deviceFit.device.name ?? "the device") has \(flash). No plan was searched or written; fewer bytes per weight "
                    + "(--weight-bytes 1 for int8) or a larger flash would hold it.\n", exitCode: .overBudget)
            }
            if parsed.value("strategy") == "dynamic" {
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
        var preset: DeviceMemory?
        if let name = parsed.value("device") {
            guard let found = DeviceMemory.preset(named: name) else {
                throw .usage("--device: unknown device '\(name.escapingControlCharacters)'; expected one of "
                             + DeviceMemory.presets.compactMap(\.name).joined(separator: ", ") + " (or --sram SIZE --flash SIZE)",
                             commandPath: parsed.commandPath)
            }
            preset = found
        }
        let sram = try parsed.value("sram").map { (text: String) throws(CommandFailure) in try size(text, option: "--sram", commandPath: parsed.commandPath) }
        let flash = try parsed.value("flash").map { (text: String) throws(CommandFailure) in try size(text, option: "--flash", commandPath: parsed.commandPath) }
        guard var memory = preset ?? sram.map({ DeviceMemory(sram: $0, flash: flash) }) else {
            if flash != nil {
                throw .usage("--flash needs the SRAM the plan must fit: add --sram SIZE or --device NAME", commandPath: parsed.commandPath)
            }
            return nil
        }
        if let sram { memory.sram = sram }
        if let flash { memory.flash = flash }
        if preset != nil, sram != nil || flash != nil, let source = memory.source {
            memory.source = source + "; " + [sram.map { _ in "SRAM" }, flash.map { _ in "flash" }].compactMap { $0 }.joined(separator: " and ")
                + " set by hand"
        }
        let sramText = parsed.value("sram") ?? "\(DecimalFormatting.grouped(memory.sram.bytes / 1_024))KiB"
        return (memory, sramText)
    }

    /// `--time-limit SECONDS` as a duration, nil for 0 (no limit); 5 s when not given.
    /// - Throws: `CommandFailure.usage` for a value that is not a number of seconds from 0 to 86,400.
    static func timeLimit(_ parsed: ParsedArguments) throws(CommandFailure) -> Duration? {
        let text = parsed.value("time-limit") ?? "5"
        guard let seconds = Double(text), seconds.isFinite, (0...86_400).contains(seconds) else {
            throw .usage("--time-limit expects seconds from 0 (no limit) to 86,400, found '\(text.escapingControlCharacters)'", commandPath: parsed.commandPath)
        }
        return seconds == 0 ? nil : .milliseconds(Int((seconds * 1_000).rounded(.up)))
    }

    /// A budget such as `256KB`.
    static func budget(_ text: String, commandPath: [String]) throws(CommandFailure) -> ByteCount {
        try size(text, option: "--budget", commandPath: commandPath)
    }

    /// A size such as `256KB` given to `option`.
    /// - Throws: `CommandFailure.usage` naming the option.
    static func size(_ text: String, option: String, commandPath: [String]) throws(CommandFailure) -> ByteCount {
        do {
            return try ByteCount(parsing: text)
        } catch {
            throw .usage("\(option): \(error)", commandPath: commandPath)
        }
    }

    /// A budget such as `0.3MiB`, with the note to print when it was not a whole number of bytes.
    static func budgetWithNote(_ text: String, commandPath: [String]) throws(CommandFailure) -> (ByteCount, note: String?) {
        do {
            let (bytes, exact) = try ByteCount.parsingRoundingDown(text)
            return (bytes, exact.map { "Note: --budget \(text.escapingControlCharacters) is \($0) B; a budget holds whole bytes, so it is \(DecimalFormatting.grouped(bytes.bytes)) B.\n" })
        } catch {
            throw .usage("--budget: \(error)", commandPath: commandPath)
        }
    }

    /// A ratio list such as `1/4,1/2,1`; a 0 in it (tiny-training's set `0,1/8,1/4,1/2,1`) is the frozen-weights option
    /// every search has, so it adds nothing.
    static func ratios(_ text: String, commandPath: [String]) throws(CommandFailure) -> [ChannelRatio] {
        var ratios: [ChannelRatio] = []
        for part in text.split(separator: ",") {
            guard let ratio = ChannelRatio(parsing: String(part)) else {
                throw .usage("--ratios: '\(part)' is not a fraction in [0, 1] such as 1/4 or 0.5", commandPath: commandPath)
            }
            if ratio > .none && !ratios.contains(ratio) { ratios.append(ratio) }
        }
        guard !ratios.isEmpty else { throw .usage("--ratios needs at least one fraction above 0, e.g. 1/2,1", commandPath: commandPath) }
        return ratios
    }

    /// `--importance` (or uniform scores) and the run's K: the importance file's, since one K serves every row of a
    /// run; an `--inner-steps` that contradicts it is a usage error.
    static func importanceAndInnerSteps(_ parsed: ParsedArguments, graph: ShapedGraph,
                                        innerSteps: Int) throws(CommandFailure) -> (ImportanceScores, innerSteps: Int) {
        let importance = try importance(parsed.value("importance"), graph: graph, innerSteps: innerSteps)
        guard let importancePath = parsed.value("importance") else { return (importance, innerSteps) }
        if parsed.givenValues["inner-steps"] != nil && innerSteps != importance.innerStepCount {
            throw .usage("--inner-steps \(innerSteps) contradicts \(importancePath), which scores \(importance.innerStepCount) inner steps; drop --inner-steps",
                         commandPath: parsed.commandPath)
        }
        return (importance, importance.innerStepCount)
    }

    /// Meta attention's clip ratios from `--attention RHO` and `--rho-backward RHO`, or nil without `--attention`.
    static func attention(_ parsed: ParsedArguments) throws(CommandFailure) -> MetaAttentionRatios? {
        func clipRatio(_ name: String) throws(CommandFailure) -> ChannelRatio {
            let text = parsed.value(name) ?? "0"
            guard let ratio = ChannelRatio(parsing: text), ratio < .all else {
                throw .usage("--\(name): '\(text.escapingControlCharacters)' is not a clip ratio in [0, 1) such as 0.3 or 3/10", commandPath: parsed.commandPath)
            }
            return ratio
        }
        guard parsed.givenValues["attention"] != nil else {
            if parsed.givenValues["rho-backward"] != nil {
                throw .usage("--rho-backward is meta attention's backward clip ratio; add --attention RHO", commandPath: parsed.commandPath)
            }
            return nil
        }
        return MetaAttentionRatios(forward: try clipRatio("attention"), backward: try clipRatio("rho-backward"))
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
        if let planPath = parsed.value("plan") {
            return (try plan(planPath, graph: graph), planPath, planPath)
        }
        let methodName = parsed.value("method") ?? AdaptationMethod.maml.rawValue
        guard let method = AdaptationMethod(rawValue: methodName.lowercased()) else {
            throw .usage("unknown method '\(methodName)'; the methods are \(AdaptationMethod.allCases.map(\.rawValue).joined(separator: ", "))",
                         commandPath: parsed.commandPath)
        }
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
