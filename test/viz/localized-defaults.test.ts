import assert from "node:assert/strict";
import {
  attentionHeatmap,
  confusionMatrixHeatmap,
  describeFigure,
  embeddingScatter,
  figureText,
  headView,
  lineChart,
  liveLineChart,
  maskHeatmap,
  modelView,
  scatterPlot,
  tokenTable,
  topKBar,
  type Figure,
  type HeatmapTrace,
  type ScatterTrace,
  type TableTrace,
} from "../../src/viz";

type Lang = "en" | "ko";

/** Runs `build` with BERTLAB_LANG set to `lang`, then puts the variable back as it was. */
function inLang<T>(lang: Lang, build: () => T): T {
  const saved = process.env.BERTLAB_LANG;
  process.env.BERTLAB_LANG = lang;
  try {
    return build();
  } finally {
    if (saved === undefined) delete process.env.BERTLAB_LANG;
    else process.env.BERTLAB_LANG = saved;
  }
}

/** The same builder in both editions. */
function both(build: () => Figure): Record<Lang, Figure> {
  return { en: inLang("en", build), ko: inLang("ko", build) };
}

const tokens = ["[CLS]", "the", "dog", "[SEP]"];
const n = tokens.length;
const uniform = tokens.map(() => tokens.map(() => 1 / n));
const attentions = Array.from({ length: 2 }, () => Array.from({ length: 3 }, () => uniform));
/** The text/plain line as display() writes it in that edition (the words are read when it is written). */
const describeIn = (lang: Lang, fig: Figure) => inLang(lang, () => describeFigure(fig));
const title = (fig: Figure) => fig.layout.title?.text;
const xTitle = (fig: Figure) => fig.layout.xaxis?.title?.text;
const yTitle = (fig: Figure) => fig.layout.yaxis?.title?.text;
const colorbar = (fig: Figure) => ((fig.data[0] as HeatmapTrace).colorbar as { title: { text: string } } | undefined)?.title.text;
const annotationTexts = (fig: Figure) => (fig.layout.annotations ?? []).map((a) => a.text);

/** Each builder, called with no title and with a caller's title. */
const builders: Array<[string, (title?: string) => Figure]> = [
  ["attentionHeatmap", (title) => attentionHeatmap(uniform, tokens, { title })],
  ["maskHeatmap", (title) => maskHeatmap(uniform.map((row) => row.map(() => 1)), { tokens, title })],
  ["confusionMatrixHeatmap", (title) => confusionMatrixHeatmap([[3, 1], [0, 4]], ["yes", "no"], { title })],
  ["topKBar", (title) => topKBar([{ label: "a", value: 0.7 }, { label: "b", value: 0.3 }], { title })],
  ["embeddingScatter", (title) => embeddingScatter([[0, 1, 2], [1, 0, 2], [2, 2, 0]], { title })],
  ["tokenTable", (title) => tokenTable({ tokens, title })],
  ["headView", (title) => headView(attentions, tokens, { title })],
  ["headView (layer menu)", (title) => headView(attentions, tokens, { title, layerMenu: true })],
  ["headView (heatmaps)", (title) => headView(attentions, tokens, { title, style: "heatmaps" })],
  ["modelView", (title) => modelView(attentions, tokens, { title })],
];

describe("viz default texts follow the notebook's language (BERTLAB_LANG)", () => {
  let saved: string | undefined;
  before(() => {
    saved = process.env.BERTLAB_LANG;
  });
  after(() => {
    assert.equal(process.env.BERTLAB_LANG, saved, "BERTLAB_LANG is restored");
  });

  it("attention heatmap: title, axis titles and colour bar", () => {
    const fig = both(() => attentionHeatmap(uniform, tokens));
    assert.equal(title(fig.en), "Attention");
    assert.equal(title(fig.ko), "어텐션");
    assert.equal(xTitle(fig.en), "key (attended to)");
    assert.equal(xTitle(fig.ko), "키(어텐션을 받는 쪽)");
    assert.equal(yTitle(fig.en), "query (attending)");
    assert.equal(yTitle(fig.ko), "쿼리(어텐션하는 쪽)");
    assert.equal(colorbar(fig.en), "weight");
    assert.equal(colorbar(fig.ko), "가중치");
    assert.equal(describeIn("en", fig.en), "Figure: heatmap 4×4 'Attention'");
    assert.equal(describeIn("ko", fig.ko), "그림: 히트맵 4×4 '어텐션'");
  });

  it("mask heatmap: title, axis titles, description", () => {
    const causal = tokens.map((_, q) => tokens.map((_, k) => (k <= q ? 1 : 0)));
    const fig = both(() => maskHeatmap(causal, { tokens }));
    assert.equal(title(fig.en), "Attention mask");
    assert.equal(title(fig.ko), "어텐션 마스크");
    assert.equal(xTitle(fig.en), "key (may be attended to)");
    assert.equal(xTitle(fig.ko), "키(어텐션을 받을 수 있는 쪽)");
    assert.equal(yTitle(fig.en), "query (attending)");
    assert.equal(yTitle(fig.ko), "쿼리(어텐션하는 쪽)");
    assert.equal(describeIn("en", fig.en), "Figure: attention mask 4×4, 10 of 16 allowed 'Attention mask'");
    assert.equal(describeIn("ko", fig.ko), "그림: 어텐션 마스크 4×4, 16칸 중 10칸 허용 '어텐션 마스크'");
  });

  it("confusion matrix: title, predicted / true axes, colour bar, description", () => {
    const fig = both(() => confusionMatrixHeatmap([[3, 1], [0, 4]], ["yes", "no"]));
    assert.equal(title(fig.en), "Confusion matrix");
    assert.equal(title(fig.ko), "혼동 행렬");
    assert.equal(xTitle(fig.en), "predicted");
    assert.equal(xTitle(fig.ko), "예측");
    assert.equal(yTitle(fig.en), "true");
    assert.equal(yTitle(fig.ko), "정답");
    assert.equal(colorbar(fig.en), "count");
    assert.equal(colorbar(fig.ko), "개수");
    assert.equal(describeIn("en", fig.en), "Figure: confusion matrix 2×2, 7/8 on the diagonal 'Confusion matrix'");
    assert.equal(describeIn("ko", fig.ko), "그림: 혼동 행렬 2×2, 대각선에 7/8 '혼동 행렬'");
    const normalized = both(() => confusionMatrixHeatmap([[3, 1], [0, 4]], ["yes", "no"], { normalize: true }));
    assert.equal(colorbar(normalized.en), "share of true class");
    assert.equal(colorbar(normalized.ko), "정답 클래스 중 비율");
  });

  it("top-k bars: title, value axis (probability or score), reference line, description", () => {
    const items = [{ label: "dog", value: 0.6 }, { label: "cat", value: 0.3 }, { label: "car", value: 0.1 }];
    const fig = both(() => topKBar(items));
    assert.equal(title(fig.en), "Top 3");
    assert.equal(title(fig.ko), "상위 3개");
    assert.equal(xTitle(fig.en), "probability");
    assert.equal(xTitle(fig.ko), "확률");
    assert.equal(describeIn("en", fig.en), "Figure: bar chart, 3 bars (dog=0.6, cat=0.3, car=0.1) 'Top 3'");
    assert.equal(describeIn("ko", fig.ko), "그림: 막대 그래프, 막대 3개 (dog=0.6, cat=0.3, car=0.1) '상위 3개'");
    const scores = both(() => topKBar([{ label: "a", value: 2 }, { label: "b", value: -1 }], { k: 1 }));
    assert.equal(title(scores.ko), "상위 1개");
    assert.equal(xTitle(scores.en), "score");
    assert.equal(xTitle(scores.ko), "점수");
    const reference = both(() => topKBar(items, { reference: { value: 0.25, label: "uniform" } }));
    assert.match(describeIn("en", reference.en), /; dashed line: uniform = 0\.250 'Top 3'$/);
    assert.match(describeIn("ko", reference.ko), /; 점선: uniform = 0\.250 '상위 3개'$/);
  });

  it("embedding scatter: title, principal-component axes, ungrouped trace name, description", () => {
    const vectors = tokens.map((_, i) => Array.from({ length: 8 }, (_, j) => Math.sin(i * 1.3 + j) + (j === 0 ? i : 0)));
    const fig = both(() => embeddingScatter(vectors, { labels: tokens }));
    assert.equal(title(fig.en), "Embeddings (8-d, PCA)");
    assert.equal(title(fig.ko), "임베딩(8차원, PCA)");
    assert.match(String(xTitle(fig.en)), /^PC1 \(\d+\.\d% of variance\)$/);
    assert.match(String(xTitle(fig.ko)), /^PC1\(분산의 \d+\.\d%\)$/);
    assert.match(String(yTitle(fig.ko)), /^PC2\(분산의 \d+\.\d%\)$/);
    assert.equal((fig.en.data[0] as ScatterTrace).name, "points");
    assert.equal((fig.ko.data[0] as ScatterTrace).name, "점");
    assert.match(describeIn("en", fig.en), /^Figure: scatter of 4 8-d vectors by PCA \(PC1 /);
    assert.match(describeIn("ko", fig.ko), /^그림: 8차원 벡터 4개의 PCA 산점도\(PC1 /);
    const plain = both(() => scatterPlot({ x: [0, 1], y: [1, 0], groups: ["a", "b"] }));
    assert.equal(describeIn("en", plain.en), "Figure: scatter, 2 points in 2 groups");
    assert.equal(describeIn("ko", plain.ko), "그림: 산점도, 점 2개 (그룹 2개)");
  });

  it("line charts: the live chart's x axis (step) and the summary's series and points", () => {
    const live = both(() => {
      const chart = liveLineChart({ series: ["loss"], show: false });
      chart.push({ step: 1, loss: 2 });
      chart.push({ step: 2, loss: 1.5 });
      return chart.figure();
    });
    assert.equal(xTitle(live.en), "step");
    assert.equal(xTitle(live.ko), "단계");
    assert.equal(describeIn("en", live.en), "Figure: line chart, 1 series (loss: 2 points, last 1.5 at x=2)");
    assert.equal(describeIn("ko", live.ko), "그림: 선 그래프, 계열 1개 (loss: 점 2개, 마지막 값 1.5(x=2))");
    // The language is read when the chart draws, not when it is created.
    const chart = inLang("en", () => liveLineChart({ series: ["loss"], show: false }));
    assert.equal(inLang("ko", () => xTitle(chart.figure())), "단계");
    const epochs = both(() => liveLineChart({ series: ["loss"], xTitle: "epoch", show: false }).figure());
    assert.equal(xTitle(epochs.en), "epoch");
    assert.equal(xTitle(epochs.ko), "epoch");
    const empty = both(() => lineChart({ series: [{ name: "a", x: [1], y: [null] }, { name: "b", x: [1], y: [3] }] }));
    assert.equal(describeIn("en", empty.en), "Figure: line chart, 2 series (a: 0 points, no values yet; b: 1 point, last 3 at x=1)");
    assert.equal(describeIn("ko", empty.ko), "그림: 선 그래프, 계열 2개 (a: 점 0개, 아직 값 없음; b: 점 1개, 마지막 값 3(x=1))");
  });

  it("token table: position and token headers, legend, description; code names stay as they are", () => {
    const build = () => tokenTable({ tokens, inputIds: [101, 1996, 3899, 102], segmentIds: [0, 0, 1, 1], inputMask: [1, 1, 1, 0] });
    const fig = both(build);
    const table = (f: Figure) => f.data[0] as TableTrace;
    assert.equal(table(fig.en).header.values[0], "position");
    assert.equal(table(fig.ko).header.values[0], "위치");
    assert.deepEqual(table(fig.en).cells.values[0], ["token", "input_ids", "segment_ids", "input_mask"]);
    assert.deepEqual(table(fig.ko).cells.values[0], ["토큰", "input_ids", "segment_ids", "input_mask"]);
    const legend = (f: Figure) => String(annotationTexts(f)[0]);
    assert.match(legend(fig.en), /segment 0 \(A\).*segment 1 \(B\).*padding \(mask 0\)/);
    assert.match(legend(fig.ko), /세그먼트 0 \(A\).*세그먼트 1 \(B\).*패딩\(마스크 0\)/);
    assert.doesNotMatch(legend(fig.ko), /segment|padding/);
    assert.equal(describeIn("en", fig.en), "Figure: token table, 4 tokens × token, input_ids, segment_ids, input_mask");
    assert.equal(describeIn("ko", fig.ko), "그림: 토큰 표, 토큰 4개 × 토큰, input_ids, segment_ids, input_mask");
    assert.equal(inLang("ko", () => figureText(build())).split("\n")[1].split(/\s+/)[0], "위치");
    const vertical = both(() => tokenTable({ tokens, orientation: "vertical" }));
    assert.deepEqual(table(vertical.en).header.values, ["position", "token"]);
    assert.deepEqual(table(vertical.ko).header.values, ["위치", "토큰"]);
  });

  it("head view: title, legend, query / key columns, head names, layer menu", () => {
    const all = both(() => headView(attentions, tokens, { layer: 1 }));
    assert.equal(title(all.en), "Head view: layer 1, all heads");
    assert.equal(title(all.ko), "헤드 뷰: 층 1, 모든 헤드");
    const some = both(() => headView(attentions, tokens, { layer: 0, heads: [0, 2] }));
    assert.equal(title(some.en), "Head view: layer 0, heads 0, 2");
    assert.equal(title(some.ko), "헤드 뷰: 층 0, 헤드 0, 2");
    const legendTitle = (f: Figure) => (f.layout.legend as { title: { text: string } }).title.text;
    assert.equal(legendTitle(some.en), "heads (click to toggle)");
    assert.equal(legendTitle(some.ko), "헤드(클릭해서 켜기/끄기)");
    assert.deepEqual(annotationTexts(some.en), ["query", "key"]);
    assert.deepEqual(annotationTexts(some.ko), ["쿼리", "키"]);
    const legendNames = (f: Figure) => (f.data as ScatterTrace[]).filter((t) => t.showlegend).map((t) => t.name);
    assert.deepEqual(legendNames(some.en), ["head 0", "head 2"]);
    assert.deepEqual(legendNames(some.ko), ["헤드 0", "헤드 2"]);
    const hovers = (f: Figure) => (f.data as ScatterTrace[]).filter((t) => t.mode === "text").map((t) => t.hovertemplate);
    assert.deepEqual(hovers(some.ko), ["쿼리 %{y}: %{text}<extra></extra>", "키 %{y}: %{text}<extra></extra>"]);
    assert.match(describeIn("en", some.en), /^Figure: head view, layer 0, heads 0,2, 4 tokens, lines for weights ≥ 0.05 'Head view/);
    assert.match(describeIn("ko", some.ko), /^그림: 헤드 뷰, 층 0, 헤드 0,2, 토큰 4개, 가중치 0.05 이상인 선 '헤드 뷰/);

    type Menu = { buttons: Array<{ label: string; args: [unknown, { title: { text: string } }] }> };
    const menu = both(() => headView(attentions, tokens, { layer: 1, heads: [2], layerMenu: true }));
    const buttons = (f: Figure) => (f.layout.updatemenus as Menu[])[0].buttons;
    assert.deepEqual(buttons(menu.en).map((b) => b.label), ["layer 0", "layer 1"]);
    assert.deepEqual(buttons(menu.ko).map((b) => b.label), ["층 0", "층 1"]);
    assert.equal(buttons(menu.en)[0].args[1].title.text, "Head view: layer 0, heads 2");
    assert.equal(buttons(menu.ko)[0].args[1].title.text, "헤드 뷰: 층 0, 헤드 2");
    assert.match(describeIn("ko", menu.ko), /^그림: 헤드 뷰, 층 1\(층 2개 메뉴\), 헤드 2,/);
  });

  it("head view as heatmaps and the model view: titles, colour bar, tile labels, hover, token note", () => {
    const grid = both(() => headView(attentions, tokens, { layer: 1, style: "heatmaps", heads: [0, 1] }));
    assert.equal(title(grid.en), "Head view: layer 1, heads 0, 1");
    assert.equal(title(grid.ko), "헤드 뷰: 층 1, 헤드 0, 1");
    assert.deepEqual(annotationTexts(grid.ko), ["헤드 0", "헤드 1", "행: 쿼리 토큰 · 열: 키 토큰"]);
    assert.equal((grid.ko.data[1] as HeatmapTrace).hovertemplate, "층 1 헤드 1<br>쿼리 %{y} → 키 %{x}: %{z:.3f}<extra></extra>");
    assert.match(describeIn("ko", grid.ko), /^그림: 헤드 뷰, 층 1, 헤드 0,1, 토큰 4개, 헤드마다 히트맵 하나 /);
    // One head as heatmaps is an attention heatmap under the head view's title.
    const one = both(() => headView(attentions, tokens, { layer: 0, style: "heatmaps", heads: [2] }));
    assert.equal(title(one.ko), "헤드 뷰: 층 0, 헤드 2");
    assert.equal(xTitle(one.ko), "키(어텐션을 받는 쪽)");

    const fig = both(() => modelView(attentions, tokens));
    assert.equal(title(fig.en), "Model view: 2 layers × 3 heads");
    assert.equal(title(fig.ko), "모델 뷰: 층 2개 × 헤드 3개");
    const colorAxis = (f: Figure) => (f.layout.coloraxis as { colorbar: { title: { text: string } } }).colorbar.title.text;
    assert.equal(colorAxis(fig.en), "weight");
    assert.equal(colorAxis(fig.ko), "가중치");
    assert.deepEqual(annotationTexts(fig.en), ["head 0", "head 1", "head 2", "rows: query tokens · columns: key tokens"]);
    assert.deepEqual(annotationTexts(fig.ko), ["헤드 0", "헤드 1", "헤드 2", "행: 쿼리 토큰 · 열: 키 토큰"]);
    const rowTitle = (f: Figure, axis: string) => (f.layout[axis] as { title?: { text: string } }).title?.text;
    assert.equal(rowTitle(fig.en, "yaxis4"), "layer 1");
    assert.equal(rowTitle(fig.ko, "yaxis4"), "층 1");
    assert.equal((fig.en.data[5] as HeatmapTrace).hovertemplate, "layer 1 head 2<br>query %{y} → key %{x}: %{z:.3f}<extra></extra>");
    assert.equal((fig.ko.data[5] as HeatmapTrace).hovertemplate, "층 1 헤드 2<br>쿼리 %{y} → 키 %{x}: %{z:.3f}<extra></extra>");
    assert.equal(describeIn("en", fig.en), "Figure: model view, 2 layers × 3 heads, 4 tokens 'Model view: 2 layers × 3 heads'");
    assert.equal(describeIn("ko", fig.ko), "그림: 모델 뷰, 층 2개 × 헤드 3개, 토큰 4개 '모델 뷰: 층 2개 × 헤드 3개'");
  });

  it("a language BERTLAB_LANG does not name is English", () => {
    const saved = process.env.BERTLAB_LANG;
    process.env.BERTLAB_LANG = "fr";
    try {
      assert.equal(title(attentionHeatmap(uniform, tokens)), "Attention");
    } finally {
      if (saved === undefined) delete process.env.BERTLAB_LANG;
      else process.env.BERTLAB_LANG = saved;
    }
  });

  for (const [name, build] of builders) {
    it(`${name}: a title the caller passes is used unchanged in both languages`, () => {
      for (const given of ["My title", "내 제목"]) {
        const fig = both(() => build(given));
        assert.equal(title(fig.en), given);
        assert.equal(title(fig.ko), given);
        // A head view's layer menu keeps the caller's title on every layer too.
        const menus = fig.ko.layout.updatemenus as Array<{ buttons: Array<{ args: [unknown, { title: { text: string } }] }> }> | undefined;
        for (const b of menus?.[0].buttons ?? []) assert.equal(b.args[1].title.text, given);
      }
      // And without one, the default differs between the editions (a token table has none).
      const untitled = both(() => build());
      if (name === "tokenTable") {
        assert.equal(title(untitled.en), undefined);
        assert.equal(title(untitled.ko), undefined);
      } else {
        assert.ok(title(untitled.en), `${name} has a default title`);
        assert.notEqual(title(untitled.en), title(untitled.ko));
      }
    });
  }
});
