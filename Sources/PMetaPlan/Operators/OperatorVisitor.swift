/// Something computed from an operator's description, called with its concrete type (`Operation.accept`).
protocol OperatorVisitor {
    associatedtype Result
    func visit<Definition: OperatorDefinition>(_ definition: Definition) -> Result
}

/// The description as an existential.
struct ErasingVisitor: OperatorVisitor {
    func visit<Definition: OperatorDefinition>(_ definition: Definition) -> any OperatorDefinition { definition }
}

/// `OperatorDefinition.role`.
struct RoleVisitor: OperatorVisitor {
    func visit<Definition: OperatorDefinition>(_ definition: Definition) -> ParameterRole { definition.role }
}

/// `OperatorDefinition.computesInPlace`.
struct InPlaceVisitor: OperatorVisitor {
    func visit<Definition: OperatorDefinition>(_ definition: Definition) -> Bool { definition.computesInPlace }
}

/// `OperatorDefinition.stridedLayout`.
struct StridedLayoutVisitor: OperatorVisitor {
    func visit<Definition: OperatorDefinition>(_ definition: Definition) -> StridedLayout { definition.stridedLayout }
}

/// `OperatorDefinition.sharesOutputGradientWithInputs`.
struct SharedGradientVisitor: OperatorVisitor {
    func visit<Definition: OperatorDefinition>(_ definition: Definition) -> Bool { definition.sharesOutputGradientWithInputs }
}

/// `OperatorDefinition.keptInputGradient`.
struct KeptInputGradientVisitor: OperatorVisitor {
    func visit<Definition: OperatorDefinition>(_ definition: Definition) -> KeptInputGradient { definition.keptInputGradient }
}

/// `OperatorDefinition.producesActivation`.
struct ActivationOutputVisitor: OperatorVisitor {
    func visit<Definition: OperatorDefinition>(_ definition: Definition) -> Bool { definition.producesActivation }
}

/// `OperatorDefinition.savedTensors(_:)`.
struct SavedTensorsVisitor: OperatorVisitor {
    var context: BackwardContext
    func visit<Definition: OperatorDefinition>(_ definition: Definition) -> [SavedTensor] { definition.savedTensors(context) }
}

/// `OperatorDefinition.selectedWeightElements(selectedInputs:selectedOutputs:cost:)`.
struct SelectedWeightsVisitor: OperatorVisitor {
    var selectedInputs: Int
    var selectedOutputs: Int
    var cost: LayerCost
    func visit<Definition: OperatorDefinition>(_ definition: Definition) -> Result<Int, ArithmeticOverflow> {
        Result { () throws(ArithmeticOverflow) -> Int in
            do {
                return try definition.selectedWeightElements(selectedInputs: selectedInputs, selectedOutputs: selectedOutputs, cost: cost)
            } catch let overflow as ArithmeticOverflow {
                throw overflow
            } catch {
                throw ArithmeticOverflow(context: "selected weights")
            }
        }
    }
}
