/**
 * bertlab's figures: plotly figures as data (`heatmap(...)`, `topKBar(...)`, ...) and `display(fig)`
 * to show one in the notebook as a single display bundle (plotly JSON + offline HTML + text).
 * Each builder has a `show...` twin that builds and displays in one call.
 */
export { display, describeFigure, figureText, configureFigures, plotlyJsPolicy, showPlotlyJs, FigureDisplay, DEFAULT_CONFIG, FONT_FAMILY } from "./figure";
export type { Figure, Trace, HeatmapTrace, BarTrace, ScatterTrace, TableTrace, Layout, Axis, Config, Colorscale, Title, PlotlyJsPolicy } from "./figure";
export { figureBundle, figureHtml, plotlyJson, plotlyJsPayload, plotlyCarrierBundle, plotlyCarrierScript, PLOTLY_MIME, TRUST_HINT, MISSING_PLOTLY_HINT, type BundleOptions, type PlotlyJsPayload } from "./bundle";
export * from "./heatmap";
export * from "./bar";
export * from "./line";
export * from "./scatter";
export * from "./table";
export * from "./attention-view";
export { pca, type PcaResult } from "./pca";
export type { Matrix } from "./validate";
