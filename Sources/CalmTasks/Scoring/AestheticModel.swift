import CalmImage

/// What the tasks need from a model: a score for an image and an answer to a prompt about
/// images. The CALM model implements it; the tasks and their evaluators only see this.
public protocol AestheticModel {
    /// The aesthetic score of one image on the 1–10 scale.
    func score(_ image: RGBImage) throws -> Double
    /// The model's answer to `prompt`, whose `<image>` placeholders stand for `images` in order.
    func answer(_ prompt: String, images: [RGBImage]) throws -> String
}
