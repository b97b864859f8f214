// Compiled twice: into the CLI test target, and by fuzz/run.sh with a libFuzzer harness against the three modules
// built with -enable-testing (so the internal command specs and the argument parser are visible in both).
import Foundation
import PMetaPlan
@testable import PMetaPlanCLI
import PMetaTrainer

/// The fuzz targets that need the trainer or the command entry point; `FuzzTarget` (in PMetaPlanTests) holds the
/// library's. Their finds go to the same folder, Tests/PMetaPlanTests/Regressions, named TARGET-KIND-HASH.
enum CommandFuzzTarget: String, CaseIterable, Sendable {
    /// `model.json`, `weights.bin` and `attention.bin` read for a fixed network as `TrainerInputs.modelFolder`
    /// reads them, then one held-out task of the model's family adapted with the weights read.
    case trainerFiles = "trainer-files"
    /// A whole argument vector, one argument a line, through `PMetaPlanCommand.run` in a fresh temporary folder.
    case arguments

    /// What went wrong with `bytes`: empty when the readers and the command answered as documented, or when
    /// the input was skipped as unsafe or too long to run (see `ArgumentSandbox`).
    func violations(for bytes: [UInt8]) -> [String] {
        var check = CommandViolationLog()
        switch self {
        case .trainerFiles: check.trainerFiles(bytes)
        case .arguments: check.arguments(bytes)
        }
        return check.violations
    }
}

/// The broken promises found so far.
struct CommandViolationLog {
    var violations: [String] = []

    mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { violations.append(message()) }
    }

    /// A message is one line (no C0 control characters, as `FuzzTarget` checks the library's errors; what the
    /// CLI prints must not hold DEL either, since it escapes that too) and says something.
    mutating func expectOneLine(_ text: String, _ what: String, isPrinted: Bool = false) {
        expect(!text.isEmpty, "\(what): empty message")
        expect(!text.unicodeScalars.contains { $0.value < 0x20 || (isPrinted && $0.value == 0x7F) },
               "\(what): a control character in \(text.debugDescription.prefix(200))")
    }

    /// A `DataError` read from `file` names the file and a place, on one line.
    mutating func expectDescribed(_ error: DataError, file: String, _ what: String) {
        let text = error.inFile(file).description
        expectOneLine(text, what)
        expect(text.hasPrefix(file + ": "), "\(what): the message does not start with the file: \(text.prefix(200))")
        expect(!error.message.isEmpty, "\(what): no message: \(text.prefix(200))")
    }

    // MARK: - Trainer files

    /// The networks model files are read for: the few-shot conv net and the sinusoid MLP of the trainer's tests.
    static let networks: [Network] = [TrainerFuzzNetworks.conv, TrainerFuzzNetworks.mlp].map { text in
        guard let graph = try? ShapedGraph(jsonBytes: Array(text.utf8)), let network = try? Network(graph) else {
            preconditionFailure("a fixed trainer network does not decode")
        }
        return network
    }

    /// Each network's parameters from a fixed seed, used when the input holds no weights file.
    static let initialParameters: [NetworkParameters] = networks.map { network in
        var generator = SplitMix64(seed: 7)
        return network.initialParameters(using: &generator)
    }

    /// Each network's meta attention modules from a fixed seed, used when the input holds no attention file.
    static let initialAttention: [NetworkParameters] = networks.map { network in
        var generator = SplitMix64(seed: 7)
        return MetaAttention(network: network, using: &generator).modules
    }

    /// Splits an input into model.json, then weights.bin and attention.bin, each of those starting at a "PMWEIGHT".
    static func parts(of bytes: [UInt8]) -> (model: [UInt8], weights: [UInt8]?, attention: [UInt8]?) {
        let magic = NetworkParameters.weightsFileMagic
        func start(from position: Int) -> Int? {
            guard bytes.count >= magic.count, position <= bytes.count - magic.count else { return nil }
            return (position...(bytes.count - magic.count)).first { bytes[$0..<($0 + magic.count)].elementsEqual(magic) }
        }
        guard let weights = start(from: 0) else { return (bytes, nil, nil) }
        guard let attention = start(from: weights + magic.count) else { return (Array(bytes[..<weights]), Array(bytes[weights...]), nil) }
        return (Array(bytes[..<weights]), Array(bytes[weights..<attention]), Array(bytes[attention...]))
    }

    mutating func trainerFiles(_ bytes: [UInt8]) {
        let (modelBytes, weightsBytes, attentionBytes) = Self.parts(of: bytes)
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes: modelBytes)
        } catch let error as JSONSyntaxError {
            expectOneLine(error.description, "model.json syntax error")
            return
        } catch {
            violations.append("JSONParser threw \(type(of: error))")
            return
        }
        let model: MetaTrainedModel
        do {
            model = try MetaTrainedModel(json: json)
        } catch {
            expectDescribed(error, file: "model.json", "model.json error")
            return
        }
        // What the trainer writes reads back as the same model.
        do {
            let again = try MetaTrainedModel(json: try JSONParser.parse(bytes: Array(JSONWriter.write(model.json()).utf8)))
            expect(again == model, "model.json written back reads differently")
        } catch {
            violations.append("model.json written back does not read: \(error)")
        }
        let index = Self.networks.firstIndex { $0.graph.graph.name == model.architecture } ?? 0
        let network = Self.networks[index]
        do {
            try model.task.check(fits: network)
        } catch {
            expectDescribed(error, file: "model.json", "task check")
            expect(error.path.hasPrefix("task."), "a task check error outside task: \(error.path)")
            return
        }
        let parameters: NetworkParameters
        if let weightsBytes {
            do {
                parameters = try NetworkParameters(weightsFile: weightsBytes, for: network)
            } catch {
                expectDescribed(error, file: "weights.bin", "weights.bin error")
                return
            }
            // The reader takes every byte (trailing bytes are an error), so writing the weights back gives the same bytes.
            expect(parameters.encodedWeightsFile() == weightsBytes, "weights.bin written back differs from the bytes read")
            expect(zip(parameters.layers, network.operations).allSatisfy { $0.map(\.shape) == $1.parameterShapes },
                   "weights.bin read with shapes other than the network's")
        } else {
            parameters = Self.initialParameters[index]
        }
        var attention: MetaAttention?
        if let ratios = model.attentionClipRatios {
            let shapes = MetaAttention.moduleShapes(of: network)
            let modules: NetworkParameters
            if let attentionBytes {
                do {
                    modules = try NetworkParameters(weightsFile: attentionBytes, expectedShapes: shapes, network: network)
                } catch {
                    expectDescribed(error, file: "attention.bin", "attention.bin error")
                    return
                }
            } else {
                modules = Self.initialAttention[index]
            }
            attention = MetaAttention(forwardClipRatio: ratios.forward, backwardClipRatio: ratios.backward, modules: modules)
        }
        adaptOneTask(model, network: network, parameters: parameters, attention: attention)
    }

    /// Adapts one held-out task of the model's family as `validate` does, for small tasks and at most two steps
    /// (a cap that keeps an execution within milliseconds; larger tasks are what `swift test` and the CLI tests time).
    mutating func adaptOneTask(_ model: MetaTrainedModel, network: Network, parameters: NetworkParameters, attention: MetaAttention?) {
        switch model.task {
        case .sinusoid(let shots, let queries): guard shots + queries <= 48 else { return }
        case .fewShot(let ways, let shots, let queries, _, _): guard ways * (shots + queries) <= 48 else { return }
        }
        let family = model.task.family(sampleShape: network.graph.inputShape.dimensions)
        var generator = SplitMix64(seed: model.seed)
        let task = family.task(from: .test, using: &generator)
        expect(task.support.count > 0, "a task without support samples")
        let plan = model.method.fixedPlan(for: network, innerSteps: min(model.innerSteps, 2))
        let stepSizes = plan.steps.map { $0.layers.map { $0.isUpdated ? model.innerStepSize : 0 } }
        let candidate = ValidationCandidate(name: "fuzz", source: "fuzz", parameters: parameters, plan: plan, stepSizes: stepSizes,
                                            attention: attention)
        do {
            let report = try network.validate([candidate], on: [task], microBatchSize: task.support.count)
            expect(report.rows.count == 1, "\(report.rows.count) validation rows for one candidate")
            // The command refuses scores that are not finite (a diverged adaptation) before it renders any.
            if let row = report.rows.first, [row.before.mean, row.after.mean].allSatisfy(\.isFinite) {
                for format in OutputFormat.allCases { expect(!report.render(format).isEmpty, "an empty \(format) validation report") }
            }
        } catch {
            violations.append("validating one task threw \(type(of: error)): \(error)")
        }
    }

    // MARK: - Argument vectors

    mutating func arguments(_ bytes: [UInt8]) {
        let lines = bytes.isEmpty ? [] : String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count <= 32 else { return }
        guard let sandbox = ArgumentSandbox.shared else {
            violations.append("the argument sandbox could not be set up")
            return
        }
        guard let (arguments, result) = sandbox.run(lines) else { return }
        let shown = arguments.joined(separator: " ").debugDescription.prefix(300)
        // Commands print only line feeds and tabs of their own; anything else from a file is escaped.
        expect(!result.output.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F },
               "a control character in the output of \(shown)")
        switch result.exitCode {
        case .success, .overBudget:
            break
        case .usage, .badData, .unreadableInput, .ioError:
            let errorLines = result.errorOutput.split(separator: "\n", omittingEmptySubsequences: false)
            expect(errorLines.last == "", "the error output of \(shown) does not end with a line feed")
            let first = errorLines.first.map(String.init) ?? ""
            // Compared as bytes: a combining mark after "Error: " joins its space into one Character.
            expect(first.utf8.starts(with: "Error: ".utf8) && first.utf8.count > "Error: ".utf8.count, "no 'Error: ...' first line for \(shown): \(result.errorOutput.prefix(200).debugDescription)")
            expectOneLine(first, "the error of \(shown)", isPrinted: true)
            // After the one-line error: the usage (wrapped onto indented lines) and help lines of a usage error, or
            // the GitHub annotation of bad data.
            var isInUsage = false
            for line in errorLines.dropFirst() where !line.isEmpty {
                isInUsage = line.utf8.starts(with: "Usage: ".utf8) || (isInUsage && line.utf8.first == UInt8(ascii: " "))
                expect(isInUsage || line.utf8.starts(with: "See 'pmeta-plan".utf8) || line.utf8.starts(with: "::error ".utf8),
                       "an unexpected error line for \(shown): \(line.prefix(200).debugDescription)")
            }
            if result.exitCode == .usage {
                expect(errorLines.contains { $0.utf8.starts(with: "Usage: ".utf8) }, "a usage error without its usage line for \(shown)")
            }
        }
    }
}

/// The small networks of the trainer-files target (those of the trainer's CLI tests).
enum TrainerFuzzNetworks {
    /// A one-conv 3-way classifier of 3x8x8 images.
    static let conv = """
        {"format": 1, "name": "Conv-tiny", "input": {"shape": [3, 8, 8], "element_bytes": 4},
         "layers": [{"name": "conv", "op": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
                    {"name": "gn", "op": "group_norm", "groups": 2}, {"name": "relu", "op": "relu"},
                    {"name": "pool", "op": "max_pool", "kernel": 4}, {"op": "flatten"},
                    {"name": "head", "op": "linear", "out_features": 3}]}
        """
    /// A 1-16-16-1 MLP for sinusoid regression.
    static let mlp = """
        {"format": 1, "name": "MLP sinusoid", "input": {"shape": [1], "element_bytes": 4},
         "workload": {"samples": 10, "micro_batch": 10},
         "layers": [{"name": "fc1", "op": "linear", "out_features": 16}, {"name": "relu1", "op": "relu"},
                    {"name": "fc2", "op": "linear", "out_features": 16}, {"name": "relu2", "op": "relu"},
                    {"name": "head", "op": "linear", "out_features": 1}]}
        """
}
