extension UpdatePlan {
    /// The compact description as list lines after `bullet`, each step wrapped at `width` between its items with the
    /// continuation indented under the step's text; nil keeps one line per step (markdown wraps by itself).
    /// - Parameters:
    ///   - graph: The graph the plan is for.
    ///   - bullet: What starts each step's line: `"  "` or `"- "`.
    ///   - width: The widest line, or nil.
    public func compactLines(for graph: ShapedGraph, bullet: String, width: Int?) -> [String] {
        compactDescription(for: graph).flatMap { step -> [String] in
            guard let width, bullet.count + step.count > width else { return [bullet + step] }
            let indent = String(repeating: " ", count: bullet.count + 4)
            return TextWrapping.lines(TextWrapping.listItems(step), firstLinePrefix: bullet, continuationIndent: indent.count, width: width)
        }
    }

    /// The plan in one line per step, by block: `k=1: block2: pw 1/8, pw_bn 1; block3-block4: dw 1/2, dw_bn 1; head 1`.
    /// A layer named `PREFIX.SUFFIX` (a module path) belongs to block PREFIX; consecutive blocks that update the
    /// same layers at the same ratios, with no other block's trainable layer between them, read as one range. A
    /// bias-only update reads `bias`, an attended one `att(rho_fw,rho_bw)`. Consecutive equal steps share one line
    /// (`k=2-5: head 1`).
    public func compactDescription(for graph: ShapedGraph) -> [String] {
        var lines: [String] = []
        var first = 0
        while first < steps.count {
            let step = steps[first]
            var last = first
            while last + 1 < steps.count, steps[last + 1] == step { last += 1 }
            let label = first == last ? "k=\(first + 1)" : "k=\(first + 1)-\(last + 1)"
            let updated = step.layers.indices.filter { step.layers[$0].isUpdated }
            lines.append(label + ": " + (updated.isEmpty ? "no update" : Self.blockDescription(of: updated, in: step, graph: graph)))
            first = last + 1
        }
        return lines
    }

    /// The updated layers `updated` of `step`, block by block.
    private static func blockDescription(of updated: [Int], in step: StepUpdates, graph: ShapedGraph) -> String {
        struct Block {
            var prefix: String?
            var entries: [String]
            var first: Int
            var last: Int
            var lastPrefix: String?
        }
        func ratioText(_ update: LayerUpdate) -> String {
            if update.parameters == .biasOnly { return "bias" }
            if let attention = update.attention { return "att(\(attention.forward),\(attention.backward))" }
            return update.inputChannelRatio.description
        }
        // A numeric last part names a position in a container (PyTorch's `layer2.0.downsample.0`): it stays with the
        // name before it, so the block is `layer2.0` and the layer `downsample.0`.
        func split(_ name: String) -> (prefix: String?, suffix: String) {
            var parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count > 1, !parts.contains(where: \.isEmpty) else { return (nil, name) }
            var suffix = parts.removeLast()
            if suffix.allSatisfy(\.isNumber), parts.count > 1 { suffix = parts.removeLast() + "." + suffix }
            return (parts.joined(separator: "."), suffix)
        }
        let trainable = graph.layers.map(\.operation.isTrainable)
        // Blocks in graph order: consecutive updated layers of one prefix; a name without one stands alone.
        var blocks: [Block] = []
        for index in updated {
            let (prefix, suffix) = split(graph.layers[index].name)
            let entry = "\(suffix) \(ratioText(step.layers[index]))"
            if let prefix, let last = blocks.last, last.prefix == prefix, last.lastPrefix == prefix,
               !(last.last + 1..<index).contains(where: { trainable[$0] && split(graph.layers[$0].name).prefix != prefix }) {
                blocks[blocks.count - 1].entries.append(entry)
                blocks[blocks.count - 1].last = index
            } else {
                blocks.append(Block(prefix: prefix, entries: [entry], first: index, last: index, lastPrefix: prefix))
            }
        }
        // Ranges: a block that repeats the one before it, with nothing trainable of another block between them.
        var parts: [(label: String, entries: [String])] = []
        var previous: Block?
        var rangeStart: String?
        for block in blocks {
            if let before = previous, let prefix = block.prefix, before.prefix != nil, before.entries == block.entries,
               !(before.last + 1..<block.first).contains(where: { trainable[$0] && ![before.lastPrefix, prefix].contains(split(graph.layers[$0].name).prefix) }) {
                parts[parts.count - 1].label = "\(rangeStart ?? "")-\(prefix)"
                previous = block
                continue
            }
            rangeStart = block.prefix
            parts.append((block.prefix ?? "", block.entries))
            previous = block
        }
        // Layers outside any block run on with commas (`stem 1, stem_bn 1`); blocks are set apart by semicolons.
        var text = ""
        for (position, part) in parts.enumerated() {
            if position > 0 { text += part.label.isEmpty && parts[position - 1].label.isEmpty ? ", " : "; " }
            text += (part.label.isEmpty ? "" : "\(part.label): ") + part.entries.joined(separator: ", ")
        }
        return text
    }
}
