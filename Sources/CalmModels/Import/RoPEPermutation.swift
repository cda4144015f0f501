import CalmTensor

/// llama.cpp's convert_hf_to_gguf.py (`LlamaModel.permute`) reorders the rows of each head of
/// the Q and K projections so that ggml's RoPE, which rotates adjacent pairs (2i, 2i+1), gives
/// what Hugging Face's rotate_half gives on pairs (i, i+d/2). Our decoder uses the rotate_half
/// convention, so GGUF imports put the rows back: HF row j·d/2 + i = GGUF row 2i + j.
/// `heads` is the number of heads of the projection (KV heads for K).
public func undoGGUFRoPEPermutation(_ weight: Tensor, heads: Int) -> Tensor {
    let rows = weight.shape[0]
    precondition(weight.rank == 2 && heads > 0 && rows % (2 * heads) == 0,
                 "undoGGUFRoPEPermutation: \(weight.shape) does not split into \(heads) heads of even size")
    return weight.reshaped([heads, rows / heads / 2, 2, weight.shape[1]])
        .permuted([0, 2, 1, 3]).contiguous().reshaped(weight.shape)
}
