/**
 * The trainers: every step merges the pair a brute-force recount says is best (BPE: most frequent;
 * WordPiece: highest freq(ab) / (freq(a) * freq(b))), and the result tokenizes its own corpus.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { BasicTokenizer, MergeStep, countWords, trainBpe, trainWordPiece } from "../../src/tokenization";
import { FIXTURES } from "./hf-reference";

const text = fs.readFileSync(path.join(FIXTURES, "train-en-ko.txt"), "utf8");

/** Replays merges on the word counts from scratch and checks each chosen pair was the best. */
function checkHistory(history: MergeStep[], split: (w: string) => string[], join: (a: string, b: string) => string, score: (n: number, fa: number, fb: number) => number, steps: number): void {
  const words = [...countWords(text, new BasicTokenizer({ lowercase: true }))].map(([w, n]) => ({ symbols: split(w), n }));
  for (const step of history.slice(0, steps)) {
    const pairs = new Map<string, number>();
    const freq = new Map<string, number>();
    for (const { symbols, n } of words) {
      symbols.forEach((s) => freq.set(s, (freq.get(s) ?? 0) + n));
      for (let i = 0; i + 1 < symbols.length; i++) {
        const k = symbols[i] + "\u0000" + symbols[i + 1];
        pairs.set(k, (pairs.get(k) ?? 0) + n);
      }
    }
    let best = -Infinity;
    for (const [k, n] of pairs) {
      if (n < 2) continue;
      const [a, b] = k.split("\u0000");
      best = Math.max(best, score(n, freq.get(a) as number, freq.get(b) as number));
    }
    const [a, b] = step.pair;
    const n = pairs.get(a + "\u0000" + b) as number;
    assert.equal(step.frequency, n, `step ${step.step}: frequency of ${a} + ${b}`);
    assert.equal(step.score, score(n, freq.get(a) as number, freq.get(b) as number), `step ${step.step}: score`);
    assert.equal(step.score, best, `step ${step.step}: ${a} + ${b} scores ${step.score} but the best pair scores ${best}`);
    assert.equal(step.token, join(a, b));
    for (const w of words) {
      const out: string[] = [];
      for (let i = 0; i < w.symbols.length; i++) {
        if (i + 1 < w.symbols.length && w.symbols[i] === a && w.symbols[i + 1] === b) {
          out.push(step.token);
          i++;
        } else out.push(w.symbols[i]);
      }
      w.symbols = out;
    }
  }
}

describe("tokenization: trainers", function () {
  this.timeout(60000);

  it("trainWordPiece picks the pair with the best likelihood score at every step", function () {
    const steps: MergeStep[] = [];
    const { tokenizer, history, merges } = trainWordPiece(text, { vocabSize: 700, onStep: (s) => steps.push(s) });
    assert.equal(tokenizer.vocab.size, 700);
    assert.equal(history.length, merges.length);
    assert.deepEqual(steps, history);
    assert.deepEqual(tokenizer.vocab.tokens.slice(0, 5), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
    history.forEach((s, i) => i > 0 && assert.ok(s.vocabSize >= history[i - 1].vocabSize));
    checkHistory(history, (w) => [...w].map((c, i) => (i ? "##" + c : c)), (a, b) => a + b.replace(/^##/, ""), (n, fa, fb) => n / (fa * fb), 60);
    const words = tokenizer.tokenize("Language models learn from text. 언어 모델은 텍스트로부터 배웁니다.");
    assert.ok(!words.includes("[UNK]"), words.join(" "));
  });

  it("trainBpe merges the most frequent pair at every step, and tokenizes with its merges", function () {
    const { tokenizer, history, merges } = trainBpe(text, { vocabSize: 500 });
    assert.equal(tokenizer.vocab.size, 500);
    checkHistory(history, (w) => [...w].map((c, i, all) => (i === all.length - 1 ? c + "</w>" : c)), (a, b) => a + b, (n) => n, 80);
    assert.deepEqual(merges.slice(0, 3), history.slice(0, 3).map((s) => s.pair));
    assert.ok(history.every((s, i) => i === 0 || s.score <= history[i - 1].score || s.score > 0));
    const tokens = tokenizer.tokenize("the tokenizer");
    assert.equal(tokens.join("").replace(/<\/w>/g, " ").trim(), "the tokenizer");
    assert.equal(tokenizer.decode(tokenizer.encode("the tokenizer").inputIds, { skipSpecialTokens: true }), "the tokenizer");
  });

  it("trainWordPiece with scoring 'frequency' merges the most frequent ## pair (Hugging Face's WordPieceTrainer rule)", function () {
    const { history } = trainWordPiece(text, { vocabSize: 700, scoring: "frequency" });
    checkHistory(history, (w) => [...w].map((c, i) => (i ? "##" + c : c)), (a, b) => a + b.replace(/^##/, ""), (n) => n, 60);
    assert.throws(() => trainWordPiece(text, { vocabSize: 700, scoring: "count" as "frequency" }), /scoring must be "likelihood" or "frequency", got "count"/);
  });

  it("on a bilingual corpus, frequency scoring shares the budget between scripts and likelihood does not", function () {
    // English words repeat a few stems; Korean brings a large alphabet of syllables, each rare.
    const english = Array.from({ length: 300 }, (_, i) => `the transfer of money to my account number ${i % 7} is pending today`);
    const syllables = Array.from({ length: 400 }, (_, i) => String.fromCodePoint(0xac00 + i * 7));
    const koreanWords = Array.from({ length: 300 }, (_, i) => syllables[i] + syllables[(i * 7 + 100) % 400]);
    const korean = Array.from({ length: 300 }, (_, i) => Array.from({ length: 6 }, (_, k) => koreanWords[(i * 6 + k) % 300]).join(" "));
    const corpus = [...english, ...korean];
    const piecesPerWord = (scoring: "likelihood" | "frequency"): number => {
      const tok = trainWordPiece(corpus, { vocabSize: 900, scoring, lowercase: false }).tokenizer;
      const sentence = english[0];
      return tok.tokenize(sentence).length / sentence.split(" ").length;
    };
    const frequency = piecesPerWord("frequency");
    const likelihood = piecesPerWord("likelihood");
    assert.ok(frequency < 1.5, `frequency scoring keeps English words whole-ish: ${frequency.toFixed(2)} pieces/word`);
    assert.ok(likelihood > 2 * frequency, `likelihood scoring spells English out: ${likelihood.toFixed(2)} vs ${frequency.toFixed(2)} pieces/word`);
  });

  it("stops early when no pair is frequent enough", function () {
    const { tokenizer, history } = trainWordPiece("ab ab cd", { vocabSize: 1000 });
    assert.ok(tokenizer.vocab.size < 1000);
    assert.deepEqual(history.map((s) => s.token), ["ab"]);
  });

  it("limitAlphabet keeps the most frequent characters and leaves rare symbols out of the vocabulary", () => {
    const texts = ["오늘 날씨 좋네요", "오늘 날씨 맑아요", "날씨 좋아요 😀", "한자 漢"];
    const limited = trainWordPiece(texts, { vocabSize: 200, lowercase: false, limitAlphabet: 7 }).tokenizer;
    const full = trainWordPiece(texts, { vocabSize: 200, lowercase: false }).tokenizer;
    assert.ok(full.tokenToId("😀") !== undefined, "without a limit every character is in the alphabet");
    assert.equal(limited.tokenToId("😀"), undefined);
    assert.equal(limited.tokenToId("漢"), undefined);
    assert.ok(limited.tokenToId("날") !== undefined && limited.tokenToId("##씨") !== undefined, "the frequent characters stay");
    assert.deepEqual(limited.encode("날씨 😀", null, { addSpecialTokens: false }).tokens.slice(-1), ["[UNK]"]);
    assert.throws(() => trainWordPiece(texts, { vocabSize: 200, limitAlphabet: 0 }), /limitAlphabet must be a positive integer, got 0/);
  });
});
