/// What a plan file says it was made for: the workload and the counting profile (issue 15, item 5). Both are
/// optional, so plan files written before they were recorded still read.
public struct PlanFileRecord: Sendable, Hashable {
    /// The workload the plan was planned under, when the file records one.
    public var workload: Workload?
    /// The inner steps recorded with the workload (equal to the plan's step count).
    public var innerSteps: Int?
    /// The counting profile's name, when recorded.
    public var profileName: String?

    /// Creates a record.
    public init(workload: Workload?, innerSteps: Int?, profileName: String?) {
        self.workload = workload
        self.innerSteps = innerSteps
        self.profileName = profileName
    }

    /// The members of a plan file's top level that this version reads or writes; any other is an error.
    public static let knownMembers = [
        "format", "kind", "architecture", "inner_steps", "steps", "workload", "profile",
        "budget_bytes", "predicted_peak_bytes", "strategy", "sampling", "note",
    ]

    /// The members a recorded workload holds (what `Workload.json(innerSteps:)` writes).
    static let workloadMembers = ["samples", "micro_batch", "propagation", "inner_steps", "weight_bytes", "activation_bytes", "gradient_bytes",
                                  "bias_bytes", "optimizer", "updated_weight_copies"]

    /// Reads the record of a plan file's document.
    /// - Throws: `DataError` naming the JSON path of a malformed workload or profile.
    public init(planFile json: JSONValue) throws(DataError) {
        let root = JSONField(value: json, path: "")
        profileName = try root.member("profile")?.string()
        guard let field = root.member("workload") else {
            workload = nil
            innerSteps = nil
            return
        }
        try field.rejectUnknownMembers(allowed: Self.workloadMembers)
        let samples = try field.required("samples", "support samples per step").integer(in: 1...1_000_000_000, "a count from 1 to 1,000,000,000")
        let microBatchField = try field.required("micro_batch", "samples per pass")
        let microBatch = try microBatchField.integer(in: 1...1_000_000_000, "a count from 1 to 1,000,000,000")
        guard microBatch <= samples else { throw microBatchField.error("\(microBatch) is larger than samples \(samples)") }
        let propagationField = try field.required("propagation", "batched or streamed")
        let propagationName = try propagationField.string()
        guard let propagation = Propagation(rawValue: propagationName) else {
            throw propagationField.error("expected \"batched\" or \"streamed\", found \"\(propagationName.escapingControlCharacters)\"")
        }
        innerSteps = try field.member("inner_steps")?.integer(in: 1...1_000, "a step count from 1 to 1,000")
        func bytes(_ name: String) throws(DataError) -> Int {
            try field.required(name, "bytes per element").integer(in: 1...16, "a byte count from 1 to 16")
        }
        let biasBytes = try field.member("bias_bytes")?.integer(in: 1...16, "a byte count from 1 to 16")
        var optimizer = Optimizer.sgd
        if let optimizerField = field.member("optimizer") {
            let name = try optimizerField.string()
            guard let value = Optimizer(rawValue: name) else {
                throw optimizerField.error("expected one of \(Optimizer.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), "
                                           + "found \"\(name.escapingControlCharacters)\"")
            }
            optimizer = value
        }
        let copies = try field.member("updated_weight_copies")?.bool() ?? false
        workload = Workload(samplesPerStep: samples, microBatch: microBatch, propagation: propagation,
                            precision: Precision(weightBytes: try bytes("weight_bytes"), activationBytes: try bytes("activation_bytes"),
                                                 gradientBytes: try bytes("gradient_bytes"), biasBytes: biasBytes),
                            updateState: UpdateState(optimizer: optimizer, copiesUpdatedWeights: copies))
    }
}
