// %% [markdown] id=intro
// # Exercises 02 · Tokenization
//
// Three questions, **8 points**: 6 graded by the autograder, and 2 for one answer in words that your instructor grades by hand. They follow
// lesson `02-tokenization`, but change what the lesson printed: BPE with another tie-break rule, and WordPiece's
// greedy longest-match that also says where each piece came from.
//
// Fill in every `// YOUR CODE HERE` (delete the `throw` line below it), run the cell, then run the test cell
// under it: `await check("q1")` shows which tests pass, with expected and actual values. The grader runs these
// tests and a few hidden ones (edge cases, exact values) on your functions, so make them work for any input, not
// only for the examples. Do not rename the functions.

// %% [markdown] lang=ko
// # 연습 문제 02 · 토큰화(tokenization)
//
// 세 문제, **8점**이에요. 6점은 자동 채점기(autograder)가 채점하고, 2점은 말로 쓰는 답 하나에 걸려 있는데 이 답은
// 강사가 사람이 직접 채점해요. 문제들은 레슨 `02-tokenization`을 따르지만, 레슨이 출력한 것을 바꿔요. 다른 동점(tie)
// 처리 규칙을 쓰는 BPE, 그리고 각 조각이 어디서 왔는지도 알려 주는 WordPiece의 탐욕적 최장 일치(greedy longest-match)예요.
//
// `// YOUR CODE HERE`를 모두 채우고(그 아래의 `throw` 줄은 지우세요) 셀을 실행한 다음, 그 아래의 테스트 셀을
// 실행하세요. `await check("q1")`은 어떤 테스트를 통과하는지 기댓값과 실제 값을 함께 보여 줘요. 채점기는 이 테스트들과
// 숨겨진 테스트 몇 개(경계 사례(edge case), 정확한 값)를 여러분의 함수에 실행하므로, 예제에서만이 아니라 어떤 입력에도
// 동작하게 만드세요. 함수 이름은 바꾸지 마세요.

// %% id=setup
// The lesson's toy corpus: each word and how often it occurs.
const exampleCounts = new Map<string, number>([["hug", 10], ["pug", 5], ["pun", 12], ["bun", 4], ["hugs", 5]]);
exampleCounts

// %% [markdown] id=q1-text
// ## Q1 · BPE with a different tie-break (3 points)
//
// Lesson 02 trained BPE merge by merge, breaking ties by the order in which symbols first appeared. Write
// `bpeMerges(counts, numMerges)`: BPE training from scratch with **another** rule, returning the merges in order
// as `[a, b]` pairs.
//
// - Every word starts as its list of characters (code points: `[...word]`).
// - A pair's frequency is the sum over words of (occurrences of the adjacent pair in the word) × (the word's count).
// - Each step merges the most frequent pair. On a tie, the pair whose merged symbol `a + b` is **shorter** wins;
//   if still tied, the pair whose key `` `${a} ${b}` `` is smaller as a JavaScript string (`<`) wins.
// - Merging replaces, in every word, each adjacent `a`, `b` (left to right, not overlapping) with `a + b`.
// - Stop after `numMerges` merges, or earlier when no pair occurs at least twice.
//
// *Predict first:* on the lesson's corpus, is the first merge the same as the lesson's? Which step is the first
// where the two tie rules disagree?

// %% [markdown] lang=ko
// ## Q1 · 동점 규칙이 다른 BPE (3점)
//
// 레슨 02에서는 BPE를 병합(merge) 한 번씩 학습시키면서, 동점이면 기호가 처음 나타난 순서로 정했어요. 이번에는 **다른**
// 규칙으로 BPE를 처음부터 학습하는 `bpeMerges(counts, numMerges)`를 작성해 보세요. 병합들을 순서대로 `[a, b]` 쌍으로
// 돌려줘요.
//
// - 처음에 각 단어는 자기 문자들의 목록이에요(코드 포인트(code point) 단위: `[...word]`).
// - 한 쌍의 빈도(frequency)는 단어마다 (그 단어 안에서 그 인접한 쌍이 나오는 횟수) × (그 단어가 나오는 횟수)를 구해,
//   모든 단어에 대해 더한 값이에요.
// - 단계마다 가장 자주 나오는 쌍을 병합해요. 동점이면 병합한 기호 `a + b`가 **더 짧은** 쌍이 이기고, 그것도 같으면 키
//   `` `${a} ${b}` ``가 JavaScript 문자열로서(`<`) 더 작은 쌍이 이겨요.
// - 병합은 모든 단어에서 인접한 `a`, `b`를 (왼쪽에서 오른쪽으로, 겹치지 않게) 하나하나 `a + b`로 바꾸는 거예요.
// - `numMerges`번 병합한 뒤에 멈추고, 두 번 이상 나오는 쌍이 없으면 그보다 먼저 멈춰요.
//
// *먼저 예측해 보세요:* 레슨의 말뭉치(corpus)에서 첫 번째 병합은 레슨의 첫 번째 병합과 같을까요? 두 동점 규칙이 처음으로
// 서로 다른 결과를 내는 것은 몇 번째 단계일까요?

// %% solution id=q1-solution
function bpeMerges(counts: Map<string, number>, numMerges: number): Array<[string, string]> {
  // BEGIN SOLUTION
  let splits = new Map<string, string[]>([...counts.keys()].map((w) => [w, [...w]]));
  const merges: Array<[string, string]> = [];
  while (merges.length < numMerges) {
    const freqs = new Map<string, { pair: [string, string]; freq: number }>();
    for (const [word, symbols] of splits) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        const entry = freqs.get(key) ?? { pair: [symbols[i], symbols[i + 1]] as [string, string], freq: 0 };
        entry.freq += counts.get(word) ?? 0;
        freqs.set(key, entry);
      }
    }
    let best: { key: string; pair: [string, string]; freq: number } | undefined;
    for (const [key, { pair, freq }] of freqs) {
      if (freq < 2) continue;
      const length = [...pair[0] + pair[1]].length;
      const bestLength = best ? [...best.pair[0] + best.pair[1]].length : 0;
      if (!best || freq > best.freq || (freq === best.freq && (length < bestLength || (length === bestLength && key < best.key)))) best = { key, pair, freq };
    }
    if (!best) break;
    const [a, b] = best.pair;
    const next = new Map<string, string[]>();
    for (const [word, symbols] of splits) {
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
          merged.push(a + b);
          i++;
        } else merged.push(symbols[i]);
      }
      next.set(word, merged);
    }
    splits = next;
    merges.push([a, b]);
  }
  return merges;
  // END SOLUTION
}

// %% test id=q1 points=3
import assert from "node:assert";
import { describe, it, check } from "bertlab/check";

describe("q1", () => {
  it("the lesson's corpus, 4 merges", () => {
    assert.deepStrictEqual(bpeMerges(exampleCounts, 4), [["u", "g"], ["u", "n"], ["h", "ug"], ["p", "un"]]);
  }, {
    en: "count each pair over all words times the word's count, merge the best everywhere, and count again: u g (20), then u n (16), then h ug (15); after that p un (12) and p ug (5)... compare frequency first",
    ko: "모든 단어에서 각 쌍을 그 단어의 빈도만큼 세고, 가장 좋은 쌍을 모든 곳에서 병합한 뒤 다시 세어 보세요. u g (20), 다음은 u n (16), 그다음은 h ug (15), 그 뒤로 p un (12)과 p ug (5)... 빈도를 먼저 비교해요",
  });
  it("ties go to the shorter merged symbol, then to the smaller key", () => {
    assert.deepStrictEqual(bpeMerges(new Map([["xyz", 2], ["zz", 2]]), 3), [["x", "y"], ["z", "z"], ["xy", "z"]]);
  }, {
    en: "x y, y z and z z all occur twice: merged length 2 each, so the smaller key \"x y\" wins; next \"xy z\" and \"z z\" tie on frequency and \"zz\" is shorter than \"xyz\"",
    ko: "x y, y z, z z는 모두 두 번 나오고 병합한 길이도 모두 2라서, 더 작은 키인 \"x y\"가 이겨요. 그다음 \"xy z\"와 \"z z\"는 빈도가 같고, \"zz\"가 \"xyz\"보다 짧아요",
  });
  it("the key decides between equally long merges, not the order of appearance", () => {
    assert.deepStrictEqual(bpeMerges(new Map([["ba", 2], ["ab", 2]]), 1), [["a", "b"]]);
  }, {
    en: "\"a b\" < \"b a\" as strings, even though b appears first in the corpus",
    ko: "말뭉치에서 b가 먼저 나오더라도, 문자열로 비교하면 \"a b\" < \"b a\"예요",
  });
  // BEGIN HIDDEN TESTS
  const reference = (counts: Map<string, number>, numMerges: number): Array<[string, string]> => {
    let splits = [...counts].map(([w, n]) => ({ symbols: [...w], n }));
    const merges: Array<[string, string]> = [];
    while (merges.length < numMerges) {
      const freqs = new Map<string, number>();
      for (const { symbols, n } of splits) for (let i = 0; i + 1 < symbols.length; i++) freqs.set(JSON.stringify([symbols[i], symbols[i + 1]]), (freqs.get(JSON.stringify([symbols[i], symbols[i + 1]])) ?? 0) + n);
      const ranked = [...freqs]
        .filter(([, f]) => f >= 2)
        .map(([k, f]) => ({ pair: JSON.parse(k) as [string, string], f }))
        .sort((x, y) => y.f - x.f || [...x.pair.join("")].length - [...y.pair.join("")].length || (x.pair.join(" ") < y.pair.join(" ") ? -1 : 1));
      if (ranked.length === 0) break;
      const [a, b] = ranked[0].pair;
      splits = splits.map(({ symbols, n }) => {
        const out: string[] = [];
        for (let i = 0; i < symbols.length; i++) {
          if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
            out.push(a + b);
            i++;
          } else out.push(symbols[i]);
        }
        return { symbols: out, n };
      });
      merges.push([a, b]);
    }
    return merges;
  };
  it("agrees with the rule on the lesson's corpus to the end", () => {
    assert.deepStrictEqual(bpeMerges(exampleCounts, 50), reference(exampleCounts, 50));
  });
  it("agrees on a larger corpus with many ties", () => {
    const counts = new Map([["low", 5], ["lower", 2], ["newest", 6], ["widest", 3], ["slow", 4], ["lowest", 2], ["new", 3], ["wide", 3]]);
    assert.deepStrictEqual(bpeMerges(counts, 30), reference(counts, 30));
  });
  it("merges left to right without overlap and counts repeated pairs", () => {
    const counts = new Map([["aaaa", 1], ["aaa", 1]]);
    assert.deepStrictEqual(bpeMerges(counts, 5), reference(counts, 5));
  });
  it("handles Korean and emoji as single code points", () => {
    const counts = new Map([["한국어", 3], ["한국", 2], ["😀😀", 2]]);
    assert.deepStrictEqual(bpeMerges(counts, 4), reference(counts, 4));
  });
  it("stops when no pair occurs twice", () => {
    assert.deepStrictEqual(bpeMerges(new Map([["ab", 1], ["cd", 1]]), 3), []);
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · Longest-match-first, with offsets (3 points)
//
// The lesson's `greedyLongestMatch` returned the pieces of a word. A tokenizer must also say **where** each piece
// came from, so that a prediction on a piece can be mapped back to the text (Hugging Face's `offset_mapping`).
// Write `piecesWithOffsets(word, vocab)` returning one `{ piece, start, end }` per piece, where `start`/`end` are
// code-point positions in the word (`end` exclusive):
//
// - Take the longest prefix of the word that is in `vocab`; then, from where it ended, the longest piece that is in
//   `vocab` written with a `##` prefix; and so on to the end of the word.
// - If at some point no piece matches, the whole word is one `{ piece: "[UNK]", start: 0, end: <word length> }`.
// - Like Hugging Face's BERT tokenizer (`max_input_chars_per_word`, 100; Google's original uses 200), a word longer
//   than **100** code points is `[UNK]` without trying.
// - The empty word has no pieces.
//
// The hidden tests compare your pieces with bertlab's `maxMatch`, so write the loop yourself: calling `maxMatch`
// scores zero.

// %% [markdown] lang=ko
// ## Q2 · 최장 일치 우선, 오프셋(offset) 포함 (3점)
//
// 레슨의 `greedyLongestMatch`는 단어의 조각들을 돌려줬어요. 토크나이저(tokenizer)는 각 조각이 **어디서** 왔는지도 알려
// 줘야 해요. 그래야 조각에 대한 예측을 텍스트에 다시 연결할 수 있어요(Hugging Face의 `offset_mapping`). 조각마다
// `{ piece, start, end }`를 하나씩 돌려주는 `piecesWithOffsets(word, vocab)`를 작성해 보세요. `start`/`end`는 단어 안의
// 코드 포인트(code point) 위치예요(`end`는 포함하지 않아요).
//
// - `vocab`에 있는 단어의 가장 긴 접두사(prefix)를 잡으세요. 그다음 그것이 끝난 곳에서부터, 앞에 `##`를 붙여 적었을 때
//   `vocab`에 있는 가장 긴 조각을 잡고, 이렇게 단어 끝까지 계속해요.
// - 어느 시점에서든 맞는 조각이 없으면, 단어 전체가 `{ piece: "[UNK]", start: 0, end: <word length> }` 하나가 돼요.
// - Hugging Face의 BERT 토크나이저처럼(`max_input_chars_per_word`, 100. Google의 원래 구현은 200), 코드 포인트가
//   **100**개보다 많은 단어는 시도해 보지도 않고 `[UNK]`가 돼요.
// - 빈 단어에는 조각이 없어요.
//
// 숨겨진 테스트는 여러분의 조각을 bertlab의 `maxMatch`와 비교하므로, 반복문은 직접 작성하세요. `maxMatch`를 호출하면
// 0점이에요.

// %% solution id=q2-solution
function piecesWithOffsets(word: string, vocab: Set<string>): Array<{ piece: string; start: number; end: number }> {
  // BEGIN SOLUTION
  const chars = [...word];
  if (chars.length > 100) return [{ piece: "[UNK]", start: 0, end: chars.length }];
  const pieces: Array<{ piece: string; start: number; end: number }> = [];
  let start = 0;
  while (start < chars.length) {
    let end = chars.length;
    let piece: string | undefined;
    for (; end > start; end--) {
      const candidate = (start > 0 ? "##" : "") + chars.slice(start, end).join("");
      if (vocab.has(candidate)) {
        piece = candidate;
        break;
      }
    }
    if (piece === undefined) return [{ piece: "[UNK]", start: 0, end: chars.length }];
    pieces.push({ piece, start, end });
    start = end;
  }
  return pieces;
  // END SOLUTION
}

// %% test id=q2 points=3
import assert from "node:assert";
import { describe, it, check, referenceLibrary, localize } from "bertlab/check";

// bertlab for the tests; your function must not call maxMatch itself.
const lib = referenceLibrary("q2", { without: ["maxMatch"] });
const q2Vocab = new Set(["[UNK]", "un", "una", "##aff", "##ffa", "##able", "##ble", "##a", "##f", "play", "##ing", "##s", "p", "##l", "한", "##국", "##어"]);
describe("q2", () => {
  it("unaffable is una ##ffa ##ble at 0-3, 3-6, 6-9", () => {
    assert.deepStrictEqual(piecesWithOffsets("unaffable", q2Vocab), [
      { piece: "una", start: 0, end: 3 },
      { piece: "##ffa", start: 3, end: 6 },
      { piece: "##ble", start: 6, end: 9 },
    ]);
  }, {
    en: "the first piece is the longest prefix in vocab (\"una\", not \"un\"); later pieces are looked up with \"##\" in front, and start/end count characters of the word, not of the piece",
    ko: "첫 조각은 vocab에 있는 가장 긴 접두사예요(\"un\"이 아니라 \"una\"). 다음 조각들은 앞에 \"##\"를 붙여서 찾고, start/end는 조각 안이 아니라 단어 안에서의 문자 위치예요",
  });
  it("a word whose rest matches nothing is one [UNK] covering the word", () => {
    assert.deepStrictEqual(piecesWithOffsets("playx", q2Vocab), [{ piece: "[UNK]", start: 0, end: 5 }]);
  }, {
    en: "when no piece matches, return only [UNK] for the whole word, not the pieces found so far",
    ko: "맞는 조각이 없으면 지금까지 찾은 조각들을 버리고, 단어 전체에 대해 [UNK] 하나만 돌려주세요",
  });
  it("offsets count code points: 한국어", () => {
    assert.deepStrictEqual(piecesWithOffsets("한국어", q2Vocab), [
      { piece: "한", start: 0, end: 1 },
      { piece: "##국", start: 1, end: 2 },
      { piece: "##어", start: 2, end: 3 },
    ]);
  }, {
    en: "split the word with [...word], not word.length or word[i]",
    ko: "단어는 word.length나 word[i]가 아니라 [...word]로 나누세요",
  });
  // BEGIN HIDDEN TESTS
  it("agrees with maxMatch on a trained vocabulary", () => {
    const text = "playing players played unaffable affable unable tables label labelled hugging hugs 한국어 한국 국어 😀";
    const vocab = lib.trainWordPiece(text, { vocabSize: 70, lowercase: false }).tokenizer.vocab;
    const asSet = new Set(vocab.tokens.filter((t): t is string => typeof t === "string"));
    for (const w of ["playing", "unaffable", "label", "labels", "hugs", "한국어", "국어한", "😀", "zebra", "p", "ppp", "a".repeat(101)]) {
      const got = piecesWithOffsets(w, asSet);
      assert.deepStrictEqual(got.map((p) => p.piece), lib.maxMatch(w, vocab), localize({ en: `word ${w.length > 20 ? `of ${w.length} characters` : w}`, ko: `${w.length > 20 ? `${w.length}글자짜리 단어` : `단어 ${w}`}` }));
      const chars = [...w];
      for (const p of got) if (p.piece !== "[UNK]") assert.strictEqual(p.piece.replace(/^##/, ""), chars.slice(p.start, p.end).join(""), localize({ en: `offsets of ${p.piece} in ${w}`, ko: `${w} 안에서 ${p.piece}의 오프셋(offset)` }));
    }
  });
  it("a word of more than 100 characters is [UNK] even when it could be split", () => {
    const long = "p".repeat(101);
    assert.deepStrictEqual(piecesWithOffsets(long, new Set(["p", "##p"])), [{ piece: "[UNK]", start: 0, end: 101 }]);
    assert.strictEqual(piecesWithOffsets("p".repeat(100), new Set(["p", "##p"])).length, 100);
  });
  it("prefers the longest first piece even when a shorter one leads to a full match", () => {
    assert.deepStrictEqual(piecesWithOffsets("unab", new Set(["un", "una", "##ab"])), [{ piece: "[UNK]", start: 0, end: 4 }]);
  });
  it("returns [] for the empty word", () => {
    assert.deepStrictEqual(piecesWithOffsets("", q2Vocab), []);
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · Explain (2 points, graded by your instructor)
//
// In the lesson, BPE's first merge on the toy corpus was `u g` (frequency 20), while WordPiece's score
// freq(ab) / (freq(a) × freq(b)) picked `##g ##s` (frequency 5). In two to four sentences, using those numbers:
// why does the score prefer a rarer pair, and what kind of vocabulary does that produce compared with BPE?

// %% [markdown] lang=ko
// ## Q3 · 설명하기 (2점, 강사가 사람이 직접 채점해요)
//
// 레슨에서 장난감 말뭉치(toy corpus)에 대한 BPE의 첫 병합은 `u g`(빈도 20)였고, WordPiece의 점수
// freq(ab) / (freq(a) × freq(b))는 `##g ##s`(빈도 5)를 골랐어요. 그 숫자들을 써서 2~4문장으로 답해 보세요. 이 점수는 왜
// 더 드문 쌍을 선호할까요? 그리고 그 결과 BPE와 비교해 어떤 어휘 집합(vocabulary)이 만들어질까요?

// %% [markdown] solution id=q3-answer points=2
// The score divides by how common the two parts are: `##g` occurs 20 times and `##s` only 5, and every `##s` is
// preceded by `##g`, so 5 / (20 × 5) = 0.05 beats `##u ##g`'s 20 / (36 × 20) ≈ 0.028, whose parts also occur in
// many other pairs. WordPiece merges pairs whose parts almost always occur together (a likelihood gain), not the
// most frequent pair, so it builds rare but "sticky" pieces early and keeps frequent building blocks such as
// `##u` separate longer than BPE would.

// %% [markdown] lang=ko
// 이 점수는 두 부분이 얼마나 흔한지로 나눕니다. `##g`는 20번 나오고 `##s`는 5번뿐이며, 모든 `##s` 앞에는 `##g`가
// 옵니다. 그래서 5 / (20 × 5) = 0.05가 `##u ##g`의 20 / (36 × 20) ≈ 0.028을 이기는데, `##u ##g`의 두 부분은 다른
// 여러 쌍에도 나옵니다. WordPiece는 가장 자주 나오는 쌍이 아니라 두 부분이 거의 언제나 함께 나오는 쌍을
// 병합합니다(가능도(likelihood) 증가). 그래서 드물지만 "잘 달라붙는"(sticky) 조각을 일찍 만들고, `##u` 같은 자주 쓰이는
// 구성 요소는 BPE보다 더 오래 따로 둡니다.

// %% [markdown] id=outro
// ## Done
//
// With the checks green you have trained BPE under a tie rule of your own and written the lookup that BERT's
// tokenizer runs on every word, offsets included. Submit this notebook as it is (the grader re-runs it from the top).

// %% [markdown] lang=ko
// ## 완료
//
// 검사가 모두 초록색이면, 여러분은 직접 구현한 동점 규칙으로 BPE를 학습시켰고, BERT의 토크나이저가 모든 단어에 대해
// 실행하는 조회(lookup)를 오프셋까지 포함해 작성한 거예요. 이 노트북을 그대로 제출하세요(채점기가 처음부터 다시
// 실행해요).
