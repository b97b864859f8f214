import Foundation
@testable import PMetaPlanCLI

/// libFuzzer entry point for `CommandFuzzTarget.arguments`: one input is a command line, one argument a line.
///
/// Built by fuzz/run.sh against the library, trainer and CLI modules, with Tests/PMetaPlanCLITests/HostileInput.
@_cdecl("LLVMFuzzerTestOneInput")
public func argumentFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let violations = CommandFuzzTarget.arguments.violations(for: bytes)
    if !violations.isEmpty { fatalError(violations.joined(separator: "\n")) }
    return 0
}

/// With PMETA_FUZZ_DICTIONARY=FILE, writes the libFuzzer dictionary of every command's real names and values
/// (subcommands, option spellings, allowed values, defaults and examples, the sandbox's file names) and exits.
@_cdecl("LLVMFuzzerInitialize")
public func argumentFuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>?,
                                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    guard let path = ProcessInfo.processInfo.environment["PMETA_FUZZ_DICTIONARY"] else { return 0 }
    var tokens = ["\n", "--", "-", "--help", "-h", "help", "--version", "version", "=", ","] + ArgumentSandbox.fixedNames
    for subcommand in PMetaPlanCommand.subcommands {
        tokens.append(subcommand.spec.name)
        for option in subcommand.spec.options {
            tokens.append(option.longSpelling)
            if let short = option.shortName { tokens.append("-\(short)") }
            tokens += option.allowedValues + [option.defaultValue, option.valueExample].compactMap { $0 }
        }
    }
    var seen = Set<String>()
    let lines = tokens.filter { !$0.isEmpty && seen.insert($0).inserted }.map { token in
        "\"" + token.utf8.map { byte in
            byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x7F
                ? "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) : String(UnicodeScalar(byte))
        }.joined() + "\""
    }
    FileManager.default.createFile(atPath: path, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
    exit(0)
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
