import ArgumentParser
import CalmAutograd
import CalmModels
import CalmTensor
import CalmTraining
import Foundation

/// Times calm's training step and inference at the reference configurations; the PyTorch
/// peer's figures come from Scripts/peer/bench_train.py (Scripts/peer/compare.py runs both).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmark training and inference.",
                                                    subcommands: [Train.self, Infer.self])

    /// The fp32 peak of the reference machine: 2 Zen 4 cores × 3.6 GHz × 32 FLOP/cycle.
    static let peakGFLOPs = 232.0

    struct Options: ParsableArguments {
        @Option(help: "calm-tiny, calm-small, or a JSON/YAML configuration file.")
        var config = "calm-tiny"

        @Option(help: "Timed repetitions after one warm-up.")
        var steps = 10

        @Option(help: "OpenBLAS threads (default: OpenBLAS's own setting).")
        var threads: Int?

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        func prepare() throws -> CalmConfig {
            guard steps > 0 else { throw ValidationError("--steps must be positive") }
            if let threads {
                guard threads > 0 else { throw ValidationError("--threads must be positive") }
                BLAS.threads = threads
                Parallel.maxThreads = threads
            }
            return try CalmConfig.load(config)
        }

        /// Prints `fields` as JSON or as aligned "name: value" lines.
        func report(_ fields: [String: Any]) throws {
            if json {
                let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                for key in fields.keys.sorted() { print("\(key): \(fields[key]!)") }
            }
        }
    }

    /// One training step (forward, backward, AdamW) at the reference batch.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Time the training step (forward, backward, AdamW).")

        @OptionGroup var options: Options

        @Option(help: "Shards of the batch trained concurrently, one core each (default: one per thread allowed).")
        var shards: Int?

        @Flag(help: "After timing, profile one step: seconds per op, forward and backward, on stderr.")
        var profile = false

        func run() throws {
            let config = try options.prepare()
            if let shards, shards < 1 { throw ValidationError("--shards must be positive") }
            let workload = try TrainingWorkload(config)
            let model = CalmModel(config, seed: 1)
            let optimizer = AdamW(model.parameters().map { ($0.name, $0.variable, true) },
                                  hyper: .init(weightDecay: 0.05))
            let batchShards = try workload.shards(shards ?? ShardedBackward.automaticCount(samples: TrainingWorkload.batchSize), model: model)
            func step() {
                model.zeroGrad()
                _ = ShardedBackward.run(batchShards, scale: 1)
                optimizer.step(lr: 1e-4)
            }
            step()
            let times = (0..<options.steps).map { _ in seconds(step) }
            if profile {
                printProfile { model.zeroGrad(); model.loss(workload.batch).backward() }
                FileHandle.standardError.write(Data(String(format: "AdamW step %.1f ms\n", 1000 * seconds { optimizer.step(lr: 1e-4) }).utf8))
            }
            let stepSeconds = median(times)
            let gflops = workload.stepFLOPs / stepSeconds / 1e9
            try options.report([
                "config": options.config, "threads": BLAS.threads, "blas_core": BLAS.coreName, "steps": options.steps, "shards": batchShards.count,
                "batch": TrainingWorkload.batchSize, "positions": workload.batch.length,
                "step_s": stepSeconds, "step_s_all": times, "images_per_s": Double(TrainingWorkload.batchSize) / stepSeconds,
                "tokens_per_s": Double(TrainingWorkload.batchSize * workload.batch.length) / stepSeconds,
                "step_gflop": workload.stepFLOPs / 1e9, "unpruned_step_gflop": workload.unprunedStepFLOPs / 1e9,
                "gflops": gflops, "peak_fraction": gflops / Bench.peakGFLOPs,
                "peak_rss_mb": peakResidentMiB(), "parameters": model.parameterCount,
            ])
        }
    }

    /// Runs `body` with the op profiler on and prints its totals, the slowest first.
    static func printProfile(_ body: () -> Void) {
        OpProfiler.reset()
        OpProfiler.isEnabled = true
        let total = seconds(body)
        OpProfiler.isEnabled = false
        func column(_ text: String) -> String { text.padding(toLength: 24, withPad: " ", startingAt: 0) }
        var lines = [column("op") + "  calls    fwd ms    bwd ms"]
        for (name, t) in OpProfiler.totals.sorted(by: { $0.value.forward + $0.value.backward > $1.value.forward + $1.value.backward }) {
            lines.append(column(name) + String(format: " %6d %9.1f %9.1f", t.calls, 1000 * t.forward, 1000 * t.backward))
        }
        let ops = OpProfiler.totals.values.reduce(0) { $0 + $1.forward + $1.backward }
        lines.append(String(format: "ops %.1f ms of %.1f ms (the rest: optimizer, gradient sums, bookkeeping)", 1000 * ops, 1000 * total))
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}

extension Bench {
    /// Scoring one image (one forward pass, the last position's logits) and a 64-token comment.
    struct Infer: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Time scoring one image and generating a 64-token comment.")

        @OptionGroup var options: Options

        @Option(help: "Tokens to generate.")
        var tokens = 64

        @Flag(help: "After timing, profile one comment: seconds per op on stderr.")
        var profile = false

        func run() throws {
            let config = try options.prepare()
            let model = CalmModel(config, seed: 1)
            model.eval()
            let tokenIds = TrainingWorkload.tokenIds(config)
            let s = config.vision.imageSize
            var rng = RandomGenerator(seed: 3)
            let image = Tensor.uniform([1, 3, s, s], low: -1, high: 1, using: &rng)
            let prompt = MultimodalSample(ids: [tokenIds.image] + (0..<16).map { _ in Int(rng.next() % 1000) })
            let levels = ScoreDecoder(levelIds: Array(10..<15))
            let batch = try MultimodalBatch(samples: [prompt], images: image, tokenIds: tokenIds, config: config)
            var score = 0.0
            func scoreImage() {
                noGrad {
                    // Only the last position goes through the output head.
                    let hidden = model.llm.hiddenStates(model.inputEmbeddings(batch), mask: batch.routingMask)
                    let last = model.llm.logits(hidden.slice(axis: 1, (batch.length - 1)..<batch.length))
                    score = levels.expectedLevel(last.value.to(.float32).toArray(Float.self))
                }
            }
            let generator = Generator(model: model, tokenIds: tokenIds, tokenizer: nil, stopIds: [])
            func comment() throws {
                let generated = try generator.generate(prompt, images: image, options: SamplingOptions(maxTokens: tokens))
                precondition(generated.ids.count == tokens, "generation stopped early")
            }
            scoreImage()
            try comment()
            let scoreTimes = (0..<options.steps).map { _ in seconds(scoreImage) }
            let commentTimes = try (0..<options.steps).map { _ in try seconds(comment) }
            if profile { Bench.printProfile { try? comment() } }
            try options.report([
                "config": options.config, "threads": BLAS.threads, "steps": options.steps,
                "score_s": median(scoreTimes), "score": score,
                "comment_s": median(commentTimes), "comment_tokens": tokens,
                "tokens_per_s": Double(tokens) / median(commentTimes),
                "peak_rss_mb": peakResidentMiB(),
            ])
        }
    }
}
