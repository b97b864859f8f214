// The trainer's tests land with the trainer; this file only lets the package build meanwhile,
// since SwiftPM refuses a declared test target without sources.
