import {describe, expect, it} from "vitest";
import {readCheckpoint, writeCheckpoint} from "../../src/engine/checkpoint.ts";
import {toConfig, type ConfigSpec} from "../../src/engine/config.ts";
import {forward as engineForward} from "../../src/engine/forward.ts";
import {weightsFromBuffer} from "../../src/engine/model.ts";
import {createTransformer} from "../../src/engine/transformer.ts";
import {
  backward,
  fakeQuantize,
  forward,
  initParams,
  makeActivations,
  makeModel,
  makeRng,
  paramLayout
} from "../../src/train/index.ts";
import {expectClose} from "../helpers/expect-close.ts";
import {checkGradient} from "./gradcheck.ts";

/** float32 training forward against the engine's float32 decode loop: the same math, sums in another order. */
const LOGITS_ATOL = 1e-4;

const tiny = (sharedClassifier: boolean): ConfigSpec => ({
  dim: 8,
  hiddenDim: 12,
  nLayers: 2,
  nHeads: 4,
  nKvHeads: 2,
  vocabSize: 11,
  seqLen: 6,
  sharedClassifier
});

function batch(rng: ReturnType<typeof makeRng>, acts: ReturnType<typeof makeActivations>, V: number): void {
  for (let i = 0; i < acts.tokens.length; i++) [acts.tokens[i], acts.targets[i]] = [rng.int(V), rng.int(V)];
}

describe("training forward and backward of the whole model", () => {
  for (const shared of [true, false]) {
    it(`backward(model, acts, B, T) matches finite differences for every parameter (${shared ? "shared" : "unshared"} classifier, GQA)`, () => {
      const c = toConfig(tiny(shared));
      const rng = makeRng(3);
      const params = initParams(c, Float64Array, rng) as Float64Array;
      for (let i = 0; i < params.length; i++) params[i] += 0.3 * rng.normal(); // weights large enough to matter
      const model = makeModel(c, params);
      const acts = makeActivations(model, 2, c.seqLen);
      batch(rng, acts, c.vocabSize);
      const loss = () => forward(model, acts, 2, c.seqLen, true);
      loss();
      backward(model, acts, 2, c.seqLen);
      checkGradient("∂loss/∂params", params, Float64Array.from(model.grads), loss);
    });
  }

  it("backward(…) under fake quantization gives the gradient at the quantized weights, applied to the float ones", () => {
    const c = toConfig(tiny(true));
    const rng = makeRng(5);
    const params = initParams(c, Float64Array, rng);
    const qat = makeModel(c, Float64Array.from(params), {bits: 4});
    const quantized = Float64Array.from(params);
    for (const t of paramLayout(c).filter((t) => t.matrix)) {
      const end = t.offset + t.layers * t.rows * t.cols;
      fakeQuantize(quantized.subarray(t.offset, end), params.subarray(t.offset, end), t.layers * t.rows, t.cols, {
        bits: 4,
        groupSize: 0
      });
    }
    const plain = makeModel(c, quantized);
    const [actsA, actsB] = [makeActivations(qat, 2, c.seqLen), makeActivations(plain, 2, c.seqLen)];
    batch(rng, actsA, c.vocabSize);
    actsB.tokens.set(actsA.tokens);
    actsB.targets.set(actsA.targets);
    const lossA = forward(qat, actsA, 2, c.seqLen, true);
    const lossB = forward(plain, actsB, 2, c.seqLen, true);
    backward(qat, actsA, 2, c.seqLen);
    backward(plain, actsB, 2, c.seqLen);
    expect(lossA).toBe(lossB);
    expectClose(qat.grads, plain.grads, {atol: 1e-15}, "straight-through gradients");
    expect(qat.params).toEqual(params);
  });

  for (const shared of [true, false]) {
    it(`forward(model, acts, 1, T, false) logits equal the engine's forward on the saved checkpoint within LOGITS_ATOL (${shared ? "shared" : "unshared"})`, () => {
      const shape = {...tiny(shared), dim: 64, hiddenDim: 128, nHeads: 4, nKvHeads: 2, vocabSize: 40, seqLen: 12};
      const c = toConfig(shape);
      const params = initParams(c, Float32Array, makeRng(9)) as Float32Array;
      for (let i = 0; i < params.length; i++) params[i] *= 4; // std 0.08: attention and SwiGLU far from linear
      const loaded = readCheckpoint(writeCheckpoint(c, weightsFromBuffer(c, params)));
      const transformer = createTransformer(loaded.config, loaded.weights);
      const model = makeModel(c, params);
      const acts = makeActivations(model, 1, c.seqLen);
      const rng = makeRng(10);
      for (let t = 0; t < c.seqLen; t++) acts.tokens[t] = rng.int(c.vocabSize);
      forward(model, acts, 1, c.seqLen, false);
      for (let pos = 0; pos < c.seqLen; pos++) {
        const expected = engineForward(transformer, acts.tokens[pos]!, pos);
        const actual = acts.logits.subarray(pos * c.vocabSize, (pos + 1) * c.vocabSize);
        expectClose(actual, expected, {atol: LOGITS_ATOL}, `logits at position ${pos}`);
      }
    });
  }
});
