// How far a quantized model is from the float model it stands in for, on the validation windows: its own loss, the
// mean KL divergence KL(p_ref ‖ p_q) of the next-token distributions and how often both pick the same top-1 token.
// "Quantized after training" is the float weights put through the same fake quantizer QAT trains with, so the two
// quantized models differ only in how they were trained.
import {
  evalOffsets,
  fillWindows,
  forward,
  makeActivations,
  makeModel,
  type FakeQuantSpec,
  type TrainModel
} from "../../train/index.ts";

export interface Comparison {
  /** mean cross-entropy on the validation windows (nats/token) */
  loss: number;
  /** mean KL(reference ‖ model) per position (nats) */
  kld: number;
  /** share of positions where both models' most likely token is the same */
  sameTop1: number;
}

/** A copy of `model`'s float weights whose forward reads them fake-quantized: post-training quantization. */
export function quantizedAfterTraining(model: TrainModel, fakeQuant: FakeQuantSpec): TrainModel {
  return makeModel(model.config, model.params.slice(), fakeQuant);
}

/** Compares each candidate with `reference` on the first `windows` windows of seqLen tokens of `stream`. */
export function compareModels(
  reference: TrainModel,
  candidates: readonly TrainModel[],
  stream: Int32Array,
  windows: number
): Comparison[] {
  const {seqLen: T, vocabSize: V} = reference.config;
  for (const m of candidates) {
    if (m.config.vocabSize !== V || m.config.seqLen !== T) throw new Error("compareModels needs models of one shape");
  }
  const offsets = evalOffsets(stream, T, windows);
  if (offsets.length === 0) throw new Error(`invalid stream: ${stream.length} tokens, need more than ${T}`);
  const refActs = makeActivations(reference, 1, T);
  const acts = makeActivations(reference, 1, T);
  const totals = candidates.map(() => ({loss: 0, kld: 0, same: 0}));
  for (const offset of offsets) {
    fillWindows(refActs.tokens, refActs.targets, stream, [offset], T);
    forward(reference, refActs, 1, T, true); // leaves probabilities in refActs.logits
    candidates.forEach((model, i) => {
      acts.tokens.set(refActs.tokens);
      acts.targets.set(refActs.targets);
      totals[i]!.loss += forward(model, acts, 1, T, true);
      for (let t = 0; t < T; t++) {
        const [p, q] = [refActs.logits.subarray(t * V, (t + 1) * V), acts.logits.subarray(t * V, (t + 1) * V)];
        let [kl, topP, topQ] = [0, 0, 0];
        for (let j = 0; j < V; j++) {
          if (p[j]! > 0) kl += p[j]! * Math.log(p[j]! / Math.max(q[j]!, Number.MIN_VALUE));
          if (p[j]! > p[topP]!) topP = j;
          if (q[j]! > q[topQ]!) topQ = j;
        }
        totals[i]!.kld += kl;
        if (topP === topQ) totals[i]!.same++;
      }
    });
  }
  const positions = offsets.length * T;
  return totals.map((t) => ({loss: t.loss / offsets.length, kld: t.kld / positions, sameTop1: t.same / positions}));
}
