// Compiled twice: into the test target, and by fuzz/run.sh into one module with the library's sources and a
// libFuzzer harness (where PMETA_FUZZING is defined and there is no PMetaPlan module to import).
#if !PMETA_FUZZING
import PMetaPlan
#endif

/// One untrusted input run through a reader and everything downstream of it, with the promises the readers make
/// checked: a value or a described error, never a trap, and no value that contradicts another.
///
/// The fuzzers in fuzz/ call `violations(for:)` on every input and trap when it is not empty, so libFuzzer keeps
/// the input; `swift test` replays every kept input (Tests/PMetaPlanTests/Regressions) through the same code.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// `ShapedGraph(jsonBytes:file:)`, `CostModel(_:)`, static memory, inference, the adaptation of MAML, ANIL and
    /// TinyTL (batched and streamed, physical and paper profiles), the reports, and the flat-form round trip.
    case architecture
    /// `ByteCount(parsing:)`, `Percentage(parsing:)` and `ChannelRatio(parsing:)` on the input as UTF-8 text.
    case sizes
    /// The plan-file and importance-file readers against a small fixed network, then the cost of the plan read
    /// and the planner's answer for the scores read (its plan must fit when recomputed).
    case planFiles = "plan-files"
    /// `ONNXModel(bytes:)` on the input: a model or a `ProtobufError` whose offset lies inside the input.
    case protobuf
    /// `ONNXImporter.architectureDocument(bytes:file:)`, then the document through the decoder, shapes and costs.
    case onnx

    /// The file name errors are attributed to.
    static let fileName = "fuzz.json"

    /// What went wrong with `bytes`: empty when every reader answered as documented.
    func violations(for bytes: [UInt8]) -> [String] {
        var check = ViolationLog()
        switch self {
        case .architecture: check.architecture(bytes)
        case .sizes: check.sizes(String(decoding: bytes, as: UTF8.self))
        case .planFiles: check.planFiles(bytes)
        case .protobuf: check.protobuf(bytes)
        case .onnx: check.onnx(bytes)
        }
        return check.violations
    }
}

/// The broken promises found so far.
private struct ViolationLog {
    var violations: [String] = []

    mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { violations.append(message()) }
    }

    /// An error message is one line (no control characters) and says something.
    mutating func expectOneLine(_ text: String, _ what: String) {
        expect(!text.isEmpty, "\(what): empty message")
        expect(!text.unicodeScalars.contains { $0.value < 0x20 }, "\(what): a control character in \(JSONValueDescription.quoted(text))")
    }

    // MARK: - ONNX

    mutating func protobuf(_ bytes: [UInt8]) {
        do {
            _ = try ONNXModel(bytes: bytes)
        } catch {
            expect(error.offset >= 0 && error.offset <= bytes.count, "offset \(error.offset) outside \(bytes.count) bytes")
            expect(error.field.hasPrefix("ModelProto"), "field without the message path: \(error.field)")
            expectOneLine(error.description, "protobuf error")
        }
    }

    mutating func onnx(_ bytes: [UInt8]) {
        let document: JSONValue
        do {
            document = try ONNXImporter.architectureDocument(bytes: bytes, file: FuzzTarget.fileName)
        } catch {
            describedDataError(error)
            return
        }
        let graph: ShapedGraph
        do {
            graph = try ShapedGraph(try ArchitectureGraph(json: document))
            _ = try CostModel(graph)
        } catch {
            expectOneLine("\(error)", "decoding an imported document")
        }
    }

    // MARK: - Architecture

    mutating func architecture(_ bytes: [UInt8]) {
        let graph: ShapedGraph
        do {
            graph = try ShapedGraph(jsonBytes: bytes, file: FuzzTarget.fileName)
        } catch {
            describedDataError(error)
            return
        }
        let model: CostModel
        do {
            model = try CostModel(graph)
        } catch {
            describedDataError(error.inFile(FuzzTarget.fileName))
            return
        }
        staticAndInference(model)
        let workloads = [Workload(samplesPerStep: 25, microBatch: 1),
                         Workload(samplesPerStep: 4, microBatch: 4, propagation: .streamed, precision: Precision(activationBytes: 1))]
        var summaries: [MethodSummary] = []
        for workload in workloads {
            for profile in [CountingProfile.physical, .paper] {
                var peaks: [AdaptationMethod: ByteCount] = [:]
                for method in [AdaptationMethod.maml, .anil, .tinyTL] {
                    do {
                        let summary = try MethodSummary(method: method, model: model, workload: workload, innerSteps: 2, profile: profile)
                        adaptation(summary.adaptation, of: method, on: model)
                        peaks[method] = summary.adaptation.peak
                        summaries.append(summary)
                    } catch {
                        overflow(error, "\(method.rawValue) adaptation")
                    }
                }
                // Adding layers to the update set never lowers the physical peak: ANIL's and TinyTL's updates are within MAML's.
                if profile == .physical, let maml = peaks[.maml] {
                    for method in [AdaptationMethod.anil, .tinyTL] {
                        if let peak = peaks[method] { expect(peak <= maml, "\(method.rawValue) peak \(peak) above MAML's \(maml)") }
                    }
                }
            }
        }
        reports(summaries, model: model)
        roundTrip(graph, model: model)
    }

    // MARK: - Plan and importance files

    /// The network plan and importance files are read against: two conv blocks and a head.
    static let planNetwork: ShapedGraph? = try? ShapedGraph(jsonBytes: Array(planNetworkJSON.utf8))
    static let planNetworkJSON = #"{"format": 1, "name": "fuzz", "input": {"shape": [3, 8, 8], "element_bytes": 1}, "layers": [{"name": "conv1", "op": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1}, {"name": "gn1", "op": "group_norm", "groups": 2}, {"op": "relu"}, {"op": "max_pool", "kernel": 2}, {"name": "conv2", "op": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1}, {"op": "relu"}, {"op": "flatten"}, {"name": "head", "op": "linear", "out_features": 2}]}"#

    mutating func planFiles(_ bytes: [UInt8]) {
        guard let graph = Self.planNetwork, let model = try? CostModel(graph) else {
            violations.append("the fixed plan network does not decode")
            return
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes: bytes)
        } catch let error as JSONSyntaxError {
            expectOneLine(error.description, "JSON error")
            return
        } catch {
            violations.append("JSONParser threw \(type(of: error))")
            return
        }
        let workload = Workload(samplesPerStep: 4, microBatch: 2)
        do {
            let plan = try UpdatePlan(json: json, for: graph)
            expect(plan.steps.allSatisfy { $0.layers.count == graph.layerCount }, "a plan step without one entry per layer")
            let cost = try model.adaptation(of: plan, workload: workload)
            expect(cost.peak.bytes >= 0, "negative peak for a plan read")
            let again = try UpdatePlan(json: plan.json(for: graph), for: graph)
            expect(again == plan, "a plan written back out reads differently")
        } catch let error as DataError {
            expectOneLine(error.description, "plan error")
        } catch {
            violations.append("reading or costing a plan threw \(type(of: error))")
        }
        do {
            let scores = try ImportanceScores(json: json, for: graph, source: "fuzz")
            expect(scores.scores.allSatisfy { $0.allSatisfy { $0 >= 0 && $0.isFinite } }, "a negative or infinite score")
            guard scores.innerStepCount <= 8 else { return }
            let maml = try model.adaptation(of: AdaptationMethod.maml.plan(for: graph, innerSteps: scores.innerStepCount), workload: workload)
            let problem = PlanningProblem(model: model, workload: workload, budget: ByteCount(maml.peak.bytes / 2), importance: scores)
            let result = try BudgetPlanner.solve(problem)
            if let optimum = result.optimum {
                let recomputed = try model.adaptation(of: optimum.plan, workload: workload)
                expect(recomputed.peak <= problem.budget, "the planner's plan does not fit when recomputed")
            }
            if let lasso = result.lasso {
                // Values are compared with the search's relative tolerance (1e-9): within it, ties go to the lower peak.
                let optimum = result.optimum?.value ?? 0
                expect(lasso.value <= optimum + 1e-9 * max(1, abs(optimum)) * 10,
                       "the Lasso plan (\(lasso.value)) beats the exact optimum (\(optimum))")
            }
        } catch let error as DataError {
            expectOneLine(error.description, "importance error")
        } catch {
            violations.append("reading importance or planning threw \(type(of: error))")
        }
    }

    mutating func describedDataError(_ error: DataError) {
        let text = error.description
        expectOneLine(text, "architecture error")
        expect(error.file == FuzzTarget.fileName && text.hasPrefix(FuzzTarget.fileName + ": "), "error without the file: \(text)")
        expect(!error.message.isEmpty, "error without a message: \(text)")
        if error.path.hasPrefix("line ") {
            let parts = error.path.dropFirst("line ".count).split(separator: ",")
            let line = parts.first.flatMap { Int($0) }
            let column = parts.count == 2 && parts[1].hasPrefix(" column ") ? Int(parts[1].dropFirst(" column ".count)) : nil
            expect((line ?? 0) >= 1 && (column ?? 0) >= 1, "malformed JSON without 'line L, column C': \(text)")
        }
    }

    /// Figures that overflow 64 bits are an `ArithmeticOverflow` naming what was computed; nothing else may be thrown.
    mutating func overflow(_ error: any Error, _ what: String) {
        if let overflow = error as? ArithmeticOverflow {
            expectOneLine(overflow.description, what)
        } else {
            violations.append("\(what): unexpected \(type(of: error)): \(error)")
        }
    }

    mutating func staticAndInference(_ model: CostModel) {
        do {
            let statics = try model.staticMemory(samples: 25)
            expect(statics.parameterCount >= 0 && statics.modelBytes.bytes >= 0 && statics.sampleBytes.bytes > 0,
                   "negative static memory \(statics)")
        } catch {
            overflow(error, "static memory")
        }
        do {
            let inference = try model.inference(batch: 1)
            expect(inference.peak.bytes > 0 && inference.macs.macs >= 0, "inference \(inference)")
            expect(model.layerCosts.indices.contains(inference.peakLayer), "inference peak layer \(inference.peakLayer) out of range")
        } catch {
            overflow(error, "inference")
        }
    }

    mutating func adaptation(_ cost: AdaptationCost, of method: AdaptationMethod, on model: CostModel) {
        expect(cost.steps.count == 2, "\(method.rawValue): \(cost.steps.count) steps for K = 2")
        expect(cost.macs.macs >= 0, "\(method.rawValue): negative MACs")
        for step in cost.steps {
            let peak = step.peak
            expect(peak.total.bytes >= 0 && peak.storedBytes.bytes >= 0 && peak.workingBytes.bytes >= 0, "\(method.rawValue): negative peak part")
            expect(step.storedBytes.count == model.graph.layerCount && step.savedTensors.count == model.graph.layerCount,
                   "\(method.rawValue): per-layer lists of the wrong length")
            if let highest = step.timeline.map(\.liveBytes).max() {
                expect(highest == peak.total, "\(method.rawValue): timeline peak \(highest) is not the step's peak \(peak.total)")
            }
        }
    }

    mutating func reports(_ summaries: [MethodSummary], model: CostModel) {
        guard let first = summaries.first else { return }
        let workload = Workload(samplesPerStep: 25, microBatch: 1)
        let comparison = ComparisonReport(architectureName: model.graph.graph.name, workload: workload, innerSteps: 2,
                                          profile: .physical, summaries: Array(summaries.prefix(3)))
        let analysis = AnalysisReport(architectureName: model.graph.graph.name, planName: first.name, workload: workload,
                                      profile: .physical, summary: first, model: model)
        for format in OutputFormat.allCases {
            expect(!comparison.render(format).isEmpty && !analysis.render(format).isEmpty, "empty \(format) report")
        }
    }

    /// The flat form decodes to an equal graph with equal costs.
    mutating func roundTrip(_ graph: ShapedGraph, model: CostModel) {
        let text = JSONWriter.write(graph.graph.json)
        do {
            let again = try ShapedGraph(jsonBytes: Array(text.utf8), file: "flat.json")
            expect(again == graph, "the flat form decodes to a different graph")
            let againModel = try CostModel(again)
            expect(againModel.layerCosts == model.layerCosts && againModel.workingElements == model.workingElements,
                   "the flat form costs differently")
        } catch {
            violations.append("the flat form does not decode: \(error)")
        }
    }

    // MARK: - Sizes

    mutating func sizes(_ text: String) {
        do {
            let size = try ByteCount(parsing: text)
            expect(size.bytes >= 0, "ByteCount(parsing: \(JSONValueDescription.quoted(text))) is negative")
            let exact = try? ByteCount(parsing: "\(size.bytes) B")
            expect(exact == size, "\(size.bytes) B does not read back as \(size)")
            expect(!size.description.isEmpty, "empty description")
        } catch let error as SizeSyntaxError {
            expectOneLine(error.description, "size error")
        } catch {
            violations.append("ByteCount(parsing:) threw \(type(of: error))")
        }
        do {
            let percentage = try Percentage(parsing: text)
            let again = try? Percentage(parsing: percentage.description)
            expect(again == percentage, "\(percentage) does not read back as itself")
            expect(percentage.fractionOfOne >= 0, "negative percentage \(percentage)")
        } catch let error as PercentageSyntaxError {
            expectOneLine(error.description, "percentage error")
        } catch {
            violations.append("Percentage(parsing:) threw \(type(of: error))")
        }
        if let ratio = ChannelRatio(parsing: text) {
            expect(ratio.denominator > 0 && (0...ratio.denominator).contains(ratio.numerator), "ratio \(ratio) outside 0...1")
            expect(ChannelRatio(parsing: ratio.description) == ratio, "\(ratio) does not read back as itself")
            expect(ChannelRatio.none <= ratio && ratio <= ChannelRatio.all && !(ratio < ratio), "\(ratio) compares outside 0...1 or below itself")
            for channels in [0, 1, 3, 1_000, 1 << 30, Int.max] {
                let selected = ratio.selectedCount(of: channels)
                expect(selected == Self.exactCeiling(channels, ratio), "\(ratio) of \(channels) channels selects \(selected)")
            }
        }
    }

    /// ceil(channels x numerator / denominator), in 128-bit arithmetic: an independent count to compare with.
    static func exactCeiling(_ channels: Int, _ ratio: ChannelRatio) -> Int {
        let product = channels.multipliedFullWidth(by: ratio.numerator)
        let (quotient, remainder) = ratio.denominator.dividingFullWidth(product)
        return quotient + (remainder > 0 ? 1 : 0)
    }
}

/// Strings shown in violation messages.
private enum JSONValueDescription {
    /// `text` as a quoted JSON string, cut to 40 characters.
    static func quoted(_ text: String) -> String { JSONValue.string(text).kindDescription }
}
