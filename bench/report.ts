// A benchmark run's result (rows of figures) and the number format its table and progress lines share.
import {availableParallelism} from "node:os";
import type {Config} from "../src/engine/model.ts";

export interface BenchRow {
  section: string;
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export interface BenchResult {
  shape: string;
  config: Config;
  quick: boolean;
  when: string;
  machine: string;
  rows: BenchRow[];
  /** what the run could not measure and why (e.g. the native baseline on a GGUF) */
  notes?: string[];
}

export const fmt = (v: number) =>
  !Number.isFinite(v)
    ? String(v)
    : Math.abs(v) >= 100
      ? v.toFixed(0)
      : Math.abs(v) >= 10
        ? v.toFixed(1)
        : v.toPrecision(3);

export function machine(): string {
  return `${process.platform} ${process.arch}, Node ${process.versions.node}, ${availableParallelism()} cores`;
}
