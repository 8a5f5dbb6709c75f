// Time per layer stacked by op category (horizontal bars, layer 0 at the top): where in the network get_w is paid.
import type {OpCategory} from "./categories.ts";
import {drawTiming, toTimingOptions, type TimingSpec} from "./timing-steps.ts";

export interface LayerTimingData {
  /** [L] ms per category for each layer */
  layers: readonly Partial<Record<OpCategory, number>>[];
  /** default "layer 0", "layer 1", ... */
  labels?: readonly string[];
}

export function timingLayers(data: LayerTimingData, spec?: TimingSpec): SVGSVGElement {
  const options = toTimingOptions({rowTitle: "layer", ...spec}, "Time per layer by op category");
  const layers = data.layers ?? [];
  if (data.labels && data.labels.length !== layers.length) {
    throw new Error(`invalid labels: ${data.labels.length} labels for ${layers.length} layers`);
  }
  const rows = layers.map((times, i) => ({label: data.labels?.[i] ?? `layer ${i}`, times}));
  return drawTiming(options, "timing-layers", rows, "horizontal");
}
