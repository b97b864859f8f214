/// libFuzzer entry point for `FuzzTarget.onnx`: one input is one ONNX file's bytes.
///
/// Built by fuzz/run.sh together with the library's sources and Tests/PMetaPlanTests/HostileInput/FuzzTarget.swift.
@_cdecl("LLVMFuzzerTestOneInput")
public func onnxFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let violations = FuzzTarget.onnx.violations(for: bytes)
    if !violations.isEmpty { fatalError(violations.joined(separator: "\n")) }
    return 0
}
