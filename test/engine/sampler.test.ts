import {describe, expect, it} from "vitest";
import {accept, argmax, sample, toSampler, type SamplerSpec} from "../../src/engine/sampler.ts";

/** n draws with one sampler */
const draws = (spec: SamplerSpec, logits: Float32Array, n = 200) => {
  const s = toSampler(spec);
  return Array.from({length: n}, () => sample(s, logits));
};
const counts = (xs: number[], v: number) => Array.from({length: v}, (_, i) => xs.filter((x) => x === i).length);

// deterministic, spread-out logits over a small vocabulary
const V = 50;
const logits = Float32Array.from({length: V}, (_, i) => 8 * Math.sin(i * 1.7) + 0.01 * i);
const best = argmax(logits);

describe("sample(sampler, logits): stable for any finite positive temperature (issue 27, item 9)", () => {
  // below ~1e-38, logits / T overflows float32 to ±Infinity and softmax gives NaN: top-p returned undefined
  const temperatures = [Number.MIN_VALUE, 1e-45, 1e-39, 1e-38, 1e-30, 1e-8, 0.01, 0.7, 1, 50, 1e30, Number.MAX_VALUE];

  it.each(temperatures)("temperature %s gives a valid token id, with top-p 0.9 and with top-p 1", (temperature) => {
    for (const topP of [0.9, 1]) {
      for (const t of draws({temperature, topP, seed: 3}, logits, 20)) {
        expect(Number.isInteger(t), `token ${t}`).toBe(true);
        expect(t).toBeGreaterThanOrEqual(0);
        expect(t).toBeLessThan(V);
      }
    }
  });

  it("a tiny temperature is greedy in the limit (not one stuck token from NaN probabilities)", () => {
    for (const temperature of [1e-45, 1e-39, 1e-20]) {
      expect(new Set(draws({temperature, topP: 1, seed: 5}, logits, 30))).toEqual(new Set([best]));
      expect(new Set(draws({temperature, topP: 0.9, seed: 5}, logits, 30))).toEqual(new Set([best]));
    }
  });

  it("a huge temperature is near uniform over the candidates", () => {
    const c = counts(draws({temperature: 1e30, topP: 1, seed: 9}, logits, 5000), V);
    expect(Math.min(...c)).toBeGreaterThan(50); // 100 expected per token
  });

  it("+Infinity logits share the mass; NaN logits are refused by name", () => {
    const inf = Float32Array.of(0, Infinity, 1, Infinity);
    expect(new Set(draws({temperature: 1, topP: 1}, inf, 100))).toEqual(new Set([1, 3]));
    expect(() => sample(toSampler(), Float32Array.of(0, NaN))).toThrow("logit 1 is NaN");
  });
});

describe("sample(sampler, logits): llama.cpp's samplers", () => {
  const probs = (temperature: number) => {
    const m = Math.max(...logits);
    const e = Array.from(logits, (x) => Math.exp((x - m) / temperature));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  };

  it("temperature: draw frequencies follow softmax(logits / T)", () => {
    const n = 20000;
    const c = counts(draws({temperature: 2, topP: 1, seed: 11}, logits, n), V);
    const p = probs(2);
    for (let i = 0; i < V; i++) expect(Math.abs(c[i]! / n - p[i]!)).toBeLessThan(0.015);
  });

  it("temperature 0 is argmax; the same seed gives the same draws, another seed others", () => {
    expect(draws({temperature: 0}, logits, 5)).toEqual([best, best, best, best, best]);
    expect(draws({seed: 3}, logits)).toEqual(draws({seed: 3}, logits));
    expect(draws({seed: 3}, logits)).not.toEqual(draws({seed: 4}, logits));
  });

  it("top-k keeps the k most likely", () => {
    const top3 = Array.from(logits.keys())
      .sort((a, b) => logits[b]! - logits[a]!)
      .slice(0, 3);
    expect(new Set(draws({topK: 1, temperature: 5}, logits))).toEqual(new Set([best]));
    expect(new Set(draws({topK: 3, topP: 1, temperature: 50}, logits, 500))).toEqual(new Set(top3));
  });

  it("top-p keeps the smallest most-likely set reaching p", () => {
    const order = Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]!);
    const p = probs(1);
    let mass = 0;
    const nucleus = order.filter((i) => (mass += p[i]!) - p[i]! < 0.6);
    const seen = new Set(draws({topP: 0.6, temperature: 1, seed: 2}, logits, 2000));
    expect(seen).toEqual(new Set(nucleus));
  });

  it("min-p keeps tokens at least p times as likely as the best", () => {
    const p = probs(1);
    const pmax = Math.max(...p);
    const allowed = new Set(Array.from(logits.keys()).filter((i) => p[i]! >= 0.05 * pmax));
    const seen = new Set(draws({minP: 0.05, topP: 1, temperature: 1, seed: 4}, logits, 3000));
    expect(seen).toEqual(allowed);
  });

  it("llama.cpp's order: top-p is chosen at temperature 1, before the temperature flattens it", () => {
    const peaked = Float32Array.of(4, 0, 0, 0); // p(0) = 0.95 at T = 1
    expect(new Set(draws({topP: 0.5, temperature: 100}, peaked))).toEqual(new Set([0]));
  });

  it("repeat penalty divides positive and multiplies negative logits of recent tokens", () => {
    const l = Float32Array.of(2, 1.5, -1, -1.2);
    const s = toSampler({temperature: 0, repeatPenalty: 1.5});
    expect(sample(s, l)).toBe(0);
    accept(s, 0); // 2 / 1.5 = 1.33 < 1.5
    expect(sample(s, l)).toBe(1);
    const neg = Float32Array.of(-1, -1.2);
    const t = toSampler({temperature: 0, repeatPenalty: 1.5});
    accept(t, 0); // -1 * 1.5 = -1.5 < -1.2
    expect(sample(t, neg)).toBe(1);
  });

  it("repeat-last-n forgets older tokens", () => {
    const l = Float32Array.of(2, 1.5);
    const s = toSampler({temperature: 0, repeatPenalty: 2, repeatLastN: 2});
    accept(s, 0);
    expect(sample(s, l)).toBe(1);
    accept(s, 1);
    accept(s, 1);
    expect(s.recent).toEqual([1, 1]);
    expect(sample(s, l)).toBe(0);
  });

  it("never writes into the logits", () => {
    const copy = Float32Array.from(logits);
    draws({topK: 5, topP: 0.8, minP: 0.1, repeatPenalty: 1.3, temperature: 0.7}, logits, 10);
    expect(logits).toEqual(copy);
  });

  it("toSampler(spec) refuses bad values, naming them", () => {
    expect(() => toSampler({temperature: Infinity})).toThrow("invalid temperature: Infinity");
    expect(() => toSampler({temperature: NaN})).toThrow("invalid temperature: NaN");
    expect(() => toSampler({topK: 1.5})).toThrow("invalid top-k: 1.5");
    expect(() => toSampler({minP: 2})).toThrow("invalid min-p: 2");
    expect(() => toSampler({repeatPenalty: 0})).toThrow("invalid repeat penalty: 0");
    expect(() => toSampler({repeatLastN: -1})).toThrow("invalid repeat-last-n: -1");
  });
});
