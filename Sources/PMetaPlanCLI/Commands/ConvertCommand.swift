import PMetaPlan

/// `pmeta-plan convert model.onnx -o model.json`: the architecture file an ONNX model reads as.
enum ConvertCommand {
    static let spec = CommandSpec(
        name: "convert",
        abstract: "Write the architecture file (JSON) that an ONNX model is read as, to inspect or edit.",
        discussion: "Every command that takes ARCH.json also takes a .onnx file (chosen by content) and reads it as this document. "
            + "Tensor payloads are never read, so weights in external data files need not be present. See docs/onnx.md.",
        arguments: [model],
        options: [output.spec, format.spec])

    static let model = ArgumentSpec("model.onnx", help: "An ONNX model.")
    static let output = Option.text("output", shortName: "o", valueName: "file", help: "Where to write the JSON; default: standard output.",
                                    valueExample: "model.json")
    static let format = WorkloadOptions.format.option.helped("json prints the document; text and markdown print what it holds.").defaulting(to: .json)

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let path = parsed.positional(Self.model) ?? ""
        guard ONNXInput.isONNX(at: path) else {
            _ = try InputFile.bytes(at: path)
            throw .badData("\(path): expected an ONNX model (a protobuf ModelProto), found what looks like JSON or text")
        }
        let document = try ONNXInput.architectureDocument(at: path)
        let text = JSONWriter.write(document)
        let model: CostModel
        do {
            model = try CostModel(try ShapedGraph(try ArchitectureGraph(json: document)))
        } catch {
            throw .badData("\(error.inFile(path).description) (in the document converted from the ONNX model; please report it)")
        }
        let format = try parsed.value(Self.format)
        let layers = model.graph.layerCount
        let parameters = (try? model.staticMemory(samples: 1).parameterCount) ?? 0
        let summary = "\(path): \(DecimalFormatting.grouped(layers)) layers, \(DecimalFormatting.grouped(parameters)) trainable parameters"
            + " (\(model.graph.graph.name))"
        if let output = try parsed.value(Self.output) {
            try InputFile.write(text, to: output)
            return CommandResult(output: format == .json ? "Wrote \(output) (\(layers) layers).\n" : "Wrote \(output): \(summary).\n")
        }
        switch format {
        case .json: return CommandResult(output: text)
        case .text: return CommandResult(output: summary + ".\nThe document: --format json, or -o model.json.\n")
        case .markdown: return CommandResult(output: "- " + summary + ".\n")
        }
    }
}
