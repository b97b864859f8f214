// The reference trainer lands on its own branch; this file only lets the package build meanwhile,
// since SwiftPM refuses a declared target without sources.
