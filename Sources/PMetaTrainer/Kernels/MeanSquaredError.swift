/// The mean squared error over all elements, for regression heads.
public enum MeanSquaredError {
    /// The loss ℓ = (1/M) Σ_i (p_i − t_i)² over all M elements and its gradient 2(p_i − t_i)/M.
    /// - Parameters:
    ///   - prediction: Any shape.
    ///   - target: The same shape.
    /// - Returns: The loss and g(prediction).
    /// - Complexity: O(element count).
    public static func evaluate(prediction: Tensor, target: Tensor) -> (loss: Float, predictionGradient: Tensor) {
        precondition(
            prediction.shape == target.shape,
            "MeanSquaredError: prediction shape \(prediction.shape) is not target shape \(target.shape)")
        precondition(prediction.count > 0, "MeanSquaredError: empty prediction")
        let elementCount = Float(prediction.count)
        let difference = prediction - target
        let loss = difference.values.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(prediction.count)
        return (Float(loss), difference.map { 2 * $0 / elementCount })
    }
}
