/// The MACs counted per element for operations other than convolutions, linear layers and matmul.
///
/// Appendix A neglects these "lower order terms"; the paper's printed GMAC figures include some of them.
/// This set is one member of the family that reproduces every printed MAC cell (shared/paper-figures.md):
/// fvcore counts group norm as 5 per element, which also fits 4Conv but puts ResNet12 inference at 62.07.
/// Both counting profiles use it, so MAC figures differ between profiles only in which gradients are computed.
/// The activations the paper's networks do not use count one multiply per multiplication they need (fvcore
/// counts none of them): sigmoid, tanh and hard-sigmoid 1, hard-swish, SiLU and GELU 2 (the activation and the
/// product with x), softmax 2 (the exponential's normalization and the division), dropout, mul and scale 1.
public enum ElementwiseMACs {
    /// Forward normalization (group, batch, layer): mean, variance, normalize, affine.
    public static let normalizationForward = 4
    /// Backward normalization, gamma and beta gradients (when updated).
    public static let normalizationParameterGradient = 2
    /// Backward normalization, input gradient (when the gradient flows through).
    public static let normalizationInputGradient = 2
    /// Forward LeakyReLU: one multiply per element. ReLU and ReLU6 count 0 (a comparison).
    public static let leakyReLUForward = 1
    /// Forward residual add: one addition per output element per extra input.
    public static let addForward = 1
    /// Forward element-wise product: one per output element per extra input.
    public static let mulForward = 1
    /// Forward multiplication by a constant.
    public static let scaleForward = 1
    /// Forward max pool: one per output element.
    public static let maxPoolForward = 1
    /// Forward average pool: one per window position per output element. Global average pooling counts 0.
    public static let averagePoolPerWindowPosition = 1
    /// Forward softmax: normalize and divide.
    public static let softmaxForward = 2
    /// Forward bilinear upsampling: four weighted neighbours per output element (fvcore's count). Nearest
    /// upsampling counts 0 (a copy).
    public static let bilinearUpsampleForward = 4

    /// Forward MACs per element of an activation.
    static func activationForward(_ function: Activation.Function) -> Int {
        switch function {
        case .relu, .relu6: 0
        case .leakyReLU: leakyReLUForward
        case .sigmoid, .tanh, .hardSigmoid, .dropout: 1
        case .hardSwish, .silu, .gelu: 2
        }
    }
}
