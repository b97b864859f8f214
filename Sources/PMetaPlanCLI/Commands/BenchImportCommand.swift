import Foundation
import PMetaPlan

/// `pmeta-plan bench-import model.onnx`: the time and memory that reading an ONNX model costs.
enum BenchImportCommand {
    static let spec = CommandSpec(
        name: "bench-import",
        abstract: "Time ONNX import (reading the file's pages, protobuf decoding, mapping to layers) and its peak memory, for the given files and a generated chain.",
        discussion: "Peak memory is the rise of the process's resident high-water mark (VmHWM, reset through /proc/self/clear_refs) "
            + "over its resident size (VmRSS) just before the import, on Linux; the largest rise over the repeats is printed, so the "
            + "first import of the process, which also touches code and grows the heap, counts. Bytes read are the file's pages "
            + "the decoder read (the rest, tensor payloads, is never read). A benchmark, not a test: the machine's load moves the times.",
        arguments: [models],
        options: [repeats.spec, chainNodes.spec, WorkloadOptions.format.spec])

    static let models = ArgumentSpec("model.onnx", help: "ONNX files to import (e.g. resnet18.onnx with its weights embedded).", isOptional: true, isRepeating: true)
    static let repeats = Option.integer("repeat", help: "Imports per file; the best time is printed.", in: 1...1_000).defaulting(to: 10)
    static let chainNodes = Option.integer("chain", valueName: "nodes", help: "Nodes of the generated Gemm/Relu chain.", in: 1...100_000).defaulting(to: 1_000)

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let repeats = try parsed.value(Self.repeats)
        let chainNodes = try parsed.value(Self.chainNodes)
        var table = TextTable(headers: ["Model", "File bytes", "Bytes read", "Layers", "Best time", "Peak memory beyond baseline"],
                              alignments: [.left, .right, .right, .right, .right, .right])
        for path in parsed.positionalValues(models) {
            guard ONNXInput.isONNX(at: path) else { throw .badData("\(path): expected an ONNX model") }
            let size = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
            var best = UInt64.max, peak = 0, layers = 0, bytesRead = 0
            for _ in 0..<repeats {
                let baseline = Self.resetPeak()
                let start = DispatchTime.now().uptimeNanoseconds
                let file = try ONNXInput.pagedFile(at: path)
                let document = try ONNXInput.architectureDocument(of: file, at: path)
                best = min(best, DispatchTime.now().uptimeNanoseconds - start)
                peak = max(peak, Self.peakResident() - baseline)
                layers = document["layers"]?.arrayValue?.count ?? 0
                bytesRead = file.bytesRead
            }
            table.append([path, DecimalFormatting.grouped(size), DecimalFormatting.grouped(bytesRead), DecimalFormatting.grouped(layers),
                          Self.milliseconds(best), Self.kilobytes(peak)])
        }
        let chain = ONNXSyntheticModels.chain(nodeCount: chainNodes)
        var best = UInt64.max, peak = 0, layers = 0
        for _ in 0..<repeats {
            let baseline = Self.resetPeak()
            let start = DispatchTime.now().uptimeNanoseconds
            let document: JSONValue
            do { document = try ONNXImporter.architectureDocument(bytes: chain, file: "chain.onnx") } catch { throw .badData(error.description) }
            best = min(best, DispatchTime.now().uptimeNanoseconds - start)
            peak = max(peak, Self.peakResident() - baseline)
            layers = document["layers"]?.arrayValue?.count ?? 0
        }
        table.append(["chain of \(DecimalFormatting.grouped(chainNodes)) nodes (in memory)", DecimalFormatting.grouped(chain.count),
                      DecimalFormatting.grouped(chain.count), DecimalFormatting.grouped(layers), Self.milliseconds(best), Self.kilobytes(peak)])
        let note = "Best time of \(repeats) imports per row, opening the file included; peak memory: the largest rise of VmHWM over VmRSS "
            + "before an import, the process's first import included."
        let output = TabularOutput(title: "ONNX import benchmark", tables: [("imports", table)], text: table.render() + note + "\n")
        return CommandResult(output: output.render(try parsed.value(WorkloadOptions.format)))
    }

    static func milliseconds(_ nanoseconds: UInt64) -> String {
        String(format: "%.2f ms", Double(nanoseconds) / 1e6)
    }

    static func kilobytes(_ bytes: Int) -> String {
        "\(DecimalFormatting.grouped(max(bytes, 0) / 1024)) KiB"
    }

    /// Resets the resident high-water mark to the current resident size and returns that size in bytes (0 off Linux).
    static func resetPeak() -> Int {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        return statusField("VmRSS")
    }

    /// The resident high-water mark in bytes (0 off Linux).
    static func peakResident() -> Int { statusField("VmHWM") }

    private static func statusField(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let digits = line.split(separator: " ").compactMap { Int($0) }
            return (digits.first ?? 0) * 1024
        }
        return 0
    }
}
