import CalmKernels
import CalmTensor

/// The fused C kernels of one precision (calm_nn_*_f32 or calm_nn_*_f64), so that the NN
/// ops are written once, generically over `NNFloat`, and still call native code.
struct NNKernels<T> {
    typealias Unary = (UnsafePointer<T>?, UnsafeMutablePointer<T>?, Int) -> Void
    typealias UnaryBackward = (UnsafePointer<T>?, UnsafePointer<T>?, UnsafeMutablePointer<T>?, Int) -> Void
    typealias Rows = (UnsafePointer<T>?, UnsafeMutablePointer<T>?, Int, Int) -> Void
    typealias RowsBackward = (UnsafePointer<T>?, UnsafePointer<T>?, UnsafeMutablePointer<T>?, Int, Int) -> Void
    typealias Lookup<I> = (UnsafePointer<I>?, Int, UnsafePointer<T>?, Int, Int, UnsafeMutablePointer<T>?) -> Int
    typealias CrossEntropy<I> = (UnsafePointer<T>?, UnsafePointer<I>?, Int, Int, Int64, UnsafeMutablePointer<T>?,
                                 UnsafeMutablePointer<T>?, UnsafeMutablePointer<Int>?) -> Int
    typealias CrossEntropyBackward<I> = (UnsafePointer<T>?, UnsafePointer<I>?, UnsafePointer<T>?, Int, Int, Int64,
                                         Int, Double, UnsafeMutablePointer<T>?) -> Void
    typealias Rope = (UnsafePointer<T>?, UnsafeMutablePointer<T>?, Int, Int, Int, Int, Double, Int) -> Void
    typealias Grid = (UnsafePointer<T>?, UnsafeMutablePointer<T>?, Int, Int, Int, Int, Int) -> Void

    let geluErf: Unary, geluErfBackward: UnaryBackward
    let geluTanh: Unary, geluTanhBackward: UnaryBackward
    let quickGelu: Unary, quickGeluBackward: UnaryBackward
    let silu: Unary, siluBackward: UnaryBackward
    let softmax: Rows, softmaxBackward: RowsBackward
    let logSoftmax: Rows, logSoftmaxBackward: RowsBackward
    let layerNorm: (UnsafePointer<T>?, UnsafePointer<T>?, UnsafePointer<T>?, UnsafeMutablePointer<T>?,
                    UnsafeMutablePointer<T>?, UnsafeMutablePointer<T>?, Int, Int, Double) -> Void
    let layerNormBackward: (UnsafePointer<T>?, UnsafePointer<T>?, UnsafePointer<T>?, UnsafePointer<T>?,
                            UnsafePointer<T>?, UnsafeMutablePointer<T>?, UnsafeMutablePointer<T>?,
                            UnsafeMutablePointer<T>?, Int, Int) -> Void
    let rmsNorm: (UnsafePointer<T>?, UnsafePointer<T>?, UnsafeMutablePointer<T>?, UnsafeMutablePointer<T>?,
                  Int, Int, Double) -> Void
    let rmsNormBackward: (UnsafePointer<T>?, UnsafePointer<T>?, UnsafePointer<T>?, UnsafePointer<T>?,
                          UnsafeMutablePointer<T>?, UnsafeMutablePointer<T>?, Int, Int) -> Void
    let embeddingI32: Lookup<Int32>, embeddingI64: Lookup<Int64>
    let embeddingBackwardI32: Lookup<Int32>, embeddingBackwardI64: Lookup<Int64>
    let rope: Rope, ropeBackward: Rope
    let attention: (UnsafePointer<calm_nn_attention_params>?, UnsafePointer<T>?, UnsafePointer<T>?,
                    UnsafePointer<T>?, UnsafeMutablePointer<T>?, UnsafeMutablePointer<T>?) -> Int32
    let attentionBackward: (UnsafePointer<calm_nn_attention_params>?, UnsafePointer<T>?, UnsafePointer<T>?,
                            UnsafePointer<T>?, UnsafePointer<T>?, UnsafePointer<T>?, UnsafePointer<T>?,
                            UnsafeMutablePointer<T>?, UnsafeMutablePointer<T>?, UnsafeMutablePointer<T>?) -> Int32
    let crossEntropyI32: CrossEntropy<Int32>, crossEntropyI64: CrossEntropy<Int64>
    let crossEntropyBackwardI32: CrossEntropyBackward<Int32>, crossEntropyBackwardI64: CrossEntropyBackward<Int64>
    let patchify: Grid, patchifyBackward: Grid
    let tokenAvgPool: Grid, tokenAvgPoolBackward: Grid
    let dropout: (UnsafePointer<T>?, UnsafePointer<UInt8>?, UnsafeMutablePointer<T>?, Int, Double) -> Void
    let maskedFill: (UnsafePointer<T>?, UnsafePointer<UInt8>?, UnsafeMutablePointer<T>?, Int, Double) -> Void
}

/// A floating-point type the fused NN kernels exist for: Float and Double.
protocol NNFloat: BinaryFloatingPoint, TensorElement {
    static var nn: NNKernels<Self> { get }
}

extension Float: NNFloat {
    static let nn = NNKernels<Float>(
        geluErf: calm_nn_gelu_erf_forward_f32, geluErfBackward: calm_nn_gelu_erf_backward_f32,
        geluTanh: calm_nn_gelu_tanh_forward_f32, geluTanhBackward: calm_nn_gelu_tanh_backward_f32,
        quickGelu: calm_nn_quick_gelu_forward_f32, quickGeluBackward: calm_nn_quick_gelu_backward_f32,
        silu: calm_nn_silu_forward_f32, siluBackward: calm_nn_silu_backward_f32,
        softmax: calm_nn_softmax_forward_f32, softmaxBackward: calm_nn_softmax_backward_f32,
        logSoftmax: calm_nn_log_softmax_forward_f32, logSoftmaxBackward: calm_nn_log_softmax_backward_f32,
        layerNorm: calm_nn_layer_norm_forward_f32, layerNormBackward: calm_nn_layer_norm_backward_f32,
        rmsNorm: calm_nn_rms_norm_forward_f32, rmsNormBackward: calm_nn_rms_norm_backward_f32,
        embeddingI32: calm_nn_embedding_forward_i32_f32, embeddingI64: calm_nn_embedding_forward_i64_f32,
        embeddingBackwardI32: calm_nn_embedding_backward_i32_f32, embeddingBackwardI64: calm_nn_embedding_backward_i64_f32,
        rope: calm_nn_rope_forward_f32, ropeBackward: calm_nn_rope_backward_f32,
        attention: calm_nn_attention_forward_f32, attentionBackward: calm_nn_attention_backward_f32,
        crossEntropyI32: calm_nn_cross_entropy_forward_i32_f32, crossEntropyI64: calm_nn_cross_entropy_forward_i64_f32,
        crossEntropyBackwardI32: calm_nn_cross_entropy_backward_i32_f32,
        crossEntropyBackwardI64: calm_nn_cross_entropy_backward_i64_f32,
        patchify: calm_nn_patchify_forward_f32, patchifyBackward: calm_nn_patchify_backward_f32,
        tokenAvgPool: calm_nn_token_avg_pool_forward_f32, tokenAvgPoolBackward: calm_nn_token_avg_pool_backward_f32,
        dropout: calm_nn_dropout_f32, maskedFill: calm_nn_masked_fill_f32)
}

extension Double: NNFloat {
    static let nn = NNKernels<Double>(
        geluErf: calm_nn_gelu_erf_forward_f64, geluErfBackward: calm_nn_gelu_erf_backward_f64,
        geluTanh: calm_nn_gelu_tanh_forward_f64, geluTanhBackward: calm_nn_gelu_tanh_backward_f64,
        quickGelu: calm_nn_quick_gelu_forward_f64, quickGeluBackward: calm_nn_quick_gelu_backward_f64,
        silu: calm_nn_silu_forward_f64, siluBackward: calm_nn_silu_backward_f64,
        softmax: calm_nn_softmax_forward_f64, softmaxBackward: calm_nn_softmax_backward_f64,
        logSoftmax: calm_nn_log_softmax_forward_f64, logSoftmaxBackward: calm_nn_log_softmax_backward_f64,
        layerNorm: calm_nn_layer_norm_forward_f64, layerNormBackward: calm_nn_layer_norm_backward_f64,
        rmsNorm: calm_nn_rms_norm_forward_f64, rmsNormBackward: calm_nn_rms_norm_backward_f64,
        embeddingI32: calm_nn_embedding_forward_i32_f64, embeddingI64: calm_nn_embedding_forward_i64_f64,
        embeddingBackwardI32: calm_nn_embedding_backward_i32_f64, embeddingBackwardI64: calm_nn_embedding_backward_i64_f64,
        rope: calm_nn_rope_forward_f64, ropeBackward: calm_nn_rope_backward_f64,
        attention: calm_nn_attention_forward_f64, attentionBackward: calm_nn_attention_backward_f64,
        crossEntropyI32: calm_nn_cross_entropy_forward_i32_f64, crossEntropyI64: calm_nn_cross_entropy_forward_i64_f64,
        crossEntropyBackwardI32: calm_nn_cross_entropy_backward_i32_f64,
        crossEntropyBackwardI64: calm_nn_cross_entropy_backward_i64_f64,
        patchify: calm_nn_patchify_forward_f64, patchifyBackward: calm_nn_patchify_backward_f64,
        tokenAvgPool: calm_nn_token_avg_pool_forward_f64, tokenAvgPoolBackward: calm_nn_token_avg_pool_backward_f64,
        dropout: calm_nn_dropout_f64, maskedFill: calm_nn_masked_fill_f64)
}
