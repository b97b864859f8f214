import PMetaPlan

extension WorkloadOptions {
    /// The flag that lets workload options cost a plan file under other conditions than it records.
    static let overrideSpec = OptionSpec.flag("override-plan-workload",
        help: "Cost a plan file under the workload and profile options given, though they contradict what the file records (the output lists each override).")

    /// The workload, inner steps and profile for costing `plan`, read from the plan file's record where it has one.
    ///
    /// An option not given takes the recorded value; a given option that contradicts the record (or `--inner-steps`
    /// against the plan's step count) is a usage error, unless `--override-plan-workload` is given: then the option
    /// wins and the returned overrides name each contradiction for the output.
    /// - Throws: `CommandFailure.usage` naming the option, the file and the recorded value.
    static func resolve(_ parsed: ParsedArguments, graph: ShapedGraph, plan: UpdatePlan, record: PlanFileRecord?,
                        planPath: String?) throws(CommandFailure) -> (Workload, Int, CountingProfile, overrides: [String]) {
        var (workload, _, profile) = try resolve(parsed, graph: graph)
        let allowsOverride = parsed.command.options.contains { $0.longName == overrideSpec.longName } && parsed.flag(overrideSpec.longName)
        var overrides: [String] = []
        let source = planPath.map { "the plan file \($0)" } ?? "the plan"
        func reconcile(_ option: String, given: String, recorded: String, what: String) throws(CommandFailure) {
            guard given != recorded else { return }
            guard allowsOverride else {
                throw .usage("--\(option) \(given) contradicts \(source), made for \(what) \(recorded); drop --\(option)"
                    + (parsed.command.options.contains { $0.longName == overrideSpec.longName } ? ", or add --override-plan-workload to cost it under \(given) anyway" : ""),
                             commandPath: parsed.commandPath)
            }
            overrides.append("\(option): the plan was made for \(recorded), costed with \(given)")
        }
        // Inner steps: the plan's own step count is the truth.
        if parsed.givenValues["inner-steps"] != nil, let given = try integer(parsed, "inner-steps", in: 1...1_000) {
            try reconcile("inner-steps", given: String(given), recorded: String(plan.innerStepCount), what: "inner steps")
        }
        if let recorded = record?.workload {
            var result = recorded
            let pairs: [(option: String, given: Int?, recorded: Int, what: String)] = [
                ("samples", parsed.givenValues["samples"] != nil ? workload.samplesPerStep : nil, recorded.samplesPerStep, "samples per step"),
                ("micro-batch", parsed.givenValues["micro-batch"] != nil ? workload.microBatch : nil, recorded.microBatch, "micro-batch"),
                ("weight-bytes", parsed.givenValues["weight-bytes"] != nil ? workload.precision.weightBytes : nil, recorded.precision.weightBytes, "weight bytes"),
                ("activation-bytes", parsed.givenValues["activation-bytes"] != nil ? workload.precision.activationBytes : nil,
                 recorded.precision.activationBytes, "activation bytes"),
                ("gradient-bytes", parsed.givenValues["gradient-bytes"] != nil ? workload.precision.gradientBytes : nil,
                 recorded.precision.gradientBytes, "gradient bytes"),
            ]
            for pair in pairs {
                guard let given = pair.given else { continue }
                try reconcile(pair.option, given: String(given), recorded: String(pair.recorded), what: pair.what)
            }
            if parsed.givenValues["bias-bytes"] != nil, let given = workload.precision.biasBytes {
                try reconcile("bias-bytes", given: String(given), recorded: recorded.precision.biasBytes.map(String.init) ?? "the weight precision",
                              what: "bias bytes")
                result.precision.biasBytes = given
            }
            if parsed.givenValues["optimizer"] != nil {
                try reconcile("optimizer", given: workload.updateState.optimizer.rawValue, recorded: recorded.updateState.optimizer.rawValue,
                              what: "optimizer")
                result.updateState.optimizer = workload.updateState.optimizer
            }
            if parsed.givenValues["propagation"] != nil {
                try reconcile("propagation", given: workload.propagation.rawValue, recorded: recorded.propagation.rawValue, what: "propagation")
                result.propagation = workload.propagation
            }
            if parsed.givenValues["samples"] != nil { result.samplesPerStep = workload.samplesPerStep }
            if parsed.givenValues["micro-batch"] != nil { result.microBatch = workload.microBatch }
            if parsed.givenValues["weight-bytes"] != nil { result.precision.weightBytes = workload.precision.weightBytes }
            if parsed.givenValues["activation-bytes"] != nil { result.precision.activationBytes = workload.precision.activationBytes }
            if parsed.givenValues["gradient-bytes"] != nil { result.precision.gradientBytes = workload.precision.gradientBytes }
            guard result.microBatch <= result.samplesPerStep else {
                throw .usage("--micro-batch \(result.microBatch) is larger than the \(result.samplesPerStep) samples \(source) was made for",
                             commandPath: parsed.commandPath)
            }
            workload = result
        }
        if let recordedName = record?.profileName {
            if parsed.givenValues["profile"] != nil {
                try reconcile("profile", given: profile.name, recorded: recordedName, what: "profile")
            } else if let recordedProfile = CountingProfile.named(recordedName) {
                profile = recordedProfile
            } else {
                throw .badData("\(planPath ?? "the plan"): profile: unknown profile \"\(recordedName.escapingControlCharacters)\"; expected one of "
                    + CountingProfile.all.map(\.name).joined(separator: ", "))
            }
        }
        return (workload, plan.innerStepCount, profile, overrides)
    }
}
