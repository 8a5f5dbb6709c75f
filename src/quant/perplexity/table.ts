// The statistics as llama-perplexity prints them: its three sections, its labels and its digits, one row per
// printed line (the doubled "99.0% KLD" line once). The CLI prints the text; the notebook shows the rows.
import type {KldChunkRow, KldStatistics, Uncertain} from "./statistics.ts";

export interface KldTableRow {
  section: "Perplexity" | "KL divergence" | "Token probability";
  /** llama-perplexity's label, e.g. "Mean PPL(Q)", "99.9%   KLD" */
  label: string;
  /** the statistic's .kld.json name */
  name: keyof KldStatistics;
  value: number;
  uncertainty: number | null;
  /** printed decimals */
  digits: number;
  /** "%" for the percent statistics */
  unit: "" | "%";
}

type Line = [label: string, name: keyof KldStatistics, digits: number];

const SECTIONS: [KldTableRow["section"], KldTableRow["unit"], Line[]][] = [
  [
    "Perplexity",
    "",
    [
      ["Mean PPL(Q)                   ", "ppl_q", 6],
      ["Mean PPL(base)                ", "ppl_base", 6],
      ["Cor(ln(PPL(Q)), ln(PPL(base)))", "cor_ln_ppl_percent", 2],
      ["Mean ln(PPL(Q)/PPL(base))     ", "ln_ppl_ratio", 6],
      ["Mean PPL(Q)/PPL(base)         ", "ppl_ratio", 6],
      ["Mean PPL(Q)-PPL(base)         ", "ppl_diff", 6]
    ]
  ],
  [
    "KL divergence",
    "",
    [
      ["Mean    KLD", "kld_mean", 6],
      ["Maximum KLD", "kld_max", 6],
      ["99.9%   KLD", "kld_99.9", 6],
      ["99.0%   KLD", "kld_99.0", 6],
      ["Median  KLD", "kld_median", 6],
      ["10.0%   KLD", "kld_10.0", 6],
      [" 5.0%   KLD", "kld_5.0", 6],
      [" 1.0%   KLD", "kld_1.0", 6],
      ["Minimum KLD", "kld_min", 6]
    ]
  ],
  [
    "Token probability",
    "%",
    [
      ["Mean    Δp", "dp_mean_percent", 3],
      ["Maximum Δp", "dp_max_percent", 3],
      ["99.9%   Δp", "dp_99.9_percent", 3],
      ["99.0%   Δp", "dp_99.0_percent", 3],
      ["95.0%   Δp", "dp_95.0_percent", 3],
      ["90.0%   Δp", "dp_90.0_percent", 3],
      ["75.0%   Δp", "dp_75.0_percent", 3],
      ["Median  Δp", "dp_median_percent", 3],
      ["25.0%   Δp", "dp_25.0_percent", 3],
      ["10.0%   Δp", "dp_10.0_percent", 3],
      [" 5.0%   Δp", "dp_5.0_percent", 3],
      [" 1.0%   Δp", "dp_1.0_percent", 3],
      [" 0.1%   Δp", "dp_0.1_percent", 3],
      ["Minimum Δp", "dp_min_percent", 3],
      ["RMS Δp    ", "rms_dp_percent", 3],
      ["Same top p", "same_top_p_percent", 3]
    ]
  ]
];

export function kldTable(stats: KldStatistics): KldTableRow[] {
  return SECTIONS.flatMap(([section, unit, lines]) =>
    lines.map(([label, name, digits]) => {
      const v = stats[name] as number | Uncertain;
      const [value, uncertainty] = typeof v === "number" ? [v, null] : [v.value, v.uncertainty];
      return {section, label, name, value, uncertainty, digits, unit: name === "cor_ln_ppl_percent" ? "%" : unit};
    })
  );
}

/** printf's %.<digits>f: a negative value that rounds to zero keeps its sign (-0.000), as C prints it */
const fixed = (x: number, digits: number) => {
  const s = x.toFixed(digits);
  return (x < 0 || Object.is(x, -0)) && !s.startsWith("-") ? `-${s}` : s;
};

/** llama-perplexity's closing block, line for line (its printf widths: %10.6f, %6.3f, %6.2f) */
export function formatKldTable(rows: KldTableRow[]): string {
  const out: string[] = [];
  let section = "";
  for (const r of rows) {
    if (r.section !== section) {
      if (section) out.push("");
      out.push(`====== ${r.section} statistics ======`);
      section = r.section;
    }
    const width = r.digits === 6 ? 10 : 6;
    const num = (x: number, w: number) => fixed(x, r.digits).padStart(w);
    const percent = r.unit === "%";
    const value = num(r.value, width);
    const text =
      r.uncertainty === null
        ? `${value}${percent ? "%" : ""}`
        : `${value} ± ${num(r.uncertainty, percent ? 5 : width)}${percent ? " %" : ""}`;
    out.push(`${r.label}: ${text}`);
  }
  return out.join("\n") + "\n";
}

/** the header llama-perplexity prints above each running row */
export const KLD_CHUNK_HEADER =
  "chunk             PPL               ln(PPL(Q)/PPL(base))          KL Divergence              Δp RMS            Same top p";

/** The running row printed after a chunk (its printf: %4d, %10.4f ± %9.4f, then %10.5f, %10.5f, %6.3f, %6.3f pairs) */
export function formatKldChunkRow(r: KldChunkRow): string {
  const pair = (u: Uncertain, digits: number, width: number, uWidth = width) =>
    `${fixed(u.value, digits).padStart(width)} ± ${fixed(u.uncertainty, digits).padStart(uWidth)}`;
  return (
    `${String(r.chunk).padStart(4)}   ${pair(r.ppl_q, 4, 10, 9)}    ${pair(r.ln_ppl_ratio, 5, 10)}    ` +
    `${pair(r.kld, 5, 10)}    ${pair(r.rms_dp_percent, 3, 6)} %    ${pair(r.same_top_p_percent, 3, 6)} %`
  );
}
