/// libFuzzer entry point for `FuzzTarget.architecture`: one input is one architecture file's bytes.
///
/// Built by fuzz/run.sh together with the library's sources and Tests/PMetaPlanTests/HostileInput/FuzzTarget.swift.
@_cdecl("LLVMFuzzerTestOneInput")
public func architectureFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let violations = FuzzTarget.architecture.violations(for: bytes)
    if !violations.isEmpty { fatalError(violations.joined(separator: "\n")) }
    return 0
}
