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
 *   Figures without a carrier queue themselves until window.Plotly exists, so one carrier serves
 *   every figure on the page, before or after it; which figures carry one is the display policy
 *   (see figure.ts, `configureFigures`: by default the first figure of the kernel session).
 * - text/plain: one line ("Figure: heatmap 12×12 'Layer 0 head 3'") for text-only views.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { JsonObject, JsonValue, MimeBundle } from "../display";
import { DEFAULT_CONFIG, describeFigure, figureText, FONT_FAMILY, type Figure } from "./figure";

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

/**
 * Page-wide loader state, shared by every carrier and figure script on the page (a page holds the
 * outputs of many cells, rendered in any order, often all in one pass when a notebook is reopened).
 * - waiting: figures that found no window.Plotly; each is {draw, note}. Only `flush` empties it, and
 *   only once window.Plotly exists, so no figure can be woken before it can draw.
 * - loading: a carrier is decoding plotly.js; other carriers then do nothing (one evaluation per page).
 * - carriers: how many carriers ran; with none, a waiting figure can say that plotly.js is missing.
 * The key is new in this loader version: outputs saved by older bertlab versions keep their own state.
 */
const STATE =
  `var w=window,st=w.__bertlabPlotlyLoader||(w.__bertlabPlotlyLoader={waiting:[],loading:false,error:null,carriers:0,poll:0});` +
  `function flush(){if(!w.Plotly)return false;var q=st.waiting;st.waiting=[];for(var i=0;i<q.length;i++)q[i].draw();return true;}`;

/**
 * The carrier: defines window.Plotly from the inlined bundle unless the page already has it (or
 * another carrier is decoding it), then draws every waiting figure.
 */
export function plotlyCarrierScript(): string {
  const p = plotlyJsPayload();
  return (
    `<script type="text/javascript" data-bertlab-plotly="${p.version}">(function(){${STATE}` +
    `st.carriers++;if(flush()||st.loading)return;` +
    `function fail(e){st.loading=false;st.error="could not load the inlined plotly.js: "+(e&&e.message||e);` +
    `for(var i=0;i<st.waiting.length;i++)st.waiting[i].note(st.error);}` +
    `if(typeof DecompressionStream==="undefined"){fail("this browser lacks DecompressionStream (needs Chrome 80, Firefox 113, Safari 16.4 or newer)");return;}` +
    `st.loading=true;st.error=null;` +
    `try{var b=atob("${p.gzipBase64}"),u=new Uint8Array(b.length);for(var i=0;i<b.length;i++)u[i]=b.charCodeAt(i);` +
    `new Response(new Blob([u]).stream().pipeThrough(new DecompressionStream("gzip"))).text().then(function(src){` +
    // An inline script element runs synchronously in the global scope. plotly.js is UMD: with an AMD
    // loader on the page (classic Notebook ships require.js) it would call define() and never set
    // window.Plotly, so define is hidden while it runs.
    `var d=w.define;w.define=undefined;try{var s=document.createElement("script");s.textContent=src;document.head.appendChild(s);}finally{w.define=d;}` +
    `if(!w.Plotly)throw new Error("plotly.js ran but did not define window.Plotly");st.loading=false;flush();}).catch(fail);` +
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
  // The Hangul-covering font stack unless the figure chose its own family.
  const font = { family: FONT_FAMILY, ...(isObject(fig.layout.font) ? fig.layout.font : {}) };
  return JSON.parse(JSON.stringify({ data: fig.data, layout: { ...fig.layout, font }, config: { ...DEFAULT_CONFIG, ...fig.config } }));
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export interface BundleOptions {
  /** Put the plotly.js carrier into this figure's HTML (about 1.95 MB). Default false. */
  inlinePlotly?: boolean;
}

/**
 * What the static note says after the figure's description. It is what an untrusted notebook
 * shows (front ends run no output scripts there), so it names the action in each front end.
 */
export const TRUST_HINT =
  "This interactive figure is drawn by JavaScript, which runs only in a trusted notebook: " +
  "in Jupyter Notebook (classic) choose File › Trust Notebook; in JupyterLab, trust the notebook " +
  "(Command Palette › Trust Notebook) or install the plotly extension (pip install plotly). " +
  "An HTML export (jupyter nbconvert --to html) draws it too.";

/** What a figure says when the page has no plotly.js and no carrier to bring it. */
export const MISSING_PLOTLY_HINT =
  "plotly.js is not on this page. bertlab sends it once per kernel session, inside the first figure's output, " +
  "and that output is missing here (cleared, deleted, or its cell re-run). To get it back, run " +
  'import { showPlotlyJs } from "bertlab"; showPlotlyJs(); in any cell, or run the notebook again ' +
  "(Kernel › Restart & Run All). The JupyterLab plotly extension (pip install plotly) draws these figures without it.";

/** Seconds a figure waits for a carrier before it says plotly.js is missing. */
const MISSING_AFTER_MS = 4000;

/**
 * The text/html representation: a note (the description and the trust hint, for viewers that run
 * no scripts), then the script that draws.
 *
 * The script finds its <div> even where `document.currentScript` is useless (classic Notebook runs
 * output scripts through jQuery before the output is attached): it takes the nearest preceding
 * sibling with its id, else an unclaimed one on the page, retrying until the output is attached.
 * Then it draws now if window.Plotly exists, or queues itself; carriers flush the queue once
 * plotly.js is defined, and a page-wide poll catches plotly.js defined by anything else.
 */
export function figureHtml(fig: Figure, opts: BundleOptions = {}): string {
  const json = plotlyJson(fig);
  const text = JSON.stringify(json);
  const id = createHash("sha1").update(text).digest("hex").slice(0, 12);
  const height = typeof fig.layout.height === "number" ? fig.layout.height : 450;
  const note = `${describeFigure(fig)}. ${TRUST_HINT}`;
  return (
    `<div class="bertlab-figure" data-bertlab-figure="${id}" style="width:100%;min-height:${height}px">` +
    `<div class="bertlab-figure-note" style="font:12px monospace;color:#666;padding:4px">${escapeHtml(note)}</div></div>` +
    (opts.inlinePlotly ? plotlyCarrierScript() : "") +
    `<script type="text/javascript">(function(){${STATE}` +
    `var me=document.currentScript,id="${id}",fig=${scriptJson(json)},el=null,tries=0,drawn=false;` +
    `function find(){var e=me&&me.parentNode?me.previousElementSibling:null;while(e&&e.tagName==="SCRIPT")e=e.previousElementSibling;` +
    `if(e&&e.getAttribute("data-bertlab-figure")===id&&!e.__bertlabClaimed&&e.isConnected)return e;` +
    `var all=document.querySelectorAll('[data-bertlab-figure="'+id+'"]');` +
    `for(var i=0;i<all.length;i++)if(!all[i].__bertlabClaimed)return all[i];return null;}` +
    `function note(m){if(drawn)return;var n=el.querySelector(".bertlab-figure-note");if(n)n.textContent=m;}` +
    `function draw(){if(drawn)return;drawn=true;el.innerHTML="";` +
    `try{w.Plotly.newPlot(el,fig.data,fig.layout,fig.config);}catch(e){drawn=false;var d=document.createElement("div");d.className="bertlab-figure-note";el.appendChild(d);note("plotly.js could not draw this figure: "+(e&&e.message||e));}}` +
    `function check(){if(drawn||w.Plotly)return;if(st.error)note(st.error);` +
    `else if(!st.loading&&!st.carriers)note(${JSON.stringify(MISSING_PLOTLY_HINT)});setTimeout(check,${MISSING_AFTER_MS});}` +
    `function start(){el=find();if(!el){if(tries++<200)setTimeout(start,50);return;}el.__bertlabClaimed=true;` +
    `if(w.Plotly){draw();return;}note(st.error||"Loading plotly.js…");st.waiting.push({draw:draw,note:note});` +
    `if(!st.poll)st.poll=setInterval(function(){if(flush()||!st.waiting.length){clearInterval(st.poll);st.poll=0;}},500);` +
    `setTimeout(check,${MISSING_AFTER_MS});}` +
    `start();})();</script>`
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
    "text/plain": `(plotly.js ${plotlyJsPayload().version}, inlined so this notebook's figures draw offline)`,
  };
}
