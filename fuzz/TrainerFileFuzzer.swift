import Foundation
import PMetaPlanCLI

/// libFuzzer entry point for `CommandFuzzTarget.trainerFiles`: one input is a model.json, optionally followed by a
/// weights.bin and an attention.bin (each starting with its magic "PMWEIGHT").
///
/// Built by fuzz/run.sh against the library, trainer and CLI modules, with Tests/PMetaPlanCLITests/HostileInput.
@_cdecl("LLVMFuzzerTestOneInput")
public func trainerFileFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let violations = CommandFuzzTarget.trainerFiles.violations(for: bytes)
    if !violations.isEmpty { fatalError(violations.joined(separator: "\n")) }
    return 0
}

/// With PMETA_FUZZ_SEEDS=FOLDER, writes seed inputs made of real files (what `meta-train` writes for 0 iterations
/// on the target's conv net, with and without meta attention, and on its MLP) and exits.
@_cdecl("LLVMFuzzerInitialize")
public func trainerFileFuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>?,
                                        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    guard let corpus = ProcessInfo.processInfo.environment["PMETA_FUZZ_SEEDS"] else { return 0 }
    let folder = NSTemporaryDirectory() + "pmeta-fuzz-seeds-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try? TrainerFuzzNetworks.conv.write(toFile: folder + "/conv.json", atomically: true, encoding: .utf8)
    try? TrainerFuzzNetworks.mlp.write(toFile: folder + "/mlp.json", atomically: true, encoding: .utf8)
    let models: [(name: String, arguments: [String])] = [
        ("conv-pmeta-attention", ["conv.json", "--task", "fewshot", "--method", "pmeta", "--attention", "--rho", "0.3", "--queries", "2"]),
        ("conv-maml", ["conv.json", "--task", "fewshot", "--method", "maml", "--shots", "2", "--queries", "3"]),
        ("mlp-anil", ["mlp.json", "--task", "sinusoid", "--method", "anil", "--inner-steps", "2"]),
    ]
    for model in models {
        let output = folder + "/" + model.name
        let arguments = ["meta-train", folder + "/" + model.arguments[0]] + model.arguments.dropFirst() + ["-o", output, "--iterations", "0"]
        let result = PMetaPlanCommand.run(arguments: arguments)
        guard result.exitCode == .success else {
            FileHandle.standardError.write(Data("meta-train for the \(model.name) seed failed: \(result.errorOutput)".utf8))
            exit(1)
        }
        let files = ["model.json", "weights.bin", "attention.bin"].compactMap { FileManager.default.contents(atPath: output + "/" + $0) }
        FileManager.default.createFile(atPath: corpus + "/seed-\(model.name)-model", contents: files[0])
        FileManager.default.createFile(atPath: corpus + "/seed-\(model.name)", contents: files.reduce(Data(), +))
    }
    exit(0)
}
