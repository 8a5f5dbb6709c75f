import {expect, it} from "vitest";
import type {Codec} from "../../src/formats/codec.ts";
import {iq4_nl} from "../../src/formats/iq4_nl.ts";
import {q2_k} from "../../src/formats/q2_k.ts";
import {q3_k} from "../../src/formats/q3_k.ts";
import {q4_k} from "../../src/formats/q4_k.ts";
import {q5_k} from "../../src/formats/q5_k.ts";
import {q6_k} from "../../src/formats/q6_k.ts";
import {maxAbsError, sqnrDb} from "../../src/quant/metrics.ts";
import {describeWithFixtures, readFixture, readFixtureF32, readFixtureJson} from "../helpers/fixtures.ts";
import {firstDifference} from "../helpers/bytes.ts";

const CASES = ["gaussian-4096", "cosine-4096", "edge-256"];
/** codec and the fixture's type name (ggml spells the K-quants with a capital K) */
const FORMATS: [Codec, string][] = [
  [q2_k, "q2_K"],
  [q3_k, "q3_K"],
  [q4_k, "q4_K"],
  [q5_k, "q5_K"],
  [q6_k, "q6_K"],
  [iq4_nl, "iq4_nl"]
];
/** the fixtures' SQNR is printed to 4 decimals */
const SQNR_PRINT_TOL_DB = 1e-3;

describeWithFixtures("ggml", "K-quants and IQ4_NL against ggml's vectors", () => {
  for (const c of CASES) {
    for (const [codec, type] of FORMATS) {
      it(`${codec.name} on ${c}: ggml's blocks byte for byte, its dequantized values bit for bit`, () => {
        const x = readFixtureF32("ggml", `${c}.input.f32`);
        const nBlocks = x.length / codec.blockSize;
        const blocks = new Uint8Array(nBlocks * codec.blockBytes);
        codec.quantizeRef(blocks, 0, x, 0, nBlocks);
        expect(firstDifference(blocks, readFixture("ggml", `${c}.${type}.blocks`)), "first differing byte").toBe(-1);
        const y = new Float32Array(x.length);
        codec.dequantize(y, 0, blocks, 0, nBlocks);
        const expected = readFixture("ggml", `${c}.${type}.dequant.f32`);
        expect(firstDifference(new Uint8Array(y.buffer), expected), "first differing dequant byte").toBe(-1);
        const ref = readFixtureJson("ggml", `${c}.json`).formats[type];
        expect(blocks.byteLength).toBe(ref.bytes);
        expect(maxAbsError(x, y)).toBeLessThanOrEqual(ref.max_abs_err);
        expect(Math.abs(sqnrDb(x, y) - ref.sqnr_db)).toBeLessThan(SQNR_PRINT_TOL_DB);
      });
    }
  }
});
