import CalmAutograd
import CalmTensor

/// A stride-p convolution without bias, images [B, C, H, W] → tokens [B, (H/p)·(W/p), D],
/// computed as patchify then one matmul; the weight keeps the Conv2d layout [D, C, p, p].
public final class PatchEmbedding: Module {
    public let weight: Variable
    public let patch: Int

    public init(channels: Int = 3, dim: Int, patch: Int, using initializer: inout Initializer) {
        weight = initializer.normal([dim, channels, patch, patch], name: "weight")
        self.patch = patch
    }

    public override var localParameters: [(String, Variable)] { [("weight", weight)] }

    public func callAsFunction(_ images: Variable) -> Variable {
        let dim = weight.shape[0]
        return images.patchify(patch: patch).matmul(weight.reshaped([dim, -1]).transposed())
    }
}
