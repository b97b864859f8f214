// The commands land on their own branch; until then the executable only lets the package build,
// since SwiftPM refuses a declared target without sources.
// Foundation brings libm onto the link line: on Linux, Double.rounded() in DecimalFormatting calls `round`.
import Foundation
