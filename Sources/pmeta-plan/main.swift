import Foundation
import PMetaPlanCLI

// Progress goes straight to standard output as it happens; the result follows when the command ends.
let result = PMetaPlanCommand.run(
    arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment,
    progress: { message in FileHandle.standardOutput.write(Data(message.utf8)) }, isTerminal: isatty(1) != 0)
FileHandle.standardOutput.write(Data(result.output.utf8))
FileHandle.standardError.write(Data(result.errorOutput.utf8))
exit(result.exitCode.rawValue)
