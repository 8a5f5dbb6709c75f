// Memory and bandwidth of the weights: bytes held (fp32, packed, packed + dequantized cache) and bytes read per token
// for each get_w mode. The cache buys speed with memory; the packed format wins on bytes read per token.
import {drawBarChart, type BarCategory} from "./bar-chart.ts";
import {formatBytes} from "./format.ts";
import {frameDefaults, toFrameOptions, withDefaults, type FrameOptions, type FrameSpec} from "./options.ts";

export interface MemoryData {
  /** bytes held in memory */
  memory: {fp32: number; packed: number; cached: number};
  /** bytes of weights read per generated token, per get_w mode (omit to hide) */
  readPerToken?: {fp32: number; packed: number; cached: number};
}

export type MemoryBarSpec = FrameSpec;

export function toMemoryBarOptions(spec?: MemoryBarSpec): FrameOptions {
  return toFrameOptions(withDefaults(spec, frameDefaults("Weight memory and bytes read per token", 960, 440)));
}

export function memoryBar(data: MemoryData, spec?: MemoryBarSpec): SVGSVGElement {
  const o = toMemoryBarOptions(spec);
  const t = o.theme;
  const categories: BarCategory[] = [
    {name: "fp32 weights", color: t.categorical[0]!},
    {name: "packed weights", color: t.categorical[2]!},
    {name: "dequantized cache (fp32)", color: t.categorical[5]!, hatch: true}
  ];
  const m = data.memory ?? {fp32: NaN, packed: NaN, cached: NaN};
  const rows = [
    {label: "held: fp32", parts: [m.fp32, 0, 0]},
    {label: "held: packed", parts: [0, m.packed, 0]},
    {label: "held: packed + cache", parts: [0, m.packed, m.cached], note: formatBytes(m.packed + m.cached)}
  ];
  const r = data.readPerToken;
  if (r) {
    rows.push(
      {label: "read/token: fp32", parts: [r.fp32, 0, 0]},
      {label: "read/token: dequant or fused", parts: [0, r.packed, 0]},
      {label: "read/token: cached", parts: [0, 0, r.cached]}
    );
  }
  const ratio = m.packed > 0 ? ` (${(m.fp32 / m.packed).toFixed(2)}× smaller packed)` : "";
  return drawBarChart(
    o,
    "memory",
    categories,
    rows,
    {
      orientation: "horizontal",
      valueLabel: "bytes",
      rowTitle: "",
      format: formatBytes,
      legend: true,
      tip: (row, category, v) => `${row.label}\n${category.name}: ${formatBytes(v)} (${v} B)`
    },
    `${o.title || "Memory"}: fp32 ${formatBytes(m.fp32)}, packed ${formatBytes(m.packed)}${ratio}, ` +
      `dequantized cache ${formatBytes(m.cached)}` +
      (r
        ? `; read per token fp32 ${formatBytes(r.fp32)}, packed ${formatBytes(r.packed)}, cached ${formatBytes(r.cached)}.`
        : ".")
  );
}
