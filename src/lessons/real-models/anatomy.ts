// Anatomy of a GGUF: a quant spec (a llama-quantize preset, or a plain format) resolved on the model's tensors by
// planSpec — per tensor its ggml type, why, its bytes and bits per weight — as the cells of the tensor-type map and
// as a table; and what the plan says about fallbacks, which decide whether the model can show K-quants at all.
import {matrixOfTensor, planSpec, presetModelOfConfig, type SpecTensor} from "../../quant/presets/index.ts";
import type {Config} from "../../engine/index.ts";
import type {TensorTypeCell} from "../../viz/index.ts";
import {formatBytes} from "../../viz/index.ts";
import "./real-models.css";

/** the spec on the model's tensors as a GGUF of it would hold them, all F32 before quantization */
export function tensorPlan(config: Config, spec: string): SpecTensor[] {
  return planSpec(spec, presetModelOfConfig(config));
}

/** the type a cell shows: the ggml type, or the format with "(simulated)" when no GGUF type can hold it */
const shownType = (t: SpecTensor) => t.type ?? `${t.format} (simulated)`;

/** The plan's matrices as the tensor-type map's cells (norms and other 1-D tensors are left out). */
export function typeMapCells(plan: readonly SpecTensor[]): TensorTypeCell[] {
  return plan.flatMap((t) => {
    const matrix = matrixOfTensor(t.name);
    if (!matrix) return [];
    const layer = matrix.name === "token_embd" || matrix.name === "output" ? null : matrix.layer;
    return [
      {
        matrix: matrix.name,
        layer,
        type: shownType(t),
        bpw: t.bpw,
        bytes: t.bytes,
        rule: t.rule,
        ...(t.fallback ? {fallback: t.fallback} : {})
      }
    ];
  });
}

export interface PlanSummary {
  tensors: number;
  bytes: number;
  /** bits per weight over every tensor, norms included, as llama.cpp's file size shows it */
  bpw: number;
  /** matrices whose wanted type did not fit their rows */
  fallbacks: number;
  matrices: number;
  /** the row lengths that made a fallback, e.g. [64, 192] */
  fallbackRows: number[];
}

export function planSummary(plan: readonly SpecTensor[]): PlanSummary {
  const weights = plan.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
  const bytes = plan.reduce((s, t) => s + t.bytes, 0);
  const failed = plan.filter((t) => t.fallback);
  return {
    tensors: plan.length,
    bytes,
    bpw: (8 * bytes) / weights,
    fallbacks: failed.length,
    matrices: plan.filter((t) => matrixOfTensor(t.name)).length,
    fallbackRows: [...new Set(failed.map((t) => t.shape[0]!))].sort((a, b) => a - b)
  };
}

/** One row per tensor: name, shape (ggml's ne order), type, bytes, bpw, and why. */
export function planTable(plan: readonly SpecTensor[]): HTMLTableElement {
  const table = document.createElement("table");
  table.className = "gb-plan-table";
  const head = table.createTHead().insertRow();
  for (const h of ["tensor", "ne", "type", "bytes", "bpw", "why"])
    head.appendChild(document.createElement("th")).textContent = h;
  const body = table.createTBody();
  for (const t of plan) {
    const row = body.insertRow();
    row.dataset.tensor = t.name;
    row.dataset.type = shownType(t);
    if (t.fallback) row.dataset.fallback = "";
    const cells = [t.name, `[${t.shape.join(", ")}]`, shownType(t), formatBytes(t.bytes), t.bpw.toFixed(2)];
    for (const text of cells) row.insertCell().textContent = text;
    row.insertCell().textContent = t.fallback ? `${t.rule}; ${t.fallback}` : t.rule;
  }
  return table;
}
