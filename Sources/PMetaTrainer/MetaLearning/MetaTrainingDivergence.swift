import PMetaPlan

/// Meta-training that stopped because a number stopped being finite: the weights, the step sizes or the
/// validation score became NaN or infinite, so nothing after it (or written from it) would mean anything.
public struct MetaTrainingDivergence: Error, Sendable, Hashable, CustomStringConvertible {
    /// The outer step (1-based) after which the divergence was seen.
    public var iteration: Int
    /// What stopped being finite: `the weights of 'block1.conv'`, `the validation score`.
    public var what: String

    /// Creates a divergence report.
    public init(iteration: Int, what: String) {
        self.iteration = iteration
        self.what = what
    }

    /// `meta-training diverged at outer step 3: the validation score is NaN`.
    public var description: String { "meta-training diverged at outer step \(iteration): \(what)" }
}

extension NetworkParameters {
    /// The index of the first layer holding a NaN or infinite element, or nil when every element is finite.
    /// - Complexity: O(number of parameters).
    public var firstNonFiniteLayer: Int? {
        layers.firstIndex { tensors in tensors.contains { tensor in tensor.values.contains { !$0.isFinite } } }
    }
}
