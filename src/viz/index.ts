export {activationHeatmap, toHeatmapOptions} from "./heatmap.ts";
export type {HeatmapData, HeatmapOptions, HeatmapSpec} from "./heatmap.ts";
export {publishHighlight, subscribeHighlight, HIGHLIGHT_CLASS, HIGHLIGHT_EVENT} from "./highlight.ts";
