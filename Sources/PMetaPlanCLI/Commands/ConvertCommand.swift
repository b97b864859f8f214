import PMetaPlan

/// `pmeta-plan convert model.onnx -o model.json`: the architecture file an ONNX model reads as.
enum ConvertCommand {
    static let spec = CommandSpec(
        name: "convert",
        abstract: "Write the architecture file (JSON) that an ONNX model is read as, to inspect or edit.",
        discussion: "Every command that takes ARCH.json also takes a .onnx file (chosen by content) and reads it as this document. "
            + "Tensor payloads are never read, so weights in external data files need not be present. See docs/onnx.md.",
        arguments: [ArgumentSpec("model.onnx", help: "An ONNX model.")],
        options: [OptionSpec("output", shortName: "o", valueName: "file", help: "Where to write the JSON; default: standard output.",
                             valueExample: "model.json")])

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let path = parsed.positional("model.onnx") ?? ""
        guard ONNXInput.isONNX(at: path) else {
            _ = try InputFile.bytes(at: path)
            throw .badData("\(path): expected an ONNX model (a protobuf ModelProto), found what looks like JSON or text")
        }
        let document = try ONNXInput.architectureDocument(at: path)
        let text = JSONWriter.write(document)
        var note = ""
        do {
            _ = try CostModel(try ShapedGraph(try ArchitectureGraph(json: document)))
        } catch {
            note = "Warning: this pmeta-plan cannot use the converted document yet: \(error.inFile(path).description)\n"
        }
        if let output = parsed.value("output") {
            try InputFile.write(text, to: output)
            return CommandResult(output: "Wrote \(output) (\(document["layers"]?.arrayValue?.count ?? 0) layers).\n", errorOutput: note)
        }
        return CommandResult(output: text, errorOutput: note)
    }
}
