import CalmAutograd
import CalmDistributed
import CalmHDF5
import CalmModels
import CalmTensor
import Foundation

/// The training runtime shared by every stage: freezing, AdamW with the recipe's schedule,
/// gradient accumulation and clipping, non-finite step skipping, metrics, checkpoints,
/// exact resume and a clean stop on request.
///
/// Within a process, a `ShardedStage`'s micro-batch is cut into `train.shards_per_step` shards
/// whose forward and backward run concurrently, one core each (`ShardedBackward`).
///
/// Under `mpirun` every rank runs its own trainer over `communicator`: each reads its share of
/// every global batch (`train.batch_size` per rank), gradients are summed over the ranks before
/// clipping, and the identical update keeps the replicas identical. Rank 0 alone writes the run
/// folder (recipe, metrics, checkpoints), evaluates and reports progress; every rank restores from it.
///
/// Run folder layout: `recipe.yaml` (resolved), `metrics.jsonl`, `checkpoints/step-N.h5` (+ `.sha256`),
/// `checkpoints/latest.h5`.
public final class Trainer {
    public let recipe: Recipe
    public let stage: TrainingStage
    public let runDirectory: String
    public let checkpoints: CheckpointDirectory
    /// Polled at every step boundary; a non-nil answer saves a checkpoint and stops the run.
    public var stopRequested: () -> Int32? = { StopSignal.requested }
    public var progress: ProgressReporter
    /// The ranks training together (`SingleProcess` outside `mpirun`).
    public let communicator: any Communicator

    private let trainable: [(name: String, variable: Variable)]
    private let optimizer: AdamW
    private let parallel: DataParallel
    private let schedule: LearningRateSchedule
    private var random: RandomGenerator

    /// How a call to `run` ended.
    public enum Outcome: Equatable {
        /// Every step of `train.max_steps` is done.
        case finished(checkpoint: String)
        /// Stopped on request at a step boundary; the checkpoint holds everything to resume.
        case stopped(atStep: Int, checkpoint: String)
    }

    /// Prepares a run of `stage` under `recipe`: parameters outside `train.trainable` (or inside
    /// `train.frozen`) stop requiring gradients and get no optimizer state.
    public init(recipe: Recipe, stage: TrainingStage, communicator: any Communicator = SingleProcess()) {
        self.recipe = recipe
        self.stage = stage
        self.communicator = communicator
        runDirectory = recipe.runDirectory
        checkpoints = CheckpointDirectory(folder: (recipe.runDirectory as NSString).appendingPathComponent("checkpoints"))
        progress = communicator.isRoot ? ProgressReporter(totalSteps: recipe.train.maxSteps, every: recipe.train.logEvery)
            : ProgressReporter(totalSteps: recipe.train.maxSteps, every: recipe.train.logEvery, isTerminal: false) { _ in }
        for (name, variable) in stage.parameters { variable.requiresGrad = recipe.trains(parameter: name) }
        trainable = stage.parameters.filter { $0.variable.requiresGrad }
        let betas = recipe.optimizer.betas
        optimizer = AdamW(trainable.map { ($0.name, $0.variable, recipe.decays(parameter: $0.name)) },
                          hyper: .init(beta1: betas[0], beta2: betas[1], eps: recipe.optimizer.eps,
                                       weightDecay: recipe.optimizer.weightDecay))
        // Gradient buckets are summed during backward where that pays: ranks on several machines.
        parallel = DataParallel(parameters: trainable.map(\.variable), communicator: communicator,
                                overlapBackward: CommunicatorEnvironment.overlapsBackward())
        schedule = LearningRateSchedule(recipe: recipe)
        random = RandomGenerator(seed: UInt64(bitPattern: Int64(recipe.train.seed)))
    }

    /// Trains to `train.max_steps`. With `resume`, continues from the newest complete checkpoint
    /// of the run folder (newer incomplete or corrupt ones are reported and skipped); without it,
    /// the run folder must hold no checkpoint, and `model.init_from` (if any) seeds the weights.
    public func run(resume: Bool) throws -> Outcome {
        if communicator.size > 1 {
            guard let stage = stage as? DataParallelStage else {
                throw TrainingError("\(recipe.file): model.config '\(recipe.model.config)' cannot train on \(communicator.size) ranks "
                                    + "(its stage does not read a rank's share of the data); run it without mpirun")
            }
            try stage.readShare(rank: communicator.rank, of: communicator.size)
            progress.note(parallel.overlapsBackward ? "gradient allreduce overlapped with backward"
                          : "gradient allreduce after backward (all ranks on one machine or CALM_OVERLAP=0, or MPI allows no calls from another thread)")
        }
        if let shards = recipe.train.shardsPerStep, shards > 1, !(stage is ShardedStage) {
            throw TrainingError("\(recipe.file): train.shards_per_step is \(shards), but the stage of model.config '\(recipe.model.config)' "
                                + "cannot cut its micro-batches into shards; set it to 1 or auto")
        }
        if stage is ShardedStage && shardsPerMicroBatch > 1 {
            progress.note("each micro-batch in \(shardsPerMicroBatch) shards trained concurrently (train.shards_per_step)")
        }
        stage.notes.forEach(progress.note)
        if communicator.isRoot {
            try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
            try AtomicFile.write(Data(recipe.resolvedYAML.utf8), to: (runDirectory as NSString).appendingPathComponent("recipe.yaml"))
            checkpoints.removeInterruptedWrites()
        }
        try communicator.barrier()
        var (step, nonFiniteStreak, lastSaved) = try start(resume: resume)
        try alignRanks(atStep: step)
        let metrics = communicator.isRoot ? try MetricsLog(path: (runDirectory as NSString).appendingPathComponent("metrics.jsonl"),
                                                           resumeStep: resume ? step : nil) : nil
        let runStart = Date()

        while step < recipe.train.maxSteps {
            if let signal = try agreedStop() {
                let path = lastSaved?.step == step ? lastSaved!.path : try saveCheckpoint(step: step, nonFiniteStreak: nonFiniteStreak)
                progress.note("stopped by signal \(signal) at step \(step); checkpoint \(path); continue with --resume")
                return .stopped(atStep: step, checkpoint: path)
            }
            let started = Date()
            let lr = schedule.rate(atStep: step)
            let result = try trainStep(lr: lr)
            step += 1
            let seconds = Date().timeIntervalSince(started)
            var record: [(String, MetricValue)] = [
                ("step", .int(step)), ("loss", .double(result.loss)), ("lr", .double(lr)), ("grad_norm", .double(result.gradNorm)),
                ("tokens_per_s", .double(Double(result.tokens) / seconds)), ("images_per_s", .double(Double(result.images) / seconds)),
                ("rss_mb", .double(Self.residentMegabytes())), ("time", .double(Date().timeIntervalSince(runStart))),
            ]
            if result.applied {
                nonFiniteStreak = 0
                progress.show(step: step, loss: result.loss, lr: lr, tokensPerSecond: Double(result.tokens) / seconds,
                              imagesPerSecond: Double(result.images) / seconds, secondsPerStep: seconds)
            } else {
                nonFiniteStreak += 1
                record.append(("skipped", .string("non-finite loss or gradient")))
                progress.note("step \(step): non-finite loss \(result.loss) or gradient norm \(result.gradNorm); update skipped "
                              + "(\(nonFiniteStreak) in a row, limit \(recipe.train.maxNonFiniteSteps))")
            }
            metrics?.append(record)
            if nonFiniteStreak >= recipe.train.maxNonFiniteSteps {
                throw TrainingError("stopping at step \(step): \(nonFiniteStreak) non-finite steps in a row "
                                    + "(train.max_nonfinite_steps = \(recipe.train.maxNonFiniteSteps)); lower optimizer.lr or check the data")
            }
            if let metrics { try evaluateIfDue(afterStep: step, metrics: metrics) }
            if step % recipe.checkpoint.every == 0 || step == recipe.train.maxSteps {
                lastSaved = (step, try saveCheckpoint(step: step, nonFiniteStreak: nonFiniteStreak))
            }
        }
        return .finished(checkpoint: lastSaved?.path ?? checkpoints.path(forStep: step))
    }

    /// Restores the newest complete checkpoint (with `resume`) or starts fresh from `model.init_from`;
    /// returns the step to run next, the non-finite streak and the checkpoint already on disk.
    private func start(resume: Bool) throws -> (step: Int, nonFiniteStreak: Int, lastSaved: (step: Int, path: String)?) {
        if resume, let (path, checkpoint) = checkpoints.newestComplete(skipped: { self.progress.note("skipping \($0)") }) {
            try restore(checkpoint, from: path)
            progress.note("resumed from \(path) at step \(checkpoint.step)")
            return (checkpoint.step, checkpoint.nonFiniteStreak, (checkpoint.step, path))
        }
        if !resume && !checkpoints.steps().isEmpty {
            throw TrainingError("\(checkpoints.folder) already holds checkpoints: pass --resume, or choose another run.dir")
        }
        if let initFrom = recipe.model.initFrom {
            progress.note("init from \(initFrom): " + (try loadWeights(from: initFrom, into: stage.parameters)).summary)
            if let config = try? CalmConfig.load(recipe.model.config), let (source, fields) = configDifferences(checkpoint: initFrom, from: config),
               !fields.isEmpty {
                progress.note("init from \(initFrom): it was trained under model config \(source), which differs from \(recipe.model.config): "
                              + fields.joined(separator: ", "))
            }
        }
        return (0, 0, nil)
    }

    /// Every rank must start at rank 0's step (the run folder is shared) from rank 0's weights.
    private func alignRanks(atStep step: Int) throws {
        var rootStep = [step]
        try rootStep.withUnsafeMutableBytes { try communicator.broadcast($0, root: 0) }
        guard rootStep[0] == step else {
            throw TrainingError("rank \(communicator.rank) starts at step \(step), rank 0 at step \(rootStep[0]): "
                                + "\(checkpoints.folder) must be on a file system every rank sees")
        }
        try parallel.broadcastParameters()
    }

    /// Runs the stage's evaluation every `eval.every` steps (or after the last step when 0) and logs it.
    private func evaluateIfDue(afterStep step: Int, metrics: MetricsLog) throws {
        guard let evaluating = stage as? EvaluatingStage else { return }
        let every = recipe.evaluation.every
        guard every > 0 ? step % every == 0 : step == recipe.train.maxSteps else { return }
        let results = try noGrad { try evaluating.evaluate() }.sorted { $0.key < $1.key }
        guard !results.isEmpty else { return }  // nothing to evaluate (e.g. no held-out source)
        metrics.append([("step", .int(step)), ("eval", .record(results.map { ($0.key, .double($0.value)) }))])
        progress.note("eval at step \(step): " + results.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }

    private struct StepResult {
        var loss: Double, gradNorm: Double, tokens: Int, images: Int, applied: Bool
    }

    /// One optimizer step: the mean loss of `gradient_accumulation` micro-batches, then clip and update,
    /// unless the loss or a gradient is non-finite (then nothing changes but the data and random streams).
    private func trainStep(lr: Double) throws -> StepResult {
        for (_, variable) in trainable { variable.zeroGrad() }
        let microBatches = recipe.train.gradientAccumulation
        var result = StepResult(loss: 0, gradNorm: 0, tokens: 0, images: 0, applied: false)
        for micro in 0..<microBatches {
            let shards = try nextShards()
            // This rank's part of the global micro-batch's mean loss (1 in a single process).
            let share = try parallel.share(of: Double(shards.reduce(0) { $0 + $1.averagedOver }))
            let scale = share / Double(microBatches)
            let isLast = micro == microBatches - 1
            if shards.count == 1 {
                let loss = shards[0].forward()
                // The last backward also sums the gradients over the ranks (overlapped when enabled).
                if isLast { try parallel.backwardSummingGradients(loss * scale) } else { (loss * scale).backward() }
                result.loss += loss.value.item * scale
            } else {
                result.loss += ShardedBackward.run(shards, scale: scale) * scale
                if isLast { try parallel.sumGradients() }
            }
            result.tokens += shards.reduce(0) { $0 + $1.tokens }
            result.images += shards.reduce(0) { $0 + $1.images }
        }
        let totals = try communicator.allreduceSum([result.loss, Double(result.tokens), Double(result.images)])
        (result.loss, result.tokens, result.images) = (totals[0], Int(totals[1]), Int(totals[2]))
        let parameters = trainable.map(\.variable)
        result.gradNorm = GradientClipping.globalNorm(parameters)
        guard result.loss.isFinite, result.gradNorm.isFinite else { return result }
        GradientClipping.clip(parameters, norm: result.gradNorm, maxNorm: recipe.train.gradientClip)
        optimizer.step(lr: lr)
        result.applied = true
        return result
    }

    /// The next micro-batch as shards: `shardsPerMicroBatch` of them from a `ShardedStage`, else one.
    private func nextShards() throws -> [MicroBatchShard] {
        if let sharded = stage as? ShardedStage { return try sharded.nextMicroBatch(shards: shardsPerMicroBatch, random: &random) }
        let batch = try stage.nextMicroBatch(random: &random)
        return [MicroBatchShard(tokens: batch.tokens, images: batch.images, averagedOver: batch.averagedOver, forward: { batch.loss })]
    }

    /// `train.shards_per_step`, or (auto) one shard per core this process may use.
    private var shardsPerMicroBatch: Int {
        recipe.train.shardsPerStep ?? ShardedBackward.automaticCount(samples: recipe.train.batchSize)
    }

    /// The stop request of any rank stops every rank at the same step boundary.
    private func agreedStop() throws -> Int32? {
        let local = stopRequested()
        let requests = try communicator.allreduceSum([local == nil ? 0 : 1])[0]
        return requests > 0 ? local ?? SIGTERM : nil
    }

    /// Rank 0 writes the checkpoint; every rank returns its path.
    @discardableResult
    private func saveCheckpoint(step: Int, nonFiniteStreak: Int) throws -> String {
        guard communicator.isRoot else { return checkpoints.path(forStep: step) }
        let tokenizer = try recipe.model.tokenizer.map { path -> String in
            guard let data = FileManager.default.contents(atPath: path) else { throw TrainingError("\(path): cannot read the tokenizer") }
            return String(decoding: data, as: UTF8.self)
        }
        let checkpoint = TrainingCheckpoint(
            step: step, scheduleStep: step, parameters: stage.parameters.map { ($0.name, $0.variable.value) },
            moments: Dictionary(uniqueKeysWithValues: optimizer.slots.map { ($0.name, ($0.m, $0.v)) }),
            optimizerUpdates: optimizer.updateCount, nonFiniteStreak: nonFiniteStreak, randomState: random.state,
            generators: stage.generators.mapValues(\.state),
            dataPosition: stage.dataPosition, recipe: recipe.resolvedYAML, tokenizer: tokenizer)
        let path = try checkpoints.save(checkpoint)
        checkpoints.prune(keepLast: recipe.checkpoint.keepLast, keepEvery: recipe.checkpoint.keepEvery)
        return path
    }

    /// Puts parameters, moments, the random stream and the data position back as they were saved.
    private func restore(_ checkpoint: TrainingCheckpoint, from path: String) throws {
        let stored = Dictionary(checkpoint.parameters.map { ($0.name, $0.value) }) { first, _ in first }
        for (name, variable) in stage.parameters {
            guard let tensor = stored[name] else { throw TrainingError("\(path): checkpoint has no tensor \(name)") }
            guard tensor.shape == variable.shape else {
                throw TrainingError("\(path): tensor \(name) has shape \(tensor.shape), the model's parameter is \(variable.shape)")
            }
            variable.value = tensor.to(variable.dtype).contiguous()
        }
        try optimizer.restore(moments: checkpoint.moments, updateCount: checkpoint.optimizerUpdates)
        random = RandomGenerator(state: checkpoint.randomState)
        try stage.restore(generators: checkpoint.generators.mapValues { RandomGenerator(state: $0) })
        try stage.restore(dataPosition: checkpoint.dataPosition)
    }

    /// Resident memory from /proc/self/statm (0 where unavailable).
    static func residentMegabytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }
}
