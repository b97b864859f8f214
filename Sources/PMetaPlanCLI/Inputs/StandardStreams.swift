import Foundation

/// Writing to file descriptors without trapping: `FileHandle.write(_:)` stops the process when the write fails
/// (`> /dev/full`, a closed pipe); these return the error instead.
enum StandardStreams {
    /// Writes all of `text` to `descriptor`, retrying short writes and interrupted calls.
    /// - Returns: nil on success, else the system's reason (`No space left on device`).
    static func write(_ text: String, to descriptor: Int32) -> String? {
        write(bytes: Array(text.utf8), to: descriptor)
    }

    /// Writes all of `bytes` to `descriptor`, retrying short writes and interrupted calls.
    /// - Returns: nil on success, else the system's reason.
    static func write(bytes: [UInt8], to descriptor: Int32) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            if written == 0 { return "the write made no progress" }
            offset += written
        }
        return nil
    }

    /// Appends `text` to the file at `path`, creating it (mode 0666 less the umask) when missing.
    /// - Returns: nil on success, else why not.
    static func append(_ text: String, toFileAt path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        let failure = write(text, to: descriptor)
        let closed = close(descriptor)
        if let failure { return failure }
        return closed == 0 ? nil : String(cString: strerror(errno))
    }
}

extension PMetaPlanCommand {
    /// Prints a result: its output on `standardOutput`, its error output on `standardError`.
    ///
    /// A failed write is no trap: when standard output cannot be written the reason goes to standard error and
    /// the exit code becomes 74 (sysexits' EX_IOERR); when standard error cannot be written either, 74 alone.
    /// - Parameters:
    ///   - result: What the command printed and its exit code.
    ///   - standardOutput: The descriptor of standard output (1).
    ///   - standardError: The descriptor of standard error (2).
    /// - Returns: The exit code to end the process with.
    public static func emit(_ result: CommandResult, standardOutput: Int32 = 1, standardError: Int32 = 2) -> Int32 {
        var exitCode = result.exitCode.rawValue
        if let reason = StandardStreams.write(result.output, to: standardOutput) {
            _ = StandardStreams.write("Error: cannot write standard output (\(reason))\n", to: standardError)
            exitCode = ExitCode.ioError.rawValue
        }
        if StandardStreams.write(result.errorOutput, to: standardError) != nil {
            exitCode = ExitCode.ioError.rawValue
        }
        return exitCode
    }
}

extension PMetaPlanCommand {
    /// Writes a progress message to standard output at once; a failure is left for `emit` to report, since the
    /// result's own write to the same stream fails too.
    /// - Parameter message: The text to write.
    public static func writeProgress(_ message: String) {
        _ = StandardStreams.write(message, to: 1)
    }
}
