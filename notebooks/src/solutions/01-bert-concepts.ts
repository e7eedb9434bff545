// %% [markdown] id=intro
// # Exercises 01 · What BERT is
//
// Three questions, **7 points**: 5 graded by the autograder, and 2 for one answer in words that your instructor grades by hand. They follow
// lesson `01-bert-concepts`, but ask for what the lesson did not build: a third attention pattern, and the
// masked-LM rule applied to whole words.
//
// Fill in every `// YOUR CODE HERE` (delete the `throw` line below it), run the cell, then run the test cell
// under it: `await check("q1")` shows which tests pass, with expected and actual values. The grader also runs
// hidden tests (other seeds, edge cases), so make your functions work for any input. Do not rename them.
// Random choices come from bertlab's seeded `Random` (methods `next()` in [0, 1), `int(n)` in [0, n),
// `shuffle(array)` in place, returning the array), so that the same seed always gives the same answer.

// %% [markdown] lang=ko
// # 연습 문제 01 · BERT란 무엇인가
//
// 세 문제, **7점**이에요. 5점은 자동 채점기(autograder)가 채점하고, 2점은 말로 쓰는 답 하나에 걸려 있는데 이 답은
// 강사가 사람이 직접 채점해요. 문제들은 레슨 `01-bert-concepts`를 따르지만, 레슨에서 만들지 않은 것을 물어요. 세 번째
// 어텐션(attention) 패턴, 그리고 단어 전체에 적용한 마스크 언어 모델(masked LM) 규칙이에요.
//
// `// YOUR CODE HERE`를 모두 채우고(그 아래의 `throw` 줄은 지우세요) 셀을 실행한 다음, 그 아래의 테스트 셀을
// 실행하세요. `await check("q1")`은 어떤 테스트를 통과하는지 기댓값과 실제 값을 함께 보여 줘요. 채점기는 숨겨진
// 테스트(다른 시드(seed), 경계 사례(edge case))도 실행하므로, 함수가 어떤 입력에도 동작하게 만드세요. 함수 이름은
// 바꾸지 마세요. 무작위 선택은 bertlab의 시드를 준 `Random`에서 나와요(메서드는 [0, 1) 범위의 값을 주는 `next()`,
// [0, n) 범위의 값을 주는 `int(n)`, 배열을 제자리에서 섞고 그 배열을 돌려주는 `shuffle(array)`예요). 그래서 같은
// 시드는 언제나 같은 답을 줘요.

// %% id=setup
import { Random } from "bertlab";

const demoRng = new Random(42);
[demoRng.next(), demoRng.int(10), demoRng.shuffle([1, 2, 3, 4])]

// %% [markdown] id=q1-text
// ## Q1 · A prefix-LM attention mask (2 points)
//
// The lesson drew two masks: BERT's bidirectional one, where every token sees every token, and the causal
// (left-to-right) one. Models such as UniLM and T5's "prefix LM" mix them: the first `prefixLength` positions
// (the prompt) see each other in both directions, and every later position sees the whole prefix plus the
// positions up to itself.
//
// Write `prefixLmMask(inputMask, prefixLength)`: the query × key matrix of 1 (may attend) and 0 (blocked) for one
// sequence. Row `q` is the query, column `k` the key. Key `k` is visible to query `q` when it is a real token
// (`inputMask[k] === 1`) **and** either lies in the prefix (`k < prefixLength`) or is not in the future (`k <= q`).
//
// *Before you run the tests, predict:* which mask do you get with `prefixLength = 0`? And with `prefixLength`
// equal to the sequence length?

// %% [markdown] lang=ko
// ## Q1 · 프리픽스 LM(prefix LM) 어텐션 마스크 (2점)
//
// 레슨에서는 마스크(mask) 두 가지를 그렸어요. 모든 토큰이 모든 토큰을 보는 BERT의 양방향(bidirectional) 마스크와,
// 인과(causal, 왼쪽에서 오른쪽으로 읽는) 마스크예요. UniLM이나 T5의 "prefix LM" 같은 모델은 이 둘을 섞어요. 처음
// `prefixLength`개 위치(프롬프트(prompt))는 서로를 양방향으로 보고, 그 뒤의 모든 위치는 프리픽스(prefix) 전체와 자기
// 자신까지의 위치들을 봐요.
//
// 시퀀스 하나에 대해 1(어텐션할 수 있음)과 0(막힘)으로 된 쿼리(query) × 키(key) 행렬을 돌려주는
// `prefixLmMask(inputMask, prefixLength)`를 작성해 보세요. `q`행은 쿼리이고 `k`열은 키예요. 키 `k`가 실제 토큰이고
// (`inputMask[k] === 1`) **그리고** 프리픽스 안에 있거나(`k < prefixLength`) 미래에 있지 않으면(`k <= q`), 쿼리 `q`는
// 키 `k`를 볼 수 있어요.
//
// *테스트를 실행하기 전에 예측해 보세요:* `prefixLength = 0`이면 어떤 마스크가 나올까요? 그리고 `prefixLength`가
// 시퀀스 길이와 같으면요?

// %% solution id=q1-solution
function prefixLmMask(inputMask: number[], prefixLength: number): number[][] {
  // BEGIN SOLUTION
  return inputMask.map((_, q) => inputMask.map((m, k) => (m === 1 && (k < prefixLength || k <= q) ? 1 : 0)));
  // END SOLUTION
}

// %% test id=q1 points=2
import assert from "node:assert";
import { describe, it, check } from "bertlab/check";

describe("q1", () => {
  it("a prefix of 2 in 4 real tokens", () => {
    assert.deepStrictEqual(prefixLmMask([1, 1, 1, 1], 2), [
      [1, 1, 0, 0],
      [1, 1, 0, 0],
      [1, 1, 1, 0],
      [1, 1, 1, 1],
    ]);
  }, {
    en: "rows 0 and 1 (the prefix) see both prefix positions, row 0 included; rows after the prefix see the prefix and keys up to themselves",
    ko: "0행과 1행(프리픽스)은 0행을 포함해 프리픽스의 두 위치를 모두 봐요. 프리픽스 뒤의 행들은 프리픽스와, 자기 자신까지의 키를 봐요",
  });
  it("padding columns are always 0", () => {
    assert.deepStrictEqual(prefixLmMask([1, 1, 1, 0], 1), [
      [1, 0, 0, 0],
      [1, 1, 0, 0],
      [1, 1, 1, 0],
      [1, 1, 1, 0],
    ]);
  }, {
    en: "a key with inputMask[k] === 0 is blocked for every query, even inside the prefix or in the past",
    ko: "inputMask[k] === 0인 키는 프리픽스 안에 있든 과거에 있든, 모든 쿼리에 대해 막혀야 해요",
  });
  // BEGIN HIDDEN TESTS
  it("prefixLength 0 is the causal mask and a full prefix the bidirectional one", () => {
    const n = 5;
    const real = new Array(n).fill(1);
    assert.deepStrictEqual(prefixLmMask(real, 0), real.map((_, q) => real.map((__, k) => (k <= q ? 1 : 0))));
    assert.deepStrictEqual(prefixLmMask(real, n), real.map(() => real.slice()));
    assert.deepStrictEqual(prefixLmMask(real, n + 3), real.map(() => real.slice()));
  });
  it("a prefix with padding inside it", () => {
    assert.deepStrictEqual(prefixLmMask([1, 0, 1, 1, 0], 3), [
      [1, 0, 1, 0, 0],
      [1, 0, 1, 0, 0],
      [1, 0, 1, 0, 0],
      [1, 0, 1, 1, 0],
      [1, 0, 1, 1, 0],
    ]);
  });
  it("an empty sequence gives an empty matrix", () => {
    assert.deepStrictEqual(prefixLmMask([], 2), []);
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · Whole-word masking (3 points)
//
// The lesson masked single WordPieces. In 2019 Google released BERT models trained with **whole-word masking**:
// when one piece of a word is chosen, every piece of that word is. (Masking only `##able` of `un ##aff ##able`
// leaves an easy puzzle.) Write `wholeWordMask(tokens, replacements, rng)` returning `{ tokens, positions, labels }`:
//
// 1. A token written like `[CLS]` (capital letters in square brackets) is special and never chosen. Every other
//    token starts a new word, unless it starts with `##` and a word is already open, in which case it joins that
//    word. A word is the list of its positions.
// 2. `budget = max(1, round(0.15 × number of non-special tokens))`. If there are no words, return a copy of the
//    tokens with empty `positions` and `labels`.
// 3. Shuffle the list of words with `rng.shuffle` (words in sentence order before shuffling). Go through the
//    shuffled words: stop once you have `budget` positions; **skip** a word whose positions would take you over
//    the budget; otherwise take all its positions. (This is what Google's `create_pretraining_data.py` does.)
// 4. Sort the chosen positions ascending: these are `positions`; `labels` are the original tokens there.
// 5. For each position in ascending order draw `r = rng.next()`: below 0.8 put `"[MASK]"`; below 0.9 put
//    `replacements[rng.int(replacements.length)]`; otherwise leave the token.
//
// Do not change the input array. bertlab's `maskTokens` has a `wholeWord` option; write the loop yourself: calling
// `maskTokens` scores zero.

// %% [markdown] lang=ko
// ## Q2 · 전체 단어 마스킹 (3점)
//
// 레슨에서는 WordPiece 조각을 하나씩 마스킹했어요. 2019년에 Google은 **전체 단어 마스킹**(whole-word masking)으로 학습한
// BERT 모델들을 공개했어요. 한 단어의 조각 하나가 골라지면, 그 단어의 모든 조각이 골라져요. (`un ##aff ##able`에서
// `##able`만 가리면 쉬운 퍼즐이 남아요.) `{ tokens, positions, labels }`를 돌려주는
// `wholeWordMask(tokens, replacements, rng)`를 작성해 보세요.
//
// 1. `[CLS]`처럼 적힌 토큰(대괄호 안의 대문자)은 특수 토큰(special token)이고, 절대 골라지지 않아요. 그 밖의 모든
//    토큰은 새 단어를 시작해요. 단, `##`로 시작하고 이미 열려 있는 단어가 있으면 그 단어에 합류해요. 단어는 그 단어에
//    속한 위치들의 목록이에요.
// 2. `budget = max(1, round(0.15 × 특수 토큰이 아닌 토큰의 수))`예요. 단어가 하나도 없으면 토큰의 복사본과 빈
//    `positions`, 빈 `labels`를 돌려주세요.
// 3. 단어 목록을 `rng.shuffle`로 섞으세요(섞기 전에는 단어들이 문장 순서대로 있어요). 섞은 단어들을 차례로 보면서,
//    위치를 `budget`개 모았으면 멈추고, 그 단어의 위치들을 더하면 예산(budget)을 넘게 되는 단어는 **건너뛰고**, 그렇지
//    않으면 그 단어의 위치를 모두 가져가세요. (Google의 `create_pretraining_data.py`가 이렇게 해요.)
// 4. 고른 위치들을 오름차순으로 정렬하세요. 이것이 `positions`이고, `labels`는 그 위치에 있던 원래 토큰들이에요.
// 5. 오름차순으로 위치마다 `r = rng.next()`를 뽑으세요. 0.8 미만이면 `"[MASK]"`를 넣고, 0.9 미만이면
//    `replacements[rng.int(replacements.length)]`를 넣고, 그 밖에는 토큰을 그대로 두세요.
//
// 입력 배열은 바꾸지 마세요. bertlab의 `maskTokens`에는 `wholeWord` 옵션이 있지만, 반복문은 직접 작성하세요.
// `maskTokens`를 호출하면 0점이에요.

// %% solution id=q2-solution
function wholeWordMask(tokens: string[], replacements: string[], rng: Random): { tokens: string[]; positions: number[]; labels: string[] } {
  // BEGIN SOLUTION
  const special = (t: string) => /^\[[A-Z]+\]$/.test(t);
  const words: number[][] = [];
  let open = false;
  tokens.forEach((t, i) => {
    if (special(t)) {
      open = false;
      return;
    }
    if (t.startsWith("##") && open) words[words.length - 1].push(i);
    else {
      words.push([i]);
      open = true;
    }
  });
  if (words.length === 0) return { tokens: tokens.slice(), positions: [], labels: [] };
  const budget = Math.max(1, Math.round(0.15 * tokens.filter((t) => !special(t)).length));
  const chosen: number[] = [];
  for (const word of rng.shuffle(words)) {
    if (chosen.length >= budget) break;
    if (chosen.length + word.length > budget) continue;
    chosen.push(...word);
  }
  chosen.sort((a, b) => a - b);
  const out = tokens.slice();
  for (const p of chosen) {
    const r = rng.next();
    if (r < 0.8) out[p] = "[MASK]";
    else if (r < 0.9) out[p] = replacements[rng.int(replacements.length)];
  }
  return { tokens: out, positions: chosen, labels: chosen.map((p) => tokens[p]) };
  // END SOLUTION
}

// %% test id=q2 points=3
import assert from "node:assert";
import { describe, it, check, referenceLibrary, localize } from "bertlab/check";
import { Random } from "bertlab";

// bertlab's maskTokens has a wholeWord option: the answer must be the student's own loop, not a call to it.
referenceLibrary("q2", { without: ["maskTokens"] });

const q2Sentence = ["[CLS]", "the", "un", "##aff", "##able", "dog", "##s", "ran", "to", "the", "park", "and", "sat", "down", "by", "the", "big", "tree", "##s", "[SEP]"];
const q2Replacements = ["cat", "sky", "blue", "run"];
describe("q2", () => {
  it("seed 7 masks the whole word un ##aff ##able", () => {
    const got = wholeWordMask(q2Sentence, q2Replacements, new Random(7));
    assert.deepStrictEqual(got.positions, [2, 3, 4]);
    assert.deepStrictEqual(got.labels, ["un", "##aff", "##able"]);
  }, {
    en: "group ## pieces with the word before them, shuffle the list of words once, take whole words up to the budget (18 non-special tokens: round(2.7) = 3)",
    ko: "## 조각은 앞 단어에 묶고, 단어 목록을 한 번만 섞은 다음, 예산만큼 단어를 통째로 고르세요(특수 토큰이 아닌 토큰이 18개이니 round(2.7) = 3)",
  });
  it("never splits a word and never exceeds the budget", () => {
    for (let seed = 0; seed < 50; seed++) {
      const got = wholeWordMask(q2Sentence, q2Replacements, new Random(seed));
      assert.ok(got.positions.length >= 1 && got.positions.length <= 3, localize({ en: `seed ${seed}: ${got.positions.length} positions for a budget of 3`, ko: `시드 ${seed}: 예산은 3인데 위치를 ${got.positions.length}개 골랐어요` }));
      for (const word of [[2, 3, 4], [5, 6], [17, 18]]) {
        const taken = word.filter((p) => got.positions.includes(p)).length;
        assert.ok(taken === 0 || taken === word.length, localize({ en: `seed ${seed}: positions [${got.positions}] take part of the word at [${word}]`, ko: `시드 ${seed}: 고른 위치 [${got.positions}]에 [${word}] 단어의 일부만 들어 있어요` }));
      }
    }
  }, {
    en: "a word whose positions do not all fit is skipped, not cut; [CLS] and [SEP] are never chosen",
    ko: "위치가 예산에 다 들어가지 않는 단어는 자르지 말고 건너뛰어요. [CLS]와 [SEP]는 절대 고르지 않아요",
  });
  // BEGIN HIDDEN TESTS
  const reference = (tokens: string[], replacements: string[], rng: Random) => {
    const special = (t: string) => /^\[[A-Z]+\]$/.test(t);
    const words: number[][] = [];
    let open = false;
    tokens.forEach((t, i) => {
      if (special(t)) open = false;
      else if (t.startsWith("##") && open) words[words.length - 1].push(i);
      else {
        words.push([i]);
        open = true;
      }
    });
    if (words.length === 0) return { tokens: tokens.slice(), positions: [] as number[], labels: [] as string[] };
    const budget = Math.max(1, Math.round(0.15 * tokens.filter((t) => !special(t)).length));
    const chosen: number[] = [];
    for (const word of rng.shuffle(words)) {
      if (chosen.length >= budget) break;
      if (chosen.length + word.length <= budget) chosen.push(...word);
    }
    chosen.sort((a, b) => a - b);
    const out = tokens.slice();
    for (const p of chosen) {
      const r = rng.next();
      if (r < 0.8) out[p] = "[MASK]";
      else if (r < 0.9) out[p] = replacements[rng.int(replacements.length)];
    }
    return { tokens: out, positions: chosen, labels: chosen.map((p) => tokens[p]) };
  };
  it("follows the draw order exactly on 300 seeds and sentences", () => {
    const pieces = ["a", "b", "##c", "##d", "e", "##f", "g", "h", "##i", "j"];
    for (let seed = 0; seed < 300; seed++) {
      const r = new Random(1000 + seed);
      const tokens = ["[CLS]", ...Array.from({ length: 3 + (seed % 30) }, () => pieces[r.int(pieces.length)]), "[SEP]", ...(seed % 3 === 0 ? ["[PAD]", "[PAD]"] : [])];
      assert.deepStrictEqual(wholeWordMask(tokens, q2Replacements, new Random(seed)), reference(tokens, q2Replacements, new Random(seed)), localize({ en: `seed ${seed}`, ko: `시드 ${seed}` }));
    }
  });
  it("a ## piece right after [CLS] starts a word of its own", () => {
    const tokens = ["[CLS]", "##x", "##y", "[SEP]"];
    assert.deepStrictEqual(wholeWordMask(tokens, q2Replacements, new Random(3)), reference(tokens, q2Replacements, new Random(3)));
  });
  it("only special tokens: an unchanged copy", () => {
    const tokens = ["[CLS]", "[SEP]"];
    const got = wholeWordMask(tokens, q2Replacements, new Random(0));
    assert.deepStrictEqual(got, { tokens: ["[CLS]", "[SEP]"], positions: [], labels: [] });
    assert.notStrictEqual(got.tokens, tokens);
  });
  it("does not change its input", () => {
    const tokens = q2Sentence.slice();
    wholeWordMask(tokens, q2Replacements, new Random(5));
    assert.deepStrictEqual(tokens, q2Sentence);
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · Explain (2 points, graded by your instructor)
//
// Your prefix-LM mask and BERT's mask differ only in which keys a position may see. In two to four sentences:
// why can BERT not be trained to predict the **next** word with its bidirectional mask, and what does a
// left-to-right or prefix-LM model gain that BERT gives up? Write your answer in the cell below.

// %% [markdown] lang=ko
// ## Q3 · 설명하기 (2점, 강사가 사람이 직접 채점해요)
//
// 여러분이 만든 프리픽스 LM 마스크와 BERT의 마스크는 한 위치가 어떤 키를 볼 수 있느냐만 달라요. 2~4문장으로 답해
// 보세요. BERT는 왜 양방향 마스크로는 **다음** 단어를 예측하도록 학습시킬 수 없을까요? 그리고 왼쪽에서 오른쪽으로
// 읽는 모델이나 프리픽스 LM 모델이 얻는 것, 곧 BERT가 포기하는 것은 무엇일까요? 답은 아래 셀에 쓰세요.

// %% [markdown] solution id=q3-answer points=2
// With a bidirectional mask every position sees every other, including the word it would have to predict next,
// so "predict the next word" is trivially solved by copying; BERT therefore hides the words it predicts
// ([MASK]) instead. A left-to-right (or prefix-LM) model never sees the future, so it can be trained on every
// position at once and can generate text token by token; BERT gives that up in exchange for representations
// that use context on both sides, and learns from only the ~15% of positions it masks.

// %% [markdown] lang=ko
// 양방향 마스크에서는 모든 위치가 다른 모든 위치를 보며, 여기에는 다음에 예측해야 할 단어도 포함됩니다. 그래서 "다음
// 단어 예측"은 베끼기만 하면 풀리는 하찮은 과제가 되고, 이 때문에 BERT는 대신 자기가 예측할 단어를 가립니다([MASK]).
// 왼쪽에서 오른쪽으로 읽는(또는 프리픽스 LM) 모델은 미래를 절대 보지 않으므로, 모든 위치에서 한꺼번에 학습할 수 있고
// 텍스트를 토큰 하나씩 생성할 수 있습니다. BERT는 양쪽 문맥을 모두 쓰는 표현(representation)을 얻는 대가로 이것을
// 포기하며, 자기가 마스크한 약 15%의 위치에서만 배웁니다.

// %% [markdown] id=outro
// ## Done
//
// With the checks green you have written a third attention pattern and the masking rule Google's later BERT
// models used. Submit this notebook as it is (the grader re-runs it from the top).

// %% [markdown] lang=ko
// ## 완료
//
// 검사가 모두 초록색이면, 여러분은 세 번째 어텐션 패턴과 Google의 이후 BERT 모델들이 쓴 마스킹 규칙을 작성한 거예요.
// 이 노트북을 그대로 제출하세요(채점기가 처음부터 다시 실행해요).
