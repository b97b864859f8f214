import Foundation
import PMetaPlan

/// Writing output files without harming what is there: through symlinks, never over a device or a folder, keeping
/// an existing file's mode, and all of a command's files or none.
///
/// Each file is first written to a temporary file beside its target (the symlink's target, when the path is a
/// symlink), so that a full disk or a missing permission fails before any target changes; then every temporary file
/// is renamed over its target. A rename within one folder does not fail for want of space.
enum OutputFiles {
    /// A file to write: where, and what.
    struct Pending {
        var path: String
        var bytes: [UInt8]
    }

    /// Where a write to `path` really goes: `path` itself, or the file its symlinks lead to (made absolute).
    /// - Throws: `CommandFailure.unreadable` for a target that is not a regular file (a folder, a device, a pipe,
    ///   a socket), for a symlink loop, or for an empty path.
    static func resolvedTarget(of path: String) throws(CommandFailure) -> String {
        guard !path.isEmpty else { throw .unreadable("an output path is empty") }
        // What the path finally leads to, following every link (also /proc's links to pipes and terminals, which
        // name no path): a folder or a device is refused before any link is read.
        var final = stat()
        if stat(path, &final) == 0 {
            switch final.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw .unreadable("\(path): is a directory; expected a regular file to write (end the path with '/' to write into the folder)")
            default: throw .unreadable("\(path): is not a regular file (a device, pipe or socket); pmeta-plan writes only regular files")
            }
        }
        var current = path
        for _ in 0..<40 {
            // /dev/stdout and /proc/self/fd/1 lead to another process's open file: replacing it would take it away
            // from under that process (as root, `-o /dev/stdout` once replaced the system's symlink).
            if current.hasPrefix("/dev/") || current.hasPrefix("/proc/") {
                throw .unreadable("\(path): is not a regular file (a device or a process's stream); pmeta-plan writes only regular files")
            }
            var status = stat()
            if lstat(current, &status) != 0 {
                guard errno == ENOENT else {
                    throw .unreadable("\(path): cannot be written (\(String(cString: strerror(errno))))")
                }
                return current
            }
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                return current
            case S_IFLNK:
                guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else {
                    throw .unreadable("\(path): the symbolic link cannot be read")
                }
                current = destination.hasPrefix("/")
                    ? destination : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
            case S_IFDIR:
                throw .unreadable("\(path): is a directory; expected a regular file to write (end the path with '/' to write into the folder)")
            default:
                throw .unreadable("\(path): is not a regular file (a device, pipe or socket); pmeta-plan writes only regular files")
            }
        }
        throw .unreadable("\(path): too many levels of symbolic links")
    }

    /// Checks that `path` can be written without writing it: its target is absent or a regular file, and its folder
    /// exists (or can be created) and is writable.
    /// - Throws: `CommandFailure.unreadable` naming the path and the reason.
    static func checkWritable(_ path: String) throws(CommandFailure) {
        let target = try resolvedTarget(of: path)
        try checkFolderIsWritable(of: target, for: path)
    }

    /// Writes every file, or none: all temporary files first, then the renames.
    /// - Throws: `CommandFailure.unreadable` naming the first path that cannot be written; no target has changed then.
    static func write(_ files: [Pending]) throws(CommandFailure) {
        var staged: [(temporary: String, target: String)] = []
        func discard() { for file in staged { unlink(file.temporary) } }
        for (index, file) in files.enumerated() {
            do {
                let target = try resolvedTarget(of: file.path)
                try checkFolderIsWritable(of: target, for: file.path)
                staged.append((try stage(file.bytes, beside: target, for: file.path, index: index), target))
            } catch {
                discard()
                throw error
            }
        }
        for (position, file) in staged.enumerated() where rename(file.temporary, file.target) != 0 {
            let reason = String(cString: strerror(errno))
            for rest in staged[position...] { unlink(rest.temporary) }
            throw .unreadable("\(file.target): cannot be written (\(reason))")
        }
    }

    /// Writes one file (see `write(_:)`).
    static func write(_ bytes: [UInt8], to path: String) throws(CommandFailure) {
        try write([Pending(path: path, bytes: bytes)])
    }

    /// Writes one text file (see `write(_:)`).
    static func write(_ text: String, to path: String) throws(CommandFailure) {
        try write([Pending(path: path, bytes: Array(text.utf8))])
    }

    /// The path `-o VALUE` names for a file called `defaultName`: `VALUE/defaultName` when VALUE ends with a slash
    /// (a folder, created when missing), else VALUE itself.
    /// - Throws: `CommandFailure.usage` for an empty value.
    static func outputPath(_ value: String, defaultName: String, option: String, commandPath: [String]) throws(CommandFailure) -> String {
        guard !value.isEmpty else { throw .usage("\(option) needs a file name, found an empty value", commandPath: commandPath) }
        return value.hasSuffix("/") ? value + defaultName : value
    }

    // MARK: - Pieces

    private static func checkFolderIsWritable(of target: String, for path: String) throws(CommandFailure) {
        let folder = (target as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return try checkAccess(".", for: path) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .unreadable("\(path): \(folder) is not a directory") }
            return try checkAccess(folder, for: path)
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .unreadable("\(path): the folder \(folder) cannot be created (\(error.localizedDescription))")
        }
    }

    private static func checkAccess(_ folder: String, for path: String) throws(CommandFailure) {
        guard access(folder, W_OK | X_OK) == 0 else {
            throw .unreadable("\(path): cannot be written (\(folder): \(String(cString: strerror(errno))))")
        }
    }

    /// Writes `bytes` to a new temporary file in `target`'s folder with `target`'s mode (0666 less the umask for a
    /// new file) and returns its path.
    private static func stage(_ bytes: [UInt8], beside target: String, for path: String, index: Int) throws(CommandFailure) -> String {
        let folder = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).pmeta-plan-\(getpid())-\(index).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw .unreadable("\(path): cannot be written (\(String(cString: strerror(errno))))") }
        var existing = stat()
        if stat(target, &existing) == 0 { _ = fchmod(descriptor, existing.st_mode & 0o7777) }
        let failure = StandardStreams.write(bytes: bytes, to: descriptor)
        let closed = close(descriptor)
        if let failure {
            unlink(temporary)
            throw .unreadable("\(path): cannot be written (\(failure))")
        }
        guard closed == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .unreadable("\(path): cannot be written (\(reason))")
        }
        return temporary
    }
}
