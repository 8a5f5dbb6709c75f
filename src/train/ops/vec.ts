// Training runs in float32; gradient checks run the very same code in float64.
export type Vec = Float32Array | Float64Array;
export type VecConstructor = Float32ArrayConstructor | Float64ArrayConstructor;
