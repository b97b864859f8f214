// The commands land on their own branch; until then the executable only lets the package build,
// since SwiftPM refuses a declared target without sources.
