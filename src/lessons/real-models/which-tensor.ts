// Which tensor hurts: each matrix quantized alone (everything else fp32), ranked by the KLD it costs, beside the type
// llama-quantize's preset gives that matrix, so a learner can see whether the preset protects the matrices that hurt.
import type {Transformer} from "../../engine/index.ts";
import {sensitivity} from "../../quant/evaluate.ts";
import "./real-models.css";
import type {SpecTensor} from "../../quant/presets/index.ts";

export interface TensorHurt {
  /** "blk.2.ffn_down", "token_embd", "output" */
  target: string;
  /** 1 = the largest KLD */
  rank: number;
  kld: number;
  sameTopPct: number;
  /** the type the preset gives this matrix, its bits per weight and why; null when the plan has no such tensor */
  preset: {type: string; bpw: number; rule: string} | null;
}

export interface TensorHurtOptions {
  ctx: number;
  signal?: AbortSignal;
}

/** One run per matrix with `format`; `plan` is the preset resolved on the same model (tensorPlan). */
export async function whichTensorHurts(
  model: Transformer,
  tokens: ArrayLike<number>,
  format: string,
  plan: readonly SpecTensor[],
  {ctx, signal}: TensorHurtOptions
): Promise<TensorHurt[]> {
  const ranked = await sensitivity(model, tokens, format, "matrix", {ctx, weights: "cached", signal});
  const byName = new Map(plan.map((t) => [t.name, t]));
  return ranked.map((r, i) => {
    // a tied classifier has no output.weight: llama-quantize gives token_embd the output rule
    const t = byName.get(`${r.target}.weight`) ?? (r.target === "output" ? byName.get("token_embd.weight") : undefined);
    return {
      target: r.target,
      rank: i + 1,
      kld: r.metrics.kld.mean,
      sameTopPct: r.metrics.sameTopPct,
      preset: t ? {type: t.type ?? `${t.format} (simulated)`, bpw: t.bpw, rule: t.fallback ?? t.rule} : null
    };
  });
}

/** Spearman's rank correlation between KLD alone and the preset's bits: > 0 means the preset spends bits where it hurts. */
export function presetAgreement(hurts: readonly TensorHurt[]): number {
  const rows = hurts.filter((h) => h.preset);
  const ranks = (values: number[]) => {
    const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
    const out = new Array<number>(values.length);
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
      for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2;
      i = j + 1;
    }
    return out;
  };
  const a = ranks(rows.map((h) => h.kld));
  const b = ranks(rows.map((h) => h.preset!.bpw));
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const [ma, mb] = [mean(a), mean(b)];
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
}

/** The ranking as a table: rank, matrix, KLD alone, same top-1, and the preset's type for it. */
export function hurtTable(hurts: readonly TensorHurt[], presetName: string): HTMLTableElement {
  const table = document.createElement("table");
  table.className = "gb-hurt-table";
  const head = table.createTHead().insertRow();
  for (const h of ["#", "matrix", "KLD alone", "same top-1", `${presetName} gives it`, "why"])
    head.appendChild(document.createElement("th")).textContent = h;
  const body = table.createTBody();
  for (const h of hurts) {
    const row = body.insertRow();
    row.dataset.target = h.target;
    row.dataset.kld = String(h.kld);
    const cells = [
      String(h.rank),
      h.target,
      h.kld.toExponential(2),
      `${h.sameTopPct.toFixed(1)} %`,
      h.preset ? `${h.preset.type} (${h.preset.bpw.toFixed(2)} bpw)` : "—",
      h.preset?.rule ?? ""
    ];
    for (const text of cells) row.insertCell().textContent = text;
  }
  return table;
}
