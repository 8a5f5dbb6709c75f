import {expect, it} from "vitest";
import {toFormat} from "../../src/formats/schemes.ts";
import {dequantizeMatrix, quantizeMatrix} from "../../src/formats/matrix.ts";
import {maxAbsError, sqnrDb} from "../../src/quant/metrics.ts";
import {describeWithFixtures, readFixture, readFixtureF32, readFixtureJson} from "../helpers/fixtures.ts";
import {firstDifference} from "../helpers/bytes.ts";

const CASES = ["gaussian-4096", "cosine-4096", "edge-256"];
const FORMATS = ["q8_0", "q4_0", "q4_1", "q5_0", "q5_1"];
/** the fixtures' SQNR is printed to 4 decimals */
const SQNR_PRINT_TOL_DB = 1e-3;

describeWithFixtures("ggml", "ggml quantize_row_*_ref / dequantize_row_* vectors", () => {
  for (const c of CASES) {
    for (const f of FORMATS) {
      it(`quantizeMatrix(${f}, ${c}) gives ggml's blocks byte for byte and its dequantized values bit for bit`, () => {
        const x = readFixtureF32("ggml", `${c}.input.f32`);
        const codec = toFormat(f).codec(1, x.length);
        const q = quantizeMatrix(codec, x, 1, x.length);
        const blocks = readFixture("ggml", `${c}.${f}.blocks`);
        expect(q.tailLen).toBe(0);
        expect(firstDifference(q.data, blocks), "first differing byte").toBe(-1);
        const y = new Float32Array(x.length);
        dequantizeMatrix(y, q);
        const expected = readFixtureF32("ggml", `${c}.${f}.dequant.f32`);
        expect(firstDifference(new Uint8Array(y.buffer), new Uint8Array(expected.buffer.slice(0))), "dequant").toBe(-1);
        const ref = readFixtureJson("ggml", `${c}.json`).formats[f];
        expect(q.data.byteLength).toBe(ref.bytes);
        expect(maxAbsError(x, y)).toBeLessThanOrEqual(ref.max_abs_err);
        expect(Math.abs(sqnrDb(x, y) - ref.sqnr_db)).toBeLessThan(SQNR_PRINT_TOL_DB);
      });
    }
  }
  it("quantizeMatrix(q4_0, x, 16, 256) lays rows of blocks end to end: the same bytes as one long row", () => {
    const x = readFixtureF32("ggml", "gaussian-4096.input.f32");
    const q = quantizeMatrix(toFormat("q4_0").codec(16, 256), x, 16, 256);
    expect(firstDifference(q.data, readFixture("ggml", "gaussian-4096.q4_0.blocks"))).toBe(-1);
  });
});
