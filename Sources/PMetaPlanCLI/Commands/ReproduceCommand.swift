import Foundation
import PMetaPlan

/// `pmeta-plan reproduce`: every printed cell of the paper's Tables 1-3 against ours.
enum ReproduceCommand {
    static let spec = CommandSpec(
        name: "reproduce",
        abstract: "Derive the 60 printed cells of the p-Meta paper's Tables 1-3 that need no learned plan from the shipped architectures.",
        discussion: "Prints table, row, column, the printed figure, ours, the error, and why a cell does not match. "
            + "Exits 0 when at least 58 of the 60 cells match.",
        options: [architectures.spec, WorkloadOptions.format.spec])

    static let architectures = Option.text("architectures", valueName: "dir",
                                           help: "The folder holding 4conv.json, resnet12.json, mlp-halfcheetah.json and mlp-2dnav.json.")
        .defaulting(to: "architectures")

    static func run(_ parsed: ParsedArguments) throws(CommandFailure) -> CommandResult {
        let format = try parsed.value(WorkloadOptions.format)
        let folder = try parsed.value(architectures)
        var models: [String: ShapedGraph] = [:]
        for name in PaperReproduction.architectureNames {
            models[name] = try InputFile.architecture(at: (folder as NSString).appendingPathComponent("\(name).json")).graph
        }
        do {
            let cells = try PaperReproduction.cells { name in
                guard let graph = models[name] else { throw CommandFailure.unreadable("\(name).json is missing") }
                return graph
            }
            return CommandResult(output: ReproductionReport(cells: cells).render(format))
        } catch {
            throw .badData("\(error)")
        }
    }
}
