/// Node patterns that exporters spell out and the format names in one layer: GELU's Erf form.
extension ONNXGraphImport {
    /// Finds `0.5 * x * (1 + erf(x / sqrt(2)))` in any of the orders exporters write it, marks its nodes skipped and
    /// records the last one as a `gelu` of x.
    mutating func findGELUPatterns() {
        let nodes = model.graph.nodes
        var producers: [String: Int] = [:]
        var consumers: [String: [Int]] = [:]
        for node in nodes {
            for output in node.outputs where !output.isEmpty { producers[output] = node.index }
            for input in node.inputs where !input.isEmpty { consumers[input, default: []].append(node.index) }
        }
        func soleConsumer(of node: ONNXNode, opType: String) -> ONNXNode? {
            guard let output = node.outputs.first, let readers = consumers[output], readers.count == 1,
                  nodes[readers[0]].opType == opType else { return nil }
            return nodes[readers[0]]
        }
        /// The other input of a two-input node, when one input is the constant `value` (within 1e-3).
        func operand(of node: ONNXNode, besides value: Double) -> String? {
            guard node.inputs.count == 2 else { return nil }
            for (position, name) in node.inputs.enumerated() where staticScalar(name, producers: producers).map({ abs($0 - value) < 1e-3 }) == true {
                return node.inputs[1 - position]
            }
            return nil
        }
        for erf in nodes where erf.opType == "Erf" {
            guard let scaledName = erf.inputs.first, let scaledIndex = producers[scaledName] else { continue }
            let scaled = nodes[scaledIndex]
            let x: String?
            switch scaled.opType {
            case "Div": x = operand(of: scaled, besides: 2.0.squareRoot())
            case "Mul": x = operand(of: scaled, besides: 0.5.squareRoot())
            default: x = nil
            }
            guard let x, consumers[scaledName]?.count == 1, let plusOne = soleConsumer(of: erf, opType: "Add"),
                  operand(of: plusOne, besides: 1) == erf.outputs.first, let product = soleConsumer(of: plusOne, opType: "Mul"),
                  let other = product.inputs.first(where: { $0 != plusOne.outputs.first }) else { continue }
            var used = [scaled.index, erf.index, plusOne.index, product.index]
            let last: Int
            if other == x, let half = soleConsumer(of: product, opType: "Mul"), operand(of: half, besides: 0.5) == product.outputs.first {
                used.append(half.index)
                last = half.index
            } else if let halfIndex = producers[other], nodes[halfIndex].opType == "Mul", operand(of: nodes[halfIndex], besides: 0.5) == x,
                      consumers[other]?.count == 1 {
                used.append(halfIndex)
                last = product.index
            } else if operand(of: product, besides: 0.5) == plusOne.outputs.first, let outer = soleConsumer(of: product, opType: "Mul"),
                      outer.inputs.contains(x) {
                used.append(outer.index)
                last = outer.index
            } else {
                continue
            }
            for index in used where index != last { skippedNodes.insert(index) }
            geluInputs[last] = x
        }
    }

    /// The value of a one-element constant known before import (an initializer or a Constant node's tensor).
    func staticScalar(_ name: String, producers: [String: Int]) -> Double? {
        if case .constant(let constant)? = values[name], constant.isScalar { return constant.reals?.first }
        guard let index = producers[name], model.graph.nodes[index].opType == "Constant",
              let constant = try? constantNodeValue(model.graph.nodes[index]), constant.isScalar else { return nil }
        return constant.reals?.first
    }
}
