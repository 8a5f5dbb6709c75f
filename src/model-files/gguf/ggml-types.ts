// The ggml tensor types as a GGUF file declares them (llama.cpp c392e5094, `ggml_type` in ggml.h and
// `type_traits[]` in ggml.c): the id written in a tensor info, its name, how many values one block holds and how
// many bytes that block takes. A row of `ne[0]` values takes ne[0] / blockSize × typeSize bytes. This is the file
// layer only: which types can be decoded is the formats floor's business.

export interface GgmlType {
  /** the id stored in the file */
  readonly id: number;
  /** ggml's name, e.g. "Q4_K" */
  readonly name: string;
  /** values per block */
  readonly blockSize: number;
  /** bytes per block */
  readonly typeSize: number;
}

/** Ids ggml once had and has removed; a file using one is refused with llama.cpp's reason. */
const REMOVED: ReadonlyMap<number, string> = new Map([
  [4, "Q4_2 was removed from ggml in 2023; re-quantize the model"],
  [5, "Q4_3 was removed from ggml in 2023; re-quantize the model"],
  [31, "Q4_0_4_4 support has been removed from ggml (it repacks Q4_0 at load time now); use a Q4_0 file"],
  [32, "Q4_0_4_8 support has been removed from ggml (it repacks Q4_0 at load time now); use a Q4_0 file"],
  [33, "Q4_0_8_8 support has been removed from ggml (it repacks Q4_0 at load time now); use a Q4_0 file"],
  [36, "IQ4_NL_4_4 support has been removed from ggml (it repacks IQ4_NL at load time now); use an IQ4_NL file"],
  [37, "IQ4_NL_4_8 support has been removed from ggml (it repacks IQ4_NL at load time now); use an IQ4_NL file"],
  [38, "IQ4_NL_8_8 support has been removed from ggml (it repacks IQ4_NL at load time now); use an IQ4_NL file"]
]);

const QK_K = 256;

// [id, name, blockSize, typeSize]
const ROWS: readonly (readonly [number, string, number, number])[] = [
  [0, "F32", 1, 4],
  [1, "F16", 1, 2],
  [2, "Q4_0", 32, 18],
  [3, "Q4_1", 32, 20],
  [6, "Q5_0", 32, 22],
  [7, "Q5_1", 32, 24],
  [8, "Q8_0", 32, 34],
  [9, "Q8_1", 32, 36],
  [10, "Q2_K", QK_K, 84],
  [11, "Q3_K", QK_K, 110],
  [12, "Q4_K", QK_K, 144],
  [13, "Q5_K", QK_K, 176],
  [14, "Q6_K", QK_K, 210],
  [15, "Q8_K", QK_K, 292],
  [16, "IQ2_XXS", QK_K, 66],
  [17, "IQ2_XS", QK_K, 74],
  [18, "IQ3_XXS", QK_K, 98],
  [19, "IQ1_S", QK_K, 50],
  [20, "IQ4_NL", 32, 18],
  [21, "IQ3_S", QK_K, 110],
  [22, "IQ2_S", QK_K, 82],
  [23, "IQ4_XS", QK_K, 136],
  [24, "I8", 1, 1],
  [25, "I16", 1, 2],
  [26, "I32", 1, 4],
  [27, "I64", 1, 8],
  [28, "F64", 1, 8],
  [29, "IQ1_M", QK_K, 56],
  [30, "BF16", 1, 2],
  [34, "TQ1_0", QK_K, 54],
  [35, "TQ2_0", QK_K, 66]
];

const BY_ID: ReadonlyMap<number, GgmlType> = new Map(
  ROWS.map(([id, name, blockSize, typeSize]) => [id, Object.freeze({id, name, blockSize, typeSize})])
);
const BY_NAME: ReadonlyMap<string, GgmlType> = new Map([...BY_ID.values()].map((t) => [t.name, t]));

/** Every type a current ggml knows, by id. */
export const GGML_TYPES: readonly GgmlType[] = [...BY_ID.values()];

/** The type with this id, or a sentence saying why there is none (removed or unknown). */
export function ggmlTypeById(id: number): GgmlType | string {
  return BY_ID.get(id) ?? REMOVED.get(id) ?? `unknown ggml type id ${id} (ggml knows 0..38)`;
}

export function ggmlTypeByName(name: string): GgmlType | undefined {
  return BY_NAME.get(name);
}
