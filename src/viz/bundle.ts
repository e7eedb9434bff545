/**
 * The display bundle of a figure: one Jupyter output carrying three representations.
 *
 * - application/vnd.plotly.v1+json: {data, layout, config}, drawn by JupyterLab's plotly extension
 *   (`pip install plotly` >= 5 ships it, or `jupyterlab-plotly`), VS Code and nteract.
 * - text/html: a self-drawing <div> for every other HTML front end (JupyterLab without the
 *   extension, nbconvert/nbviewer HTML). It never loads from a CDN or through require.js (what
 *   breaks BertViz in JupyterLab): plotly.js comes from the local plotly.js-dist-min package,
 *   inlined as a gzip+base64 "carrier" script (1.95 MB instead of 4.85 MB raw) that decompresses
 *   itself with the browser's DecompressionStream and defines window.Plotly once per page.
 *   Figures without a carrier wait for window.Plotly, so one carrier serves every later figure on
 *   the page; which figures carry one is the display policy (see figure.ts, `configureFigures`).
 * - text/plain: one line ("Figure: heatmap 12×12 'Layer 0 head 3'") for text-only views.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { JsonValue, MimeBundle } from "../display";
import { DEFAULT_CONFIG, describeFigure, figureText, type Figure } from "./figure";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

export interface PlotlyJsPayload {
  version: string;
  /** Size of plotly.min.js itself. */
  bytes: number;
  /** plotly.min.js, gzip-compressed, base64: safe to put inside a <script> without escaping. */
  gzipBase64: string;
}

let payload: PlotlyJsPayload | undefined;

/** plotly.min.js from the installed plotly.js-dist-min, compressed once per process. */
export function plotlyJsPayload(): PlotlyJsPayload {
  if (payload) return payload;
  let file: string;
  try {
    file = require.resolve("plotly.js-dist-min/plotly.min.js");
  } catch {
    throw new Error(
      "bertlab viz: cannot find plotly.js-dist-min/plotly.min.js to inline into the figure's HTML. " +
        "Install it (npm install plotly.js-dist-min), or call configureFigures({ plotlyJs: \"none\" }) to rely on JupyterLab's plotly extension alone.",
    );
  }
  const source = fs.readFileSync(file);
  const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(file), "package.json"), "utf8")) as { version?: string };
  payload = {
    version: pkg.version ?? "unknown",
    bytes: source.length,
    gzipBase64: zlib.gzipSync(source, { level: 9 }).toString("base64"),
  };
  return payload;
}

/** Page-wide state shared by carriers and figures (a page may hold outputs from many cells). */
const STATE = `var w=window,st=w.__bertlabPlotly||(w.__bertlabPlotly={waiting:[],loading:false,error:null});`;

/**
 * The carrier: defines window.Plotly from the inlined bundle unless the page already has it (or
 * another carrier is decoding it), then wakes the figures waiting for it.
 */
export function plotlyCarrierScript(): string {
  const p = plotlyJsPayload();
  return (
    `<script type="text/javascript" data-bertlab-plotly="${p.version}">(function(){${STATE}` +
    `function done(){var q=st.waiting;st.waiting=[];for(var i=0;i<q.length;i++)q[i]();}` +
    `function fail(e){st.loading=false;st.error="could not load the inlined plotly.js: "+(e&&e.message||e);done();}` +
    `if(w.Plotly||st.loading){done();return;}` +
    `if(typeof DecompressionStream==="undefined"){fail("this browser lacks DecompressionStream (needs Chrome 80, Firefox 113, Safari 16.4 or newer)");return;}` +
    `st.loading=true;st.error=null;` +
    `try{var b=atob("${p.gzipBase64}"),u=new Uint8Array(b.length);for(var i=0;i<b.length;i++)u[i]=b.charCodeAt(i);` +
    `new Response(new Blob([u]).stream().pipeThrough(new DecompressionStream("gzip"))).text().then(function(src){` +
    // An inline script element runs synchronously in the global scope; plotly.js sets window.Plotly itself.
    `var s=document.createElement("script");s.textContent=src;document.head.appendChild(s);` +
    `if(!w.Plotly)throw new Error("plotly.js ran but did not define window.Plotly");st.loading=false;done();}).catch(fail);` +
    `}catch(e){fail(e);}})();</script>`
  );
}

/** JSON that cannot end the <script> it sits in, whatever text the figure holds (tokens can be anything). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** {data, layout, config} as plain JSON: undefined members dropped, NaN/Infinity as null (as plotly reads them). */
export function plotlyJson(fig: Figure): { data: JsonValue; layout: JsonValue; config: JsonValue } {
  return JSON.parse(JSON.stringify({ data: fig.data, layout: fig.layout, config: { ...DEFAULT_CONFIG, ...fig.config } }));
}

export interface BundleOptions {
  /** Put the plotly.js carrier into this figure's HTML (about 1.95 MB). Default false. */
  inlinePlotly?: boolean;
}

/** The text/html representation: a note for viewers without JavaScript, then the script that draws. */
export function figureHtml(fig: Figure, opts: BundleOptions = {}): string {
  const json = plotlyJson(fig);
  const text = JSON.stringify(json);
  const id = createHash("sha1").update(text).digest("hex").slice(0, 12);
  const height = typeof fig.layout.height === "number" ? fig.layout.height : 450;
  const note =
    `${describeFigure(fig)}. An interactive plotly figure: it draws where JavaScript runs ` +
    `(a trusted notebook in JupyterLab, or its HTML export).`;
  const wait =
    "Waiting for plotly.js. It is inlined in the first figure of each cell run (or of the kernel session); " +
    "if that output was cleared, re-run this cell. The JupyterLab plotly extension (pip install plotly) draws these figures without it.";
  return (
    `<div class="bertlab-figure" data-bertlab-figure="${id}" style="width:100%;min-height:${height}px">` +
    `<div class="bertlab-figure-note" style="font:12px monospace;color:#666;padding:4px">${escapeHtml(note)}</div></div>` +
    (opts.inlinePlotly ? plotlyCarrierScript() : "") +
    `<script type="text/javascript">(function(){${STATE}` +
    `var me=document.currentScript,el=me&&me.previousElementSibling;` +
    `while(el&&el.tagName==="SCRIPT")el=el.previousElementSibling;` +
    `if(!el||el.getAttribute("data-bertlab-figure")!=="${id}")el=document.querySelector('[data-bertlab-figure="${id}"]');` +
    `if(!el)return;var fig=${scriptJson(json)};` +
    `function note(m){var n=el.querySelector(".bertlab-figure-note");if(n)n.textContent=m;}` +
    // A front end may run the script before it attaches the output; plotly needs the element's size.
    `function draw(tries){tries=tries||0;if(!el.isConnected){if(tries<100)setTimeout(function(){draw(tries+1);},100);return;}` +
    `if(!w.Plotly){note(st.error||${JSON.stringify(wait)});return;}` +
    `el.innerHTML="";w.Plotly.newPlot(el,fig.data,fig.layout,fig.config);}` +
    `if(w.Plotly){draw();return;}st.waiting.push(draw);` +
    `setTimeout(function(){if(!w.Plotly&&!st.loading)note(st.error||${JSON.stringify(wait)});},10000);` +
    `})();</script>`
  );
}

/** The three-representation display bundle of a figure (pure: no kernel needed). */
export function figureBundle(fig: Figure, opts: BundleOptions = {}): MimeBundle {
  return {
    [PLOTLY_MIME]: plotlyJson(fig),
    "text/html": figureHtml(fig, opts),
    "text/plain": figureText(fig),
  };
}

/** A bundle holding only the carrier: for outputs that are replaced later (live charts) and so cannot hold it. */
export function plotlyCarrierBundle(): MimeBundle {
  return {
    "text/html": plotlyCarrierScript(),
    "text/plain": `(plotly.js ${plotlyJsPayload().version}, inlined so the figures below draw offline)`,
  };
}
