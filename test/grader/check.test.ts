import assert from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as harness from "../../src/check";
import { runTests } from "../../src/check/run";
import { renderHtml } from "../../src/check/table";

describe("check: the in-notebook test harness", () => {
  it("reports expected vs actual and a next step, without a stack trace", async () => {
    harness.describe("t-msg", () => {
      harness.it("adds", () => assert.strictEqual(2 + 3, 6));
      harness.it("lists", () => assert.deepStrictEqual([1, 2], [1, 3]), "check the second element");
      harness.it("passes", () => assert.ok(true));
    });
    const report = await harness.checkReport("t-msg");
    assert.deepStrictEqual(report.results.map((r) => r.status), ["failed", "failed", "passed"]);
    assert.strictEqual(report.results[0].message.split("\n")[0], "expected to be exactly 6, got 5");
    assert.match(report.results[0].message, /^Next: /m);
    assert.strictEqual(report.results[1].message, "expected to deeply equal [ 1, 3 ], got [ 1, 2 ]\nNext: check the second element");
    for (const r of report.results) assert.doesNotMatch(r.message, /\n\s+at /, "no stack frames");
  });

  it("compares numbers with a tolerance", async () => {
    harness.describe("t-close", () => {
      harness.it("within", () => harness.closeTo(0.1 + 0.2, 0.3));
      harness.it("arrays", () => harness.closeTo([1, [2, 3.0000001]], [1, [2, 3]]));
      harness.it("off", () => harness.closeTo([1, 2.5], [1, 2], { atol: 0.1 }));
    });
    const report = await harness.checkReport("t-close");
    assert.deepStrictEqual(report.results.map((r) => r.status), ["passed", "passed", "failed"]);
    assert.match(report.results[2].message, /expected 2 at \[1\], got 2\.5 \(atol 0\.1, rtol 0\.00001\)/);
  });

  it("turns exceptions into one line, with a hint for the unfilled stub", async () => {
    harness.describe("t-err", () => {
      harness.it("stub", () => {
        throw new Error("not implemented");
      });
      harness.it("crash", () => {
        (undefined as unknown as { x: number }).x;
      });
    });
    const [stub, crash] = (await harness.checkReport("t-err")).results;
    assert.strictEqual(stub.status, "failed");
    assert.match(stub.message, /replace the `throw new Error\("not implemented"\)` line/);
    assert.strictEqual(crash.status, "error");
    assert.match(crash.message, /^your code threw TypeError: Cannot read properties of undefined/);
    assert.doesNotMatch(crash.message, /\n\s+at /);
  });

  it("replaces a question's tests when its cell runs again, and names nested describes", async () => {
    harness.describe("t-re", () => harness.it("old", () => assert.fail("old")));
    harness.describe("t-re", () => harness.describe("group", () => harness.it("new", () => {})));
    const report = await harness.checkReport("t-re");
    assert.deepStrictEqual(report.results.map((r) => [r.name, r.status]), [["group > new", "passed"]]);
  });

  it("marks tests between the hidden markers as hidden", async () => {
    harness.describe("t-hidden", () => {
      harness.it("public", () => {});
      harness.markHidden(true);
      harness.it("secret", () => {});
      harness.markHidden(false);
    });
    assert.deepStrictEqual((await harness.checkReport("t-hidden")).results.map((r) => r.hidden), [false, true]);
  });

  it("stops an async test that never settles", async () => {
    const [r] = await runTests([{ name: "hangs", hidden: false, fn: () => new Promise<void>(() => {}) }], 50);
    assert.strictEqual(r.status, "failed");
    assert.match(r.message, /"hangs" did not finish within 0.05 s/);
  });

  it("says what to do when a question has no tests yet, and escapes HTML", async () => {
    const report = await harness.checkReport("t-none");
    assert.match(report.problem!, /no tests registered for "t-none"; run its test cell/);
    const html = renderHtml({ gradeId: "q<1>", results: [{ name: "<script>", hidden: false, status: "failed", message: "a & b", ms: 0 }] });
    assert.ok(html.includes("&lt;script&gt;") && html.includes("a &amp; b") && !html.includes("<script>"));
  });

  it("rejects it() outside describe() with a clear message", () => {
    assert.throws(() => harness.it("lonely", () => {}), /must be called inside describe\("<grade_id>"/);
  });
});

describe("check: the Korean edition's messages (issue 19)", () => {
  const saved = { lang: process.env.BERTLAB_LANG, session: process.env.JPY_SESSION_NAME };
  const restore = () => {
    for (const [key, value] of [["BERTLAB_LANG", saved.lang], ["JPY_SESSION_NAME", saved.session]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  afterEach(restore);

  it("speaks Korean with BERTLAB_LANG=ko: expected vs actual, the test's Korean hint, and the table", async () => {
    process.env.BERTLAB_LANG = "ko";
    harness.describe("t-ko", () => {
      harness.it("adds", () => assert.strictEqual(2 + 3, 6), { en: "add the two numbers", ko: "두 수를 더하세요" });
      harness.it("lists", () => assert.deepStrictEqual([1, 2], [1, 3]), "an English-only hint is kept as it is");
      harness.it("stub", () => {
        throw new Error("not implemented");
      });
      harness.it("close", () => harness.closeTo([1, 2.5], [1, 2], { atol: 0.1 }, { en: "the second entry", ko: "두 번째 값" }));
      harness.it("passes", () => assert.ok(true));
    });
    const report = await harness.checkReport("t-ko");
    const [adds, lists, stub, close] = report.results;
    assert.strictEqual(adds.message, "기댓값(정확히 같아야 해요): 6, 실제로 나온 값: 5\n다음 단계: 두 수를 더하세요");
    assert.strictEqual(lists.message, "기댓값(내용이 모두 같아야 해요): [ 1, 3 ], 실제로 나온 값: [ 1, 2 ]\n다음 단계: an English-only hint is kept as it is");
    assert.match(stub.message, /^Error: not implemented\n다음 단계: `throw new Error\("not implemented"\)` 줄을 여러분의 풀이로 바꾸고/);
    assert.match(close.message, /^\[1\] 위치의 기댓값: 2, 실제로 나온 값: 2\.5 \(atol 0\.1, rtol 0\.00001\); 두 번째 값\n다음 단계: /);
    const text = harness.renderCheckText(report);
    assert.match(text, /^t-ko: 테스트 5개 중 1개 통과\n  ✘ 실패  adds\n/);
    assert.match(renderHtml(report), /<th style="padding:2px 8px">결과<\/th>.*>실패<\/td>/s);
    assert.match((await harness.checkReport("t-ko-none")).problem!, /"t-ko-none"에 등록된 테스트가 없어요/);
  });

  it("keeps English when nothing says Korean, and for BERTLAB_LANG=en", async () => {
    delete process.env.JPY_SESSION_NAME;
    for (const lang of [undefined, "en"]) {
      if (lang === undefined) delete process.env.BERTLAB_LANG;
      else process.env.BERTLAB_LANG = lang;
      harness.describe("t-en", () => harness.it("adds", () => assert.strictEqual(2 + 3, 6), { en: "add the two numbers", ko: "두 수를 더하세요" }));
      const [r] = (await harness.checkReport("t-en")).results;
      assert.strictEqual(r.message, "expected to be exactly 6, got 5\nNext: add the two numbers", `BERTLAB_LANG=${lang}`);
    }
  });

  it("in JupyterLab, reads the edition from the metadata of the notebook Jupyter Server names (JPY_SESSION_NAME)", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bertlab-check-lang-"));
    try {
      const ko = path.join(dir, "ko.ipynb");
      const en = path.join(dir, "en.ipynb");
      writeFileSync(ko, JSON.stringify({ cells: [], metadata: { bertlab: { lang: "ko" } }, nbformat: 4, nbformat_minor: 5 }));
      writeFileSync(en, JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
      delete process.env.BERTLAB_LANG;
      process.env.JPY_SESSION_NAME = ko;
      assert.strictEqual(harness.checkLang(), "ko");
      process.env.JPY_SESSION_NAME = en;
      assert.strictEqual(harness.checkLang(), "en");
      process.env.JPY_SESSION_NAME = path.join(dir, "gone.ipynb");
      assert.strictEqual(harness.checkLang(), "en", "a notebook that is not there: English");
      process.env.JPY_SESSION_NAME = ko;
      process.env.BERTLAB_LANG = "en";
      assert.strictEqual(harness.checkLang(), "en", "BERTLAB_LANG, set by the runner and the grader, wins");
      assert.strictEqual(harness.notebookLang({ metadata: { bertlab: { lang: "ko" } } }), "ko");
      assert.strictEqual(harness.notebookLang({ metadata: {} }), undefined);
      assert.strictEqual(harness.parseLang("ko_KR.UTF-8"), "ko");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
