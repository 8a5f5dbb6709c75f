export {activationHeatmap, toHeatmapOptions} from "./heatmap.ts";
export type {HeatmapData, HeatmapOptions, HeatmapSpec} from "./heatmap.ts";
export {publishHighlight, subscribeHighlight, HIGHLIGHT_CLASS, HIGHLIGHT_EVENT} from "./highlight.ts";
export {attentionPattern, toAttentionOptions} from "./attention.ts";
export type {AttentionData, AttentionOptions, AttentionSpec} from "./attention.ts";
export {attentionHeads} from "./attention-heads.ts";
export type {AttentionHeadsData, AttentionHeadsSpec} from "./attention-heads.ts";
export {tokenView, toTokenViewOptions} from "./token-view.ts";
export type {Token, TokenViewData, TokenViewOptions, TokenViewSpec} from "./token-view.ts";
