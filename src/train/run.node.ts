// The whole `npm run train` / `glassbox train`: prepare the corpus and tokenizer from the recipe, train with a progress
// line, validation loss and samples along the way, then write models/<name>.bin (llama2.c checkpoint),
// <name>.tokenizer.bin and <name>.card.json. Deterministic at one thread: the same bytes on every run on Node 20.
import {createHash} from "node:crypto";
import {mkdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {format, resolveConfig} from "prettier";
import {writeCheckpoint} from "../engine/checkpoint.ts";
import {weightsFromBuffer} from "../engine/model.ts";
import {decode, encode} from "../tokenizers/llama2c.ts";
import {
  DEFAULT_RECIPE,
  INT8_FORMATS,
  bigramBaseline,
  evaluate,
  generate,
  headScores,
  int8Sqnr,
  makeActivations,
  makeRng,
  makeTrainer,
  tokenizerBin,
  prepareData,
  tokenPool,
  trainStep,
  type HeadScores
} from "./index.ts";

/** A head "has" the property when its score reaches this; chance on these sequences is about 1/t ≤ 0.05. */
export const PREV_TOKEN_THRESHOLD = 0.4;
export const INDUCTION_THRESHOLD = 0.3;
const CURVE_EVERY = 10;
const PROMPTS = ["Once upon a time", "One day, Lily found", "Tom was sad. Then"];

export interface TrainLog {
  /** a line of the report (corpus, evals, samples, results) */
  line(text: string): void;
  /** the progress line after every step; `milestone` every CURVE_EVERY steps (for logs that cannot redraw) */
  progress(text: string, milestone: boolean): void;
}

export interface TrainRun {
  /** optimizer steps (default: the recipe's); fewer for a quick try, whose files are not the committed model */
  steps?: number;
  /** output folder (default "models") */
  out?: string;
}

export async function runTraining(
  {steps = DEFAULT_RECIPE.train.steps, out: outDir = "models"}: TrainRun,
  log: TrainLog
) {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`invalid steps: ${steps}`);
  const recipe = {...DEFAULT_RECIPE, train: {...DEFAULT_RECIPE.train, steps}};
  let started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;

  const data = prepareData(recipe);
  log.line(
    `corpus: ${data.corpus.train.length} train / ${data.corpus.val.length} val stories, ` +
      `${data.train.length} / ${data.val.length} tokens (vocab ${data.tokenizer.pieces.length}), ${elapsed().toFixed(1)} s`
  );
  const tokenizerBytes = tokenizerBin(data.tokenizer);
  const trainer = makeTrainer(recipe.train, data.train);
  const {model, settings} = trainer;
  const c = model.config;
  const evalActs = makeActivations(model, settings.batchSize, c.seqLen);
  const sampleRng = makeRng(42);
  const sample = (prompt: string, temperature: number) =>
    decode(data.engine, generate(model, encode(data.engine, prompt, true, false), 120, temperature, sampleRng));
  log.line(`model: ${model.params.length} parameters, ${JSON.stringify(settings.shape)}`);

  const prepSeconds = elapsed();
  started = performance.now();
  const curve: {step: number; loss: number}[] = [];
  const valCurve: {step: number; loss: number}[] = [];
  let window: number[] = [];
  for (let s = 0; s < steps; s++) {
    const r = trainStep(trainer);
    window.push(r.loss);
    if (r.step % CURVE_EVERY === 0 || r.step === steps) {
      curve.push({step: r.step, loss: window.reduce((a, b) => a + b, 0) / window.length});
      window = [];
    }
    const done = r.step / steps;
    const bar = "█".repeat(Math.round(done * 30)).padEnd(30, "·");
    const eta = (elapsed() / r.step) * (steps - r.step);
    const line = `${bar} ${r.step}/${steps} loss ${r.loss.toFixed(3)} |g| ${r.gradNorm.toFixed(2)} lr ${r.lr.toExponential(2)} ${elapsed().toFixed(0)}s eta ${eta.toFixed(0)}s`;
    log.progress(line, r.step % CURVE_EVERY === 0);
    if (r.step % recipe.evalEvery === 0 && r.step < steps) {
      const val = evaluate(model, evalActs, data.val, 16);
      valCurve.push({step: r.step, loss: val});
      log.line(
        `step ${r.step}: val loss ${val.toFixed(4)} (16 windows)\n  sample: ${JSON.stringify(sample(PROMPTS[0]!, 0.8))}`
      );
    }
  }
  const trainSeconds = elapsed(); // the training loop alone; data preparation took prepSeconds
  const valLoss = evaluate(model, evalActs, data.val, recipe.valWindows);
  valCurve.push({step: steps, loss: valLoss});
  log.line(`trained in ${trainSeconds.toFixed(0)} s; val loss ${valLoss.toFixed(4)} (${recipe.valWindows} windows)`);

  const checkpoint = writeCheckpoint(c, weightsFromBuffer(c, model.params as Float32Array));
  mkdirSync(outDir, {recursive: true});
  const files = {checkpoint: `${recipe.name}.bin`, tokenizer: `${recipe.name}.tokenizer.bin`};
  writeFileSync(join(outDir, files.checkpoint), checkpoint);
  writeFileSync(join(outDir, files.tokenizer), tokenizerBytes);
  const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

  const bigram = bigramBaseline(data.train, data.val, c.vocabSize, c.seqLen, recipe.valWindows);
  const scores = headScores(model, {pool: tokenPool(data.train)});
  const best = (grid: number[][]) => {
    let top = {layer: 0, head: 0, score: -1};
    grid.forEach((row, layer) => row.forEach((score, head) => (score > top.score ? (top = {layer, head, score}) : 0)));
    return top;
  };
  const headReport = (grid: number[][], threshold: number) => ({
    ...best(grid),
    threshold,
    emerged: best(grid).score >= threshold
  });
  const sqnr = int8Sqnr(c, model.params as Float32Array);
  const all = sqnr.find((r) => r.name === "all")!;
  const samples = PROMPTS.flatMap((p) => [
    {prompt: p, temperature: 0, text: sample(p, 0)},
    {prompt: p, temperature: 0.8, text: sample(p, 0.8)}
  ]);
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  const roundGrid = (g: HeadScores["induction"]) => g.map((row) => row.map(round));
  const card = {
    name: recipe.name,
    description:
      "A small Llama-style model trained by Glassbox on its own generated children's stories (npm run train). " +
      "Structure comes from training alone; nothing is injected by hand.",
    files: {...files, checkpointSha256: sha256(checkpoint), tokenizerSha256: sha256(tokenizerBytes)},
    reproduce: "npm run train (one thread, Node 20; same bytes on every run)",
    seed: settings.seed,
    config: {...settings.shape, headSize: c.headSize, kvDim: c.kvDim, parameters: model.params.length},
    corpus: {
      ...recipe.corpus,
      trainTokens: data.train.length,
      valTokens: data.val.length,
      generator: "src/train/corpus.ts"
    },
    tokenizer: {
      kind: "byte-level BPE, llama2.c tokenizer.bin (merge k has score −k)",
      vocabSize: data.tokenizer.pieces.length,
      trainedOnStories: recipe.bpeStories
    },
    training: {
      ...settings,
      tokensSeen: steps * settings.batchSize * c.seqLen,
      seconds: Math.round(trainSeconds),
      dataSeconds: Math.round(prepSeconds),
      node: process.version,
      lossCurve: curve.map(({step, loss}) => ({step, loss: round(loss)})),
      valCurve: valCurve.map(({step, loss}) => ({step, loss: round(loss)}))
    },
    validation: {
      loss: valLoss,
      windows: recipe.valWindows,
      tokens: recipe.valWindows * c.seqLen,
      bigramBaselineLoss: bigram.loss,
      bigramAlpha: bigram.alpha,
      belowBigram: valLoss < bigram.loss
    },
    heads: {
      method:
        "repeated random token sequences: BOS, n random corpus tokens, the same n again (n = 40, 16 sequences, seed 7)",
      previousToken: headReport(scores.previousToken, PREV_TOKEN_THRESHOLD),
      induction: headReport(scores.induction, INDUCTION_THRESHOLD),
      previousTokenScores: roundGrid(scores.previousToken),
      inductionScores: roundGrid(scores.induction)
    },
    int8: {
      method: `src/quant reference codecs ${INT8_FORMATS.perTensor} vs ${INT8_FORMATS.perRow}; SQNR = 10·log10(Σw²/Σ(w−ŵ)²) over all matrices`,
      threshold: "per-row at least 3 dB better than per-tensor",
      perRowAtLeast3DbBetter: all.perRowDb - all.perTensorDb >= 3,
      perTensorDb: round(all.perTensorDb),
      perRowDb: round(all.perRowDb),
      perRowGainDb: round(all.perRowDb - all.perTensorDb),
      tensors: sqnr.map((r) => ({name: r.name, perTensorDb: round(r.perTensorDb), perRowDb: round(r.perRowDb)}))
    },
    samples
  };
  // formatted as the repo's prettier check wants it (arrays of numbers on one line)
  const cardPath = join(outDir, `${recipe.name}.card.json`);
  const prettier = {...(await resolveConfig(cardPath)), filepath: cardPath};
  writeFileSync(cardPath, await format(JSON.stringify(card, null, 2), prettier));
  log.line(
    JSON.stringify(
      {
        validation: card.validation,
        heads: {p: card.heads.previousToken, i: card.heads.induction},
        int8: {t: all.perTensorDb, r: all.perRowDb}
      },
      null,
      1
    )
  );
  for (const s of samples) log.line(`[${s.prompt} @ T=${s.temperature}] ${JSON.stringify(s.text)}`);
  log.line(
    `wrote ${outDir}/${files.checkpoint} ${files.tokenizer} ${recipe.name}.card.json in ${elapsed().toFixed(0)} s`
  );
  return card;
}
