/// Tiny networks for the operators of issue 11, each starting with a learned tensor added to the input, so the
/// finite-difference check of that tensor's gradient checks every downstream input gradient too.
enum OperatorNetworks {
    /// Sigmoid, scale, tanh, hard-swish, SiLU, exact and tanh GELU, hard-sigmoid.
    static let smoothActivations = """
        {"format": 1, "name": "smooth", "input": {"shape": [2, 3, 3]},
         "layers": [
           {"name": "shift", "op": "parameter", "shape": [2, 3, 3]},
           {"name": "x", "op": "add", "inputs": ["input", "shift"]},
           {"name": "conv", "op": "conv2d", "out_channels": 3, "kernel": 1},
           {"op": "sigmoid"}, {"op": "scale", "factor": 2.5}, {"op": "tanh"},
           {"name": "up", "op": "conv2d", "out_channels": 3, "kernel": 1},
           {"op": "hard_swish"}, {"op": "silu"}, {"op": "gelu"}, {"op": "gelu", "approximate": "tanh"},
           {"op": "hard_sigmoid"},
           {"op": "flatten"}, {"name": "head", "op": "linear", "out_features": 3}]}
        """

    /// Squeeze-excite with broadcast products and sums: reduce_mean, 1x1 convs, hard-sigmoid gate, mul, and a
    /// `[C, 1, 1]` learned bias added to an image.
    static let squeezeExcite = """
        {"format": 1, "name": "se", "input": {"shape": [4, 4, 4]},
         "layers": [
           {"name": "shift", "op": "parameter", "shape": [4, 4, 4]},
           {"name": "x", "op": "add", "inputs": ["input", "shift"]},
           {"name": "conv", "op": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
           {"name": "gn", "op": "group_norm", "groups": 2},
           {"name": "act", "op": "hard_swish"},
           {"name": "pool", "op": "reduce_mean", "axes": [1, 2]},
           {"name": "squeeze", "op": "conv2d", "out_channels": 2, "kernel": 1},
           {"op": "relu"},
           {"name": "excite", "op": "conv2d", "out_channels": 4, "kernel": 1},
           {"name": "gate", "op": "hard_sigmoid"},
           {"name": "scaled", "op": "mul", "inputs": ["act", "gate"]},
           {"name": "channel_bias", "op": "parameter", "shape": [4, 1, 1]},
           {"name": "biased", "op": "add", "inputs": ["scaled", "channel_bias"]},
           {"name": "sum", "op": "add", "inputs": ["biased", "x"]},
           {"op": "global_avg_pool"}, {"name": "head", "op": "linear", "out_features": 3}]}
        """

    /// One pre-norm transformer block on 3x4x4 images: patches, class token, position embedding, two heads of
    /// softmax attention, a GELU MLP, per-token layer norms, the class token gathered for the head.
    static let attention = """
        {"format": 1, "name": "attention", "input": {"shape": [3, 4, 4]},
         "layers": [
           {"name": "patch", "op": "conv2d", "out_channels": 8, "kernel": 2, "stride": 2},
           {"name": "flat", "op": "reshape", "shape": [8, 4]},
           {"name": "patches", "op": "transpose", "perm": [1, 0]},
           {"name": "cls", "op": "parameter", "shape": [1, 8]},
           {"name": "tokens", "op": "concat", "axis": 0, "inputs": ["cls", "patches"]},
           {"name": "pos", "op": "parameter", "shape": [5, 8]},
           {"name": "embed", "op": "add", "inputs": ["tokens", "pos"]},
           {"name": "ln1", "op": "layer_norm"},
           {"name": "q", "op": "linear", "out_features": 8},
           {"name": "k", "op": "linear", "inputs": ["ln1"], "out_features": 8},
           {"name": "v", "op": "linear", "inputs": ["ln1"], "out_features": 8},
           {"name": "q_split", "op": "reshape", "inputs": ["q"], "shape": [5, 2, 4]},
           {"name": "q_heads", "op": "transpose", "perm": [1, 0, 2]},
           {"name": "q_scaled", "op": "scale", "factor": 0.5},
           {"name": "k_split", "op": "reshape", "inputs": ["k"], "shape": [5, 2, 4]},
           {"name": "k_heads", "op": "transpose", "perm": [1, 2, 0]},
           {"name": "scores", "op": "matmul", "inputs": ["q_scaled", "k_heads"]},
           {"name": "weights", "op": "softmax", "axis": -1},
           {"name": "v_split", "op": "reshape", "inputs": ["v"], "shape": [5, 2, 4]},
           {"name": "v_heads", "op": "transpose", "perm": [1, 0, 2]},
           {"name": "context", "op": "matmul", "inputs": ["weights", "v_heads"]},
           {"name": "context_tokens", "op": "transpose", "perm": [1, 0, 2]},
           {"name": "merged", "op": "reshape", "shape": [5, 8]},
           {"name": "proj", "op": "linear", "out_features": 8},
           {"name": "residual", "op": "add", "inputs": ["embed", "proj"]},
           {"name": "ln2", "op": "layer_norm"},
           {"name": "fc1", "op": "linear", "out_features": 12},
           {"op": "gelu"},
           {"name": "fc2", "op": "linear", "out_features": 8},
           {"name": "mlp", "op": "add", "inputs": ["residual", "fc2"]},
           {"name": "ln", "op": "layer_norm"},
           {"name": "class_token", "op": "gather", "axis": 0, "index": 0},
           {"name": "head", "op": "linear", "out_features": 3}]}
        """

    /// Channel shuffle, split (slices), strided slice, a reversing slice (torch.flip of the rows), concat along a
    /// spatial axis, transpose, reduce_mean without kept dimensions, and a token-wise sigmoid gate broadcast over rows.
    static let layout = """
        {"format": 1, "name": "layout", "input": {"shape": [4, 3, 3]},
         "layers": [
           {"name": "shift", "op": "parameter", "shape": [4, 3, 3]},
           {"name": "x", "op": "add", "inputs": ["input", "shift"]},
           {"name": "conv", "op": "conv2d", "out_channels": 4, "kernel": 1},
           {"name": "mixed", "op": "shuffle", "groups": 2},
           {"name": "halves", "op": "split", "axis": 0, "sizes": [2, 2]},
           {"name": "odd", "op": "slice", "inputs": ["mixed"], "axis": 0, "start": 1, "end": 4, "step": 2},
           {"name": "flipped", "op": "slice", "inputs": ["odd"], "axis": 1, "start": 2, "end": -4, "step": -1},
           {"name": "wide", "op": "concat", "axis": 2, "inputs": ["halves.0", "halves.1", "flipped"]},
           {"name": "turned", "op": "transpose", "perm": [0, 2, 1]},
           {"name": "rows", "op": "reduce_mean", "axes": [2], "keep_dims": false},
           {"name": "gate", "op": "sigmoid"},
           {"name": "gated", "op": "mul", "inputs": ["rows", "gate"]},
           {"op": "flatten"}, {"name": "head", "op": "linear", "out_features": 3}]}
        """

    /// conv2d with dilation, asymmetric padding and a rectangular kernel, ceil-mode max pooling, conv1d with
    /// "same" padding and a strided grouped conv1d.
    static let convolutions = """
        {"format": 1, "name": "convolutions", "input": {"shape": [2, 7, 7]},
         "layers": [
           {"name": "shift", "op": "parameter", "shape": [2, 7, 7]},
           {"name": "x", "op": "add", "inputs": ["input", "shift"]},
           {"name": "dilated", "op": "conv2d", "out_channels": 4, "kernel": 3, "dilation": 2, "padding": [1, 0, 2, 1]},
           {"name": "wide", "op": "conv2d", "out_channels": 4, "kernel": [1, 3], "stride": [1, 2], "padding": [0, 1], "groups": 2},
           {"name": "pool", "op": "max_pool", "kernel": 2, "stride": 2, "ceil_mode": true},
           {"name": "sequence", "op": "reshape", "shape": [4, -1]},
           {"name": "c1", "op": "conv1d", "out_channels": 4, "kernel": 3, "padding": "same"},
           {"name": "c2", "op": "conv1d", "out_channels": 2, "kernel": 2, "stride": 2, "groups": 2},
           {"op": "flatten"}, {"name": "head", "op": "linear", "out_features": 3}]}
        """
}
