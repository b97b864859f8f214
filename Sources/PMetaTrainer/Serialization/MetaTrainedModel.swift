import PMetaPlan

/// What `model.json` says about a meta-trained model: how it was trained and on which task family, so that
/// validation draws its held-out tasks from the same family (its test classes).
///
/// ```json
/// {"format": 1, "kind": "meta-trained-model", "architecture": "4Conv", "method": "pmeta", "inner_steps": 2,
///  "inner_step_size": 0.1, "iterations": 2000, "seed": 1,
///  "task": {"kind": "fewshot", "ways": 5, "shots": 1, "queries": 15, "family_seed": 2022, "noise": 0.8},
///  "best_validation": {"metric": "accuracy", "mean": 0.61, "ci95": 0.02, "iteration": 1800}}
/// ```
public struct MetaTrainedModel: Sendable, Hashable {
    /// The task family a model was meta-trained on.
    public enum Task: Sendable, Hashable {
        /// Sinusoid regression.
        case sinusoid(shots: Int, queries: Int)
        /// Prototype-image classification.
        case fewShot(ways: Int, shots: Int, queries: Int, familySeed: UInt64, noise: Double)

        /// The family, for a network whose input is `sampleShape`.
        public func family(sampleShape: [Int]) -> any TaskFamily {
            switch self {
            case .sinusoid(let shots, let queries):
                return SinusoidTasks(shots: shots, queryPoints: queries)
            case .fewShot(let ways, let shots, let queries, let familySeed, let noise):
                return PrototypeImageTasks(channels: sampleShape[0], height: sampleShape[1], width: sampleShape[2], ways: ways,
                                           shots: shots, queriesPerClass: queries, familySeed: familySeed, noise: noise)
            }
        }
    }

    /// The `kind` of model files.
    public static let fileKind = "meta-trained-model"

    public var architecture: String
    public var method: MetaLearningMethod
    public var innerSteps: Int
    public var innerStepSize: Float
    public var iterations: Int
    public var seed: UInt64
    public var task: Task
    /// The best validation score and the iteration that reached it.
    public var bestValidation: (metric: TaskMetric, score: MeanWithInterval, iteration: Int)?
    /// Meta attention's clip ratios ρ^fw and ρ^bw, when the model has attention (`attention.bin`).
    public var attentionClipRatios: (forward: Float, backward: Float)?
    /// How the outer learning rates changed over the iterations (written only when not constant).
    public var outerSchedule: OuterSchedule = .constant
    /// Whether the meta-gradients were second-order (written only when they were).
    public var secondOrder = false

    /// Creates a description.
    public init(architecture: String, method: MetaLearningMethod, innerSteps: Int, innerStepSize: Float, iterations: Int,
                seed: UInt64, task: Task, bestValidation: (metric: TaskMetric, score: MeanWithInterval, iteration: Int)?,
                attentionClipRatios: (forward: Float, backward: Float)? = nil) {
        self.architecture = architecture
        self.method = method
        self.innerSteps = innerSteps
        self.innerStepSize = innerStepSize
        self.iterations = iterations
        self.seed = seed
        self.task = task
        self.bestValidation = bestValidation
        self.attentionClipRatios = attentionClipRatios
    }

    public static func == (lhs: MetaTrainedModel, rhs: MetaTrainedModel) -> Bool {
        lhs.json() == rhs.json()
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(json()) }

    /// The description as a `model.json` document.
    public func json() -> JSONValue {
        let taskValue: JSONValue
        switch task {
        case .sinusoid(let shots, let queries):
            taskValue = .object([("kind", .string("sinusoid")), ("shots", .integer(shots)), ("queries", .integer(queries))])
        case .fewShot(let ways, let shots, let queries, let familySeed, let noise):
            taskValue = .object([("kind", .string("fewshot")), ("ways", .integer(ways)), ("shots", .integer(shots)),
                                 ("queries", .integer(queries)), ("family_seed", .number(String(familySeed))), ("noise", .double(noise))])
        }
        var members: [(key: String, value: JSONValue)] = [
            ("format", .integer(1)), ("kind", .string(Self.fileKind)), ("architecture", .string(architecture)),
            ("method", .string(method.rawValue)), ("inner_steps", .integer(innerSteps)), ("inner_step_size", .double(Double(innerStepSize))),
            ("iterations", .integer(iterations)), ("seed", .number(String(seed))), ("task", taskValue),
        ]
        if case .cosine = outerSchedule { members.append(("outer_schedule", .string("cosine"))) }
        if secondOrder { members.append(("second_order", .bool(true))) }
        if let attentionClipRatios {
            members.append(("attention", .object([("forward_clip_ratio", .double(Double(attentionClipRatios.forward))),
                                                  ("backward_clip_ratio", .double(Double(attentionClipRatios.backward)))])))
        }
        if let bestValidation, bestValidation.score.mean.isFinite, bestValidation.score.halfWidth.isFinite {
            members.append(("best_validation", .object([
                ("metric", .string(bestValidation.metric.rawValue)), ("mean", .double(bestValidation.score.mean)),
                ("ci95", .double(bestValidation.score.halfWidth)), ("iteration", .integer(bestValidation.iteration)),
            ])))
        }
        return .object(members)
    }

    /// Decodes `model.json`.
    /// - Throws: `DataError` naming the JSON path.
    public init(json: JSONValue) throws(DataError) {
        let root = ModelFileField(value: json, path: "")
        guard json.objectValue != nil else { throw root.error("expected a model object at the top level, found \(json.kindDescription)") }
        let format = try root.required("format", "the format version 1").integer(in: Int.min...Int.max, "the format version 1")
        guard format == 1 else { throw DataError(path: "format", message: "unsupported format \(format); this pmeta-plan reads format 1") }
        let kind = try root.required("kind", "\"\(Self.fileKind)\"").string()
        guard kind == Self.fileKind else { throw DataError(path: "kind", message: "expected \"\(Self.fileKind)\", found \"\(kind.quotedForMessage())\"") }
        architecture = try root.required("architecture", "the architecture's name").string()
        let methodField = try root.required("method", "a meta-learning method")
        let methodName = try methodField.string()
        guard let method = MetaLearningMethod(rawValue: methodName) else {
            throw methodField.error("expected one of \(MetaLearningMethod.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(methodName.quotedForMessage())\"")
        }
        self.method = method
        innerSteps = try root.required("inner_steps", "K").integer(in: 1...1_000, "a step count from 1 to 1,000")
        innerStepSize = Float(try root.required("inner_step_size", "α").number(in: 0...1e6, "a step size"))
        iterations = try root.required("iterations", "the outer steps").integer(in: 0...Int.max, "a count")
        seed = try root.required("seed", "the seed").unsigned("a seed")
        let taskField = try root.required("task", "the task family")
        let taskKind = try taskField.required("kind", "sinusoid or fewshot").string()
        switch taskKind {
        case "sinusoid":
            task = .sinusoid(shots: try taskField.required("shots", "K").integer(in: 1...10_000, "a count from 1 to 10,000"),
                             queries: try taskField.required("queries", "a count").integer(in: 1...10_000, "a count from 1 to 10,000"))
        case "fewshot":
            task = .fewShot(ways: try taskField.required("ways", "N").integer(in: 2...10_000, "a count"),
                            shots: try taskField.required("shots", "K").integer(in: 1...10_000, "a count from 1 to 10,000"),
                            queries: try taskField.required("queries", "a count").integer(in: 1...10_000, "a count from 1 to 10,000"),
                            familySeed: try taskField.required("family_seed", "a seed").unsigned("a seed"),
                            noise: try taskField.required("noise", "a noise level").number(in: 0...100, "a noise level"))
        default:
            throw DataError(path: "task.kind", message: "expected \"sinusoid\" or \"fewshot\", found \"\(taskKind.quotedForMessage())\"")
        }
        if let attention = root.member("attention") {
            attentionClipRatios = (Float(try attention.required("forward_clip_ratio", "ρ^fw").number(in: 0...0.999, "a ratio in 0..<1")),
                                   Float(try attention.required("backward_clip_ratio", "ρ^bw").number(in: 0...0.999, "a ratio in 0..<1")))
        } else {
            attentionClipRatios = nil
        }
        if let schedule = root.member("outer_schedule") {
            let name = try schedule.string()
            guard name == "cosine" || name == "constant" else {
                throw DataError(path: "outer_schedule", message: "expected \"constant\" or \"cosine\", found \"\(name.quotedForMessage())\"")
            }
            outerSchedule = name == "cosine" ? .cosine(iterations: iterations) : .constant
        }
        secondOrder = try root.member("second_order")?.bool() ?? false
        if let best = root.member("best_validation") {
            let metricName = try best.required("metric", "accuracy or mse").string()
            guard let metric = TaskMetric(rawValue: metricName) else {
                throw DataError(path: "best_validation.metric", message: "expected accuracy or mse, found \"\(metricName.quotedForMessage())\"")
            }
            var score = MeanWithInterval([try best.required("mean", "a score").number(in: -1e300...1e300, "a score")])
            score.halfWidth = try best.required("ci95", "a half width").number(in: 0...1e300, "a half width")
            bestValidation = (metric, score, try best.required("iteration", "an iteration").integer(in: 0...Int.max, "an iteration"))
        } else {
            bestValidation = nil
        }
    }
}
