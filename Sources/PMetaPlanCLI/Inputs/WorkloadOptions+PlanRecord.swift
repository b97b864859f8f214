import PMetaPlan

extension WorkloadOptions {
    /// The flag that lets workload options cost a plan file under other conditions than it records.
    static let overridePlanWorkload = Flag("override-plan-workload",
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
        let offersOverride = parsed.command.options.contains { $0.longName == overridePlanWorkload.spec.longName }
        let allowsOverride = offersOverride && parsed.isSet(Self.overridePlanWorkload)
        var overrides: [String] = []
        let source = planPath.map { "the plan file \($0)" } ?? "the plan"
        func reconcile(_ option: String, given: String, recorded: String, what: String) throws(CommandFailure) {
            guard given != recorded else { return }
            guard allowsOverride else {
                throw .usage("--\(option) \(given) contradicts \(source), made for \(what) \(recorded); drop --\(option)"
                    + (offersOverride ? ", or add --override-plan-workload to cost it under \(given) anyway" : ""),
                             commandPath: parsed.commandPath)
            }
            overrides.append("\(option): the plan was made for \(recorded), costed with \(given)")
        }
        // Inner steps: the plan's own step count is the truth.
        if parsed.isGiven(Self.innerSteps) {
            try reconcile("inner-steps", given: String(try parsed.value(Self.innerSteps)), recorded: String(plan.innerStepCount), what: "inner steps")
        }
        if let recorded = record?.workload {
            var result = recorded
            let pairs: [(option: String, given: Int?, recorded: Int, what: String)] = [
                ("samples", parsed.isGiven(Self.samples) ? workload.samplesPerStep : nil, recorded.samplesPerStep, "samples per step"),
                ("micro-batch", parsed.isGiven(Self.microBatch) ? workload.microBatch : nil, recorded.microBatch, "micro-batch"),
                ("weight-bytes", parsed.isGiven(Self.weightBytes) ? workload.precision.weightBytes : nil, recorded.precision.weightBytes, "weight bytes"),
                ("activation-bytes", parsed.isGiven(Self.activationBytes) ? workload.precision.activationBytes : nil,
                 recorded.precision.activationBytes, "activation bytes"),
                ("gradient-bytes", parsed.isGiven(Self.gradientBytes) ? workload.precision.gradientBytes : nil,
                 recorded.precision.gradientBytes, "gradient bytes"),
            ]
            for pair in pairs {
                guard let given = pair.given else { continue }
                try reconcile(pair.option, given: String(given), recorded: String(pair.recorded), what: pair.what)
            }
            if parsed.isGiven(Self.biasBytes), let given = workload.precision.biasBytes {
                try reconcile("bias-bytes", given: String(given), recorded: recorded.precision.biasBytes.map(String.init) ?? "the weight precision",
                              what: "bias bytes")
                result.precision.biasBytes = given
            }
            if parsed.isGiven(Self.optimizer) {
                try reconcile("optimizer", given: workload.updateState.optimizer.rawValue, recorded: recorded.updateState.optimizer.rawValue,
                              what: "optimizer")
                result.updateState.optimizer = workload.updateState.optimizer
            }
            if parsed.isGiven(Self.propagation) {
                try reconcile("propagation", given: workload.propagation.rawValue, recorded: recorded.propagation.rawValue, what: "propagation")
                result.propagation = workload.propagation
            }
            if parsed.isGiven(Self.samples) { result.samplesPerStep = workload.samplesPerStep }
            if parsed.isGiven(Self.microBatch) { result.microBatch = workload.microBatch }
            if parsed.isGiven(Self.weightBytes) { result.precision.weightBytes = workload.precision.weightBytes }
            if parsed.isGiven(Self.activationBytes) { result.precision.activationBytes = workload.precision.activationBytes }
            if parsed.isGiven(Self.gradientBytes) { result.precision.gradientBytes = workload.precision.gradientBytes }
            guard result.microBatch <= result.samplesPerStep else {
                throw .usage("--micro-batch \(result.microBatch) is larger than the \(result.samplesPerStep) samples \(source) was made for",
                             commandPath: parsed.commandPath)
            }
            workload = result
        }
        if let recordedName = record?.profileName {
            if parsed.isGiven(Self.profile) {
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
