/// How much each layer-step is worth to adaptation: |alpha_l^k|, the learned inner step sizes of p-Meta
/// Sec. 3.2 (MAML++'s per-layer per-step step sizes made sparse by the Lasso of Eq. (9)).
///
/// Read from an importance file (docs/plan-format.md) that `pmeta-plan meta-train` writes:
/// ```json
/// {"format": 1, "kind": "importance", "architecture": "4Conv", "inner_steps": 2,
///  "step_sizes": {"block4.conv": [0.012, 0.0], "head": [0.4, 0.31]}}
/// ```
/// Layers the file does not list score 0 and are never updated. Without a file every trainable layer-step
/// scores 1 (`uniform`): the planner then keeps as many layer-steps as fit.
public struct ImportanceScores: Hashable, Sendable {
    /// `scores[k][l]`: the value of updating layer l at inner step k (0 for layers without parameters).
    public var scores: [[Double]]
    /// Where the scores came from, for reports: `uniform` or a file name.
    public var source: String

    /// Creates scores; every row needs one entry per layer.
    public init(scores: [[Double]], source: String) {
        self.scores = scores
        self.source = source
    }

    /// K.
    public var innerStepCount: Int { scores.count }

    /// Score 1 for every trainable layer at every step.
    public static func uniform(for graph: ShapedGraph, innerSteps: Int) -> ImportanceScores {
        let row = graph.layers.map { $0.operation.isTrainable ? 1.0 : 0.0 }
        return ImportanceScores(scores: Array(repeating: row, count: innerSteps), source: "uniform (no importance file)")
    }

    /// The `kind` written in importance files.
    public static let fileKind = "importance"

    /// Decodes an importance file for `graph`.
    /// - Throws: `DataError` naming the JSON path.
    public init(json: JSONValue, for graph: ShapedGraph, source: String) throws(DataError) {
        let root = JSONField(value: json, path: "")
        guard json.objectValue != nil else { throw root.error("expected an importance object at the top level, found \(json.kindDescription)") }
        try root.rejectUnknownMembers(allowed: ["format", "kind", "architecture", "inner_steps", "step_sizes", "note"])
        let format = try root.required("format", "the format version 1").integer(in: Int.min...Int.max, "the format version 1")
        guard format == 1 else { throw DataError(path: "format", message: "unsupported format \(format); this pmeta-plan reads format 1") }
        if let kind = root.member("kind") {
            let text = try kind.string()
            guard text == Self.fileKind else { throw kind.error("expected \"\(Self.fileKind)\", found \"\(text.escapingControlCharacters)\" (is this an importance file?)") }
        }
        if let architecture = root.member("architecture") {
            let name = try architecture.string()
            guard name == graph.graph.name else {
                throw architecture.error("the scores are for '\(name.escapingControlCharacters)', but the architecture is '\(graph.graph.name)'")
            }
        }
        let steps = try root.required("inner_steps", "the number of inner steps K").integer(in: 1...1_000, "a step count from 1 to 1,000")
        let indexByName = Dictionary(graph.layers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var scores = Array(repeating: Array(repeating: 0.0, count: graph.layerCount), count: steps)
        for (name, field) in try root.required("step_sizes", "an object of per-step step sizes by layer name").members() {
            guard let index = indexByName[name] else {
                let hint = closestMatch(to: name, among: Array(indexByName.keys)).map { " (did you mean '\($0)'?)" } ?? ""
                throw field.error("unknown layer '\(name.escapingControlCharacters)'\(hint.escapingControlCharacters)")
            }
            guard graph.layers[index].operation.isTrainable else {
                throw field.error("'\(name)' has no parameters, so it has no step size")
            }
            let values = try field.elements("a list of \(steps) step sizes")
            guard values.count == steps else { throw field.error("expected \(steps) step sizes (inner_steps), found \(values.count)") }
            for (step, value) in values.enumerated() {
                scores[step][index] = abs(try value.number(in: -1e12...1e12, "a finite step size"))
            }
        }
        for step in scores.indices.dropFirst() where scores[step] == scores[step - 1] { scores[step] = scores[step - 1] }
        if let problem = ArchitectureLimits.layerStepsProblem(scores, layers: graph.layerCount) {
            throw DataError(path: "step_sizes", message: problem)
        }
        self.init(scores: scores, source: source)
    }

    /// The scores as an importance-file document.
    public func json(for graph: ShapedGraph) -> JSONValue {
        let members: [(key: String, value: JSONValue)] = graph.layers.indices.compactMap { index in
            guard graph.layers[index].operation.isTrainable else { return nil }
            return (graph.layers[index].name, .array(scores.map { .double($0[index]) }))
        }
        return .object([("format", .integer(1)), ("kind", .string(Self.fileKind)), ("architecture", .string(graph.graph.name)),
                        ("inner_steps", .integer(innerStepCount)), ("step_sizes", .object(members))])
    }
}
