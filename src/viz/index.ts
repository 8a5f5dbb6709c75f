export {activationHeatmap, toHeatmapOptions} from "./heatmap.ts";
export type {HeatmapData, HeatmapOptions, HeatmapScale, HeatmapSpec} from "./heatmap.ts";
export {attentionPattern, toAttentionOptions} from "./attention.ts";
export type {AttentionData, AttentionOptions, AttentionSpec} from "./attention.ts";
export {attentionHeads} from "./attention-heads.ts";
export type {AttentionHeadsData, AttentionHeadsSpec} from "./attention-heads.ts";
export {tokenView, toTokenViewOptions} from "./token-view.ts";
export type {Token, TokenViewData, TokenViewOptions, TokenViewSpec} from "./token-view.ts";
export {weightHistogram, toWeightHistogramOptions} from "./weight-histogram.ts";
export type {WeightHistogramData, WeightHistogramOptions, WeightHistogramSpec} from "./weight-histogram.ts";
export {errorHistogram} from "./error-histogram.ts";
export type {ErrorHistogramData} from "./error-histogram.ts";
export {quantizationGrid, toQuantizationGridOptions} from "./quantization-grid.ts";
export type {QuantizationGridData, QuantizationGridOptions, QuantizationGridSpec} from "./quantization-grid.ts";
export {subBlockScales, toSubBlockScalesOptions} from "./sub-block-scales.ts";
export type {SubBlockScalesData, SubBlockScalesOptions, SubBlockScalesSpec} from "./sub-block-scales.ts";
export {blockSqnrHeatmap} from "./block-sqnr.ts";
export type {BlockSqnrData} from "./block-sqnr.ts";
export {timingSteps, toTimingOptions} from "./timing-steps.ts";
export type {StepTiming, TimingOptions, TimingSpec} from "./timing-steps.ts";
export {timingLayers} from "./timing-layers.ts";
export type {LayerTimingData} from "./timing-layers.ts";
export {costVsLength, toCostVsLengthOptions} from "./cost-vs-length.ts";
export type {CostSeries, CostVsLengthOptions, CostVsLengthSpec} from "./cost-vs-length.ts";
export {memoryBar, toMemoryBarOptions} from "./memory-bar.ts";
export type {MemoryBarSpec, MemoryData} from "./memory-bar.ts";
export {layerBars, toLayerBarsOptions} from "./layer-bars.ts";
export type {LayerBarsOptions, LayerBarsSpec, LayerMetric, LayerValue} from "./layer-bars.ts";
export {sqnrVsBits, toSqnrVsBitsOptions, DB_PER_BIT} from "./sqnr-vs-bits.ts";
export type {SqnrPoint, SqnrVsBitsOptions, SqnrVsBitsSpec} from "./sqnr-vs-bits.ts";
export {lossCurve, toLossCurveOptions} from "./loss-curve.ts";
export type {LossCurveOptions, LossCurveSpec, LossSeries} from "./loss-curve.ts";
export {tokenProbabilities, toTokenProbabilitiesOptions} from "./token-probabilities.ts";
export type {
  TokenProbabilitiesData,
  TokenProbabilitiesOptions,
  TokenProbabilitiesSpec,
  TokenProbability
} from "./token-probabilities.ts";
export {residualNorm, toResidualNormOptions} from "./residual-norm.ts";
export {importanceColumns, type ImportanceColumnsData} from "./importance-columns.ts";
export type {ResidualNormOptions, ResidualNormSeries, ResidualNormSpec} from "./residual-norm.ts";
export {logitLens, toLogitLensOptions} from "./logit-lens.ts";
export type {LensCell, LogitLensData, LogitLensOptions, LogitLensSpec} from "./logit-lens.ts";
export {textDiff, toTextDiffOptions, diffTokens} from "./text-diff.ts";
export type {DiffOp, TextDiffData, TextDiffOptions, TextDiffSpec} from "./text-diff.ts";
export {tensorTypeMap, toTensorTypeMapOptions} from "./tensor-type-map.ts";
export type {TensorTypeCell, TensorTypeMapData, TensorTypeMapSpec} from "./tensor-type-map.ts";
export {OP_CATEGORIES} from "./categories.ts";
export type {OpCategory} from "./categories.ts";
export {publishHighlight, subscribeHighlight, HIGHLIGHT_CLASS, HIGHLIGHT_EVENT} from "./highlight.ts";
export type {HighlightDetail} from "./highlight.ts";
export {keyword} from "./options.ts";
export {formatBytes, formatMs} from "./format.ts";
export type {FrameOptions, FrameSpec} from "./options.ts";
export type {Theme, ThemeName} from "./theme.ts";
