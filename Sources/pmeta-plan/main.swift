import Foundation
import PMetaPlanCLI

// The trainer's steps reuse freed buffers instead of faulting fresh pages in (ProcessAllocator.swift).
ProcessAllocator.keepFreedMemoryForReuse()

// Progress goes straight to standard output as it happens; the result follows when the command ends. A write
// that fails is reported by `emit` with exit 74, never a trap.
let result = PMetaPlanCommand.run(
    arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment,
    progress: { message in PMetaPlanCommand.writeProgress(message) }, isTerminal: isatty(1) != 0)
exit(PMetaPlanCommand.emit(result))
