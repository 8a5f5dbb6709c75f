// A training run the page drives: src/train's trainer, the run's history (the loss of every batch, and at each
// checkpoint the validation loss, head scores, attention on a probe sentence and a sample), and a loop that does one
// optimizer step per macrotask, so the page stays responsive, stops between two steps when asked, and can resume.
import {decode, encode} from "../../tokenizers/llama2c.ts";
import {
  evaluate,
  generate,
  headScores,
  makeActivations,
  makeRng,
  makeTrainer,
  trainStep,
  forward,
  type Activations,
  type FakeQuantSpec,
  type Trainer,
  type TrainSettings
} from "../../train/index.ts";
import type {TrainingData} from "./data.ts";
import {nextTurn} from "./turn.ts";

/** The sentence whose attention patterns the run records: a name that comes back, so copying heads have a target. */
export const PROBE_TEXT = "Once upon a time, there lived a little girl named Lily. Every day, Lily went to the park.";
/** What the samples continue. */
export const SAMPLE_PROMPT = "Once upon a time";
const SAMPLE_TOKENS = 48;
const SAMPLE_TEMPERATURE = 0.8;
/** Repeated random sequences for the head scores: n random tokens twice after BOS (n fits in seqLen). */
const HEAD_SCORE_SEQUENCES = 4;
const HEAD_SCORE_LENGTH = 24;

export interface SessionSpec {
  /** seeds the initial weights and the batch order */
  seed?: number;
  /** model width; the MLP is 3·dim wide and the model has 4 query heads sharing 2 key/value heads */
  dim?: number;
  nLayers?: number;
  /** optimizer steps; the learning-rate schedule (warmup, cosine decay) spans them */
  steps?: number;
  peakLr?: number;
  batchSize?: number;
  /** checkpoints (validation loss, head scores, attention, sample) spread over the run, plus one before step 1 */
  checkpoints?: number;
  /** quantization-aware training: fake-quantized weights in the forward, straight-through gradients */
  fakeQuant?: FakeQuantSpec | null;
  /** head scores, attention and a sample at each checkpoint (false: the validation loss only) */
  details?: boolean;
}

export type SessionSettings = Required<SessionSpec>;

export const DIMS = [16, 32, 48, 64] as const;

export function toSessionSettings(spec: SessionSpec = {}): SessionSettings {
  const {seed = 1, dim = 32, nLayers = 2, steps = 300, peakLr = 1e-2, batchSize = 8, checkpoints = 12} = spec;
  const {fakeQuant = null, details = true} = spec;
  if (!(DIMS as readonly number[]).includes(dim)) throw new Error(`invalid dim: ${dim}`);
  const counts = {nLayers, steps, batchSize, checkpoints};
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`invalid ${name}: ${value}`);
  }
  if (!Number.isInteger(seed)) throw new Error(`invalid seed: ${seed}`);
  if (!(peakLr > 0 && peakLr < 1)) throw new Error(`invalid peakLr: ${peakLr}`);
  return {seed, dim, nLayers, steps, peakLr, batchSize, checkpoints, fakeQuant, details};
}

export type SessionState = "ready" | "running" | "paused" | "done" | "diverged";

export interface Checkpoint {
  step: number;
  /** mean cross-entropy on the validation windows (nats/token) */
  valLoss: number;
  /** the best head's previous-token and induction scores (chance is about 1/position); NaN without details */
  previousToken: number;
  induction: number;
  /** (n_layers) × (n_heads, P, P) attention on the probe's P tokens; empty without details */
  attention: Float32Array[];
  /** a continuation of SAMPLE_PROMPT at temperature 0.8, seeded by the step; "" without details */
  sample: string;
}

export interface Snapshot {
  state: SessionState;
  /** optimizer steps done */
  step: number;
  /** where this run stops */
  target: number;
  /** (step,) the loss of each step's batch, before its update */
  trainLoss: number[];
  checkpoints: Checkpoint[];
  /** mean time of one optimizer step so far (ms), NaN before the first */
  msPerStep: number;
  /** why the run ended early ("diverged"), else "" */
  message: string;
}

type Listener = (snapshot: Snapshot) => void;

export class TrainingSession {
  readonly settings: SessionSettings;
  readonly trainer: Trainer;
  /** the probe sentence's token ids (BOS first) */
  readonly probe: number[];
  /** where run() stops: settings.steps, or fewer */
  target: number;
  /** the session and step whose weights this one started from (startFrom), or null for random weights */
  from: {session: TrainingSession; step: number} | null = null;
  #state: SessionState = "ready";
  #message = "";
  #trainLoss: number[] = [];
  #checkpoints: Checkpoint[] = [];
  #stepMs = 0;
  #stop: AbortController | null = null;
  #listeners = new Set<Listener>();
  #evalActs: Activations;
  #probeActs: Activations;

  constructor(
    readonly data: TrainingData,
    spec: SessionSpec = {}
  ) {
    this.settings = toSessionSettings(spec);
    const {seed, dim, nLayers, steps, peakLr, batchSize, fakeQuant} = this.settings;
    const seqLen = data.settings.seqLen;
    const shape = {dim, hiddenDim: 3 * dim, nLayers, nHeads: 4, nKvHeads: 2, vocabSize: data.vocabSize, seqLen};
    const warmupSteps = Math.min(20, Math.ceil(steps / 10));
    const train = {seed, shape: {...shape, sharedClassifier: true}, batchSize, steps, peakLr, minLr: peakLr / 10};
    this.trainer = makeTrainer({...train, warmupSteps, fakeQuant}, data.train);
    this.target = steps;
    this.probe = encode(data.tokenizer, PROBE_TEXT).slice(0, seqLen);
    this.#evalActs = makeActivations(this.trainer.model, batchSize, seqLen);
    this.#probeActs = makeActivations(this.trainer.model, 1, this.probe.length);
  }

  get trainSettings(): TrainSettings {
    return this.trainer.settings;
  }

  get step(): number {
    return this.trainer.optimizer.step;
  }

  get state(): SessionState {
    return this.#state;
  }

  /** The run so far; arrays are copies, so a snapshot does not change as training goes on. */
  snapshot(): Snapshot {
    return {
      state: this.#state,
      step: this.step,
      target: this.target,
      trainLoss: [...this.#trainLoss],
      checkpoints: [...this.#checkpoints],
      msPerStep: this.step ? this.#stepMs / this.step : NaN,
      message: this.#message
    };
  }

  /** Calls `listener` with a snapshot after every step and change of state; returns the unsubscribe function. */
  onUpdate(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts from a copy of `source`'s current weights instead of random ones (fine-tuning); only before step 1. */
  startFrom(source: TrainingSession): void {
    if (this.step > 0) throw new Error(`cannot start from other weights after ${this.step} steps`);
    const [to, from] = [this.trainer.model.params, source.trainer.model.params];
    if (to.length !== from.length) throw new Error("startFrom needs a session of the same shape");
    to.set(from);
    this.from = {session: source, step: source.step};
  }

  /** Asks a running loop to stop after the step in progress. */
  stop(): void {
    this.#stop?.abort();
  }

  /**
   * Trains up to `target` steps, one step per macrotask, and records a checkpoint before step 1 and every
   * target/checkpoints steps. Returns when done, when stop() is called or when `signal` aborts (the state is then
   * "paused" and run() resumes from there), or when the loss stops being finite ("diverged").
   */
  async run(signal?: AbortSignal): Promise<Snapshot> {
    if (this.#state === "running") throw new Error("this run is already training; stop it first");
    if (this.#state === "done" || this.#state === "diverged") return this.snapshot();
    const stop = (this.#stop = new AbortController());
    const stopped = () => stop.signal.aborted || signal?.aborted === true;
    this.#setState("running");
    try {
      if (this.#checkpoints.length === 0) this.#checkpoint();
      this.#notify();
      while (this.step < this.target && !stopped()) {
        await nextTurn();
        if (stopped()) break;
        const started = performance.now();
        const {loss} = trainStep(this.trainer);
        this.#stepMs += performance.now() - started;
        this.#trainLoss.push(loss);
        if (!Number.isFinite(loss)) {
          this.#message = `the loss became ${loss} at step ${this.step}: the learning rate is too high for this model`;
          this.#setState("diverged");
          return this.snapshot();
        }
        const every = Math.ceil(this.target / this.settings.checkpoints);
        if (this.step % every === 0 || this.step === this.target) this.#checkpoint();
        this.#notify();
      }
      this.#setState(this.step >= this.target ? "done" : "paused");
    } catch (error) {
      this.#setState("paused");
      throw error;
    } finally {
      this.#stop = null;
    }
    return this.snapshot();
  }

  /** Mean validation cross-entropy on the data's validation windows. */
  validationLoss(): number {
    return evaluate(this.trainer.model, this.#evalActs, this.data.val, this.data.settings.valWindows);
  }

  #checkpoint(): void {
    const valLoss = this.validationLoss();
    if (!this.settings.details) {
      this.#checkpoints.push({step: this.step, valLoss, previousToken: NaN, induction: NaN, attention: [], sample: ""});
      return;
    }
    const {model} = this.trainer;
    const c = model.config;
    const length = Math.min(HEAD_SCORE_LENGTH, Math.floor((c.seqLen - 1) / 2));
    const scores = headScores(model, {pool: this.data.pool, sequences: HEAD_SCORE_SEQUENCES, length, seed: 7});
    const P = this.probe.length;
    this.#probeActs.tokens.set(this.probe);
    forward(model, this.#probeActs, 1, P, false);
    const attention = this.#probeActs.layers.map((l) => Float32Array.from(l.att.subarray(0, c.nHeads * P * P)));
    const prompt = encode(this.data.tokenizer, SAMPLE_PROMPT);
    const ids = generate(model, prompt, SAMPLE_TOKENS, SAMPLE_TEMPERATURE, makeRng(this.step + 1));
    this.#checkpoints.push({
      step: this.step,
      valLoss,
      previousToken: Math.max(...scores.previousToken.flat()),
      induction: Math.max(...scores.induction.flat()),
      attention,
      sample: decode(this.data.tokenizer, ids)
    });
  }

  #setState(state: SessionState): void {
    this.#state = state;
    this.#notify();
  }

  #notify(): void {
    const snapshot = this.snapshot();
    for (const listener of this.#listeners) listener(snapshot);
  }
}
