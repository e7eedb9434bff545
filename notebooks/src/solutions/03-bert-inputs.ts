// %% [markdown] id=intro
// # Exercises 03 · BERT's three inputs
//
// Three questions, **7 points**: 5 graded by the autograder, and 2 for one answer in words that your instructor grades by hand. They follow
// lesson `03-bert-inputs`, which packed pairs the BERT way and turned `input_mask` into the additive mask. Here
// you pack a pair the way another model does, and build a mask the lesson did not.
//
// Fill in every `// YOUR CODE HERE` (delete the `throw` line below it), run the cell, then run the test cell
// under it: `await check("q1")` shows which tests pass, with expected and actual values. The grader also runs
// hidden tests (edge cases, exact values), so make your functions work for any input. Do not rename them.

// %% [markdown] lang=ko
// # 연습 문제 03 · BERT의 세 가지 입력
//
// 세 문제, **7점**이에요. 5점은 자동 채점기(autograder)가 채점하고, 2점은 말로 쓰는 답 하나에 걸려 있는데 이 답은
// 강사가 사람이 직접 채점해요. 문제들은 레슨 `03-bert-inputs`를 따라요. 그 레슨에서는 쌍을 BERT 방식으로 묶고,
// `input_mask`를 덧셈 마스크(additive mask)로 바꿨어요. 여기서는 다른 모델의 방식으로 쌍을 묶고, 레슨에서 만들지 않은
// 마스크를 만들어요.
//
// `// YOUR CODE HERE`를 모두 채우고(그 아래의 `throw` 줄은 지우세요) 셀을 실행한 다음, 그 아래의 테스트 셀을
// 실행하세요. `await check("q1")`은 어떤 테스트를 통과하는지 기댓값과 실제 값을 함께 보여 줘요. 채점기는 숨겨진
// 테스트(경계 사례(edge case), 정확한 값)도 실행하므로, 함수가 어떤 입력에도 동작하게 만드세요. 함수 이름은 바꾸지
// 마세요.

// %% id=setup
// WordPiece tokens of two short texts, as a tokenizer would give them (no special tokens yet).
const questionTokens = ["is", "the", "bank", "open", "today", "?"];
const answerTokens = ["yes", ",", "until", "nine", "."];
[questionTokens.length, answerTokens.length]

// %% [markdown] id=q1-text
// ## Q1 · Another pair encoding: RoBERTa's (3 points)
//
// BERT packs a pair as `[CLS] A [SEP] B [SEP]` with segment ids. RoBERTa (2019) dropped segment ids and packs a
// pair as `<s> A </s> </s> B </s>`: four special tokens, two separators in the middle. Question-answering
// pipelines usually truncate **only the second text** (the passage), never the question.
//
// Write `packRobertaPair(tokensA, tokensB, maxLength)` returning `{ tokens, attentionMask }`, both of length
// exactly `maxLength`:
//
// 1. If A alone does not fit (`tokensA.length + 4 > maxLength`), throw an `Error` whose message says that the first
//    text needs `tokensA.length + 4` positions but `maxLength` is smaller (name both numbers).
// 2. Otherwise remove tokens from the **end of B** until `tokensA.length + tokensB.length + 4 <= maxLength`.
// 3. Pack `<s> A </s> </s> B </s>`, then pad with `<pad>`: `attentionMask` is 1 for every packed token, 0 for padding.
//
// Do not change the input arrays.

// %% [markdown] lang=ko
// ## Q1 · 또 다른 쌍 인코딩: RoBERTa의 방식 (3점)
//
// BERT는 쌍을 세그먼트 ID(segment ids)와 함께 `[CLS] A [SEP] B [SEP]`로 묶어요. RoBERTa(2019)는 세그먼트 ID를 없애고,
// 쌍을 `<s> A </s> </s> B </s>`로 묶어요. 특수 토큰(special token)이 네 개이고, 가운데에 구분자(separator)가 두 개
// 있어요. 질의응답(question answering) 파이프라인은 자르기(truncation)를 할 때 보통 지문(passage)인 **두 번째 텍스트만**
// 자르고, 질문은 절대 자르지 않아요.
//
// 길이가 둘 다 정확히 `maxLength`인 `{ tokens, attentionMask }`를 돌려주는 `packRobertaPair(tokensA, tokensB, maxLength)`를
// 작성해 보세요.
//
// 1. A만으로도 들어가지 않으면(`tokensA.length + 4 > maxLength`), 첫 번째 텍스트에는 `tokensA.length + 4`개 위치가
//    필요한데 `maxLength`가 그보다 작다고 말하는 메시지로 `Error`를 던지세요(두 숫자를 모두 밝히세요).
// 2. 그렇지 않으면 `tokensA.length + tokensB.length + 4 <= maxLength`가 될 때까지 **B의 끝에서** 토큰을 빼세요.
// 3. `<s> A </s> </s> B </s>`로 묶은 다음 `<pad>`로 패딩(padding)하세요. `attentionMask`는 묶은 토큰마다 1, 패딩에는
//    0이에요.
//
// 입력 배열은 바꾸지 마세요.

// %% solution id=q1-solution
function packRobertaPair(tokensA: string[], tokensB: string[], maxLength: number): { tokens: string[]; attentionMask: number[] } {
  // BEGIN SOLUTION
  if (tokensA.length + 4 > maxLength) {
    throw new Error(`the first text needs ${tokensA.length + 4} positions with its special tokens, but maxLength is ${maxLength}`);
  }
  const b = tokensB.slice(0, Math.max(0, maxLength - 4 - tokensA.length));
  const tokens = ["<s>", ...tokensA, "</s>", "</s>", ...b, "</s>"];
  const attentionMask = tokens.map(() => 1);
  while (tokens.length < maxLength) {
    tokens.push("<pad>");
    attentionMask.push(0);
  }
  return { tokens, attentionMask };
  // END SOLUTION
}

// %% test id=q1 points=3
import assert from "node:assert";
import { describe, it, check, localize } from "bertlab/check";

describe("q1", () => {
  it("packs and pads a short pair to 12", () => {
    assert.deepStrictEqual(packRobertaPair(["is", "it", "open", "?"], ["yes", "."], 12), {
      tokens: ["<s>", "is", "it", "open", "?", "</s>", "</s>", "yes", ".", "</s>", "<pad>", "<pad>"],
      attentionMask: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0],
    });
  }, {
    en: "<s> A </s> </s> B </s>: two separators between the texts, one at the end; then <pad> with mask 0",
    ko: "<s> A </s> </s> B </s>: 두 텍스트 사이에 구분자 두 개, 끝에 하나가 오고, 그 뒤는 마스크가 0인 <pad>로 채워요",
  });
  it("truncates only the second text", () => {
    const got = packRobertaPair(questionTokens, answerTokens, 13);
    assert.deepStrictEqual(got.tokens, ["<s>", "is", "the", "bank", "open", "today", "?", "</s>", "</s>", "yes", ",", "until", "</s>"]);
  }, {
    en: "13 positions hold 4 special tokens, the 6 tokens of A and 3 of B: cut B from its end, never A",
    ko: "위치 13개에 특수 토큰 4개, A의 토큰 6개, B의 토큰 3개가 들어가요. A는 절대 자르지 말고 B를 끝에서부터 자르세요",
  });
  it("refuses a first text that cannot fit, naming both numbers", () => {
    // Caught here rather than with assert.throws' validator, whose failure reads "expected to return true".
    let message: string | undefined;
    try {
      packRobertaPair(questionTokens, answerTokens, 8);
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    assert.ok(message !== undefined, localize({ en: "packRobertaPair returned for maxLength 8, but A needs 10 positions: it should throw", ko: "maxLength 8인데도 packRobertaPair가 값을 돌려줬어요. A에는 위치 10개가 필요하니 예외를 던져야 해요" }));
    assert.ok(/\b10\b/.test(message) && /\b8\b/.test(message), localize({ en: `the error says "${message}"; it should name the 10 positions A needs and the maxLength 8`, ko: `오류 메시지: "${message}". A에 필요한 위치 10개와 maxLength 8을 모두 밝혀야 해요` }));
  }, {
    en: "throw new Error(...) with a message that contains the 10 positions A needs and the maxLength 8",
    ko: "A에 필요한 위치 10개와 maxLength 8이 모두 들어간 메시지로 throw new Error(...)를 하세요",
  });
  // BEGIN HIDDEN TESTS
  it("B can be cut to nothing", () => {
    assert.deepStrictEqual(packRobertaPair(["a", "b"], ["x", "y"], 6).tokens, ["<s>", "a", "b", "</s>", "</s>", "</s>"]);
  });
  it("exact fit: no padding and no truncation", () => {
    const got = packRobertaPair(["a"], ["x", "y"], 7);
    assert.deepStrictEqual(got, { tokens: ["<s>", "a", "</s>", "</s>", "x", "y", "</s>"], attentionMask: [1, 1, 1, 1, 1, 1, 1] });
  });
  it("an empty B and a long budget", () => {
    const got = packRobertaPair(["a"], [], 8);
    assert.deepStrictEqual(got.tokens, ["<s>", "a", "</s>", "</s>", "</s>", "<pad>", "<pad>", "<pad>"]);
    assert.deepStrictEqual(got.attentionMask, [1, 1, 1, 1, 1, 0, 0, 0]);
  });
  it("does not change its input arrays", () => {
    const a = questionTokens.slice();
    const b = answerTokens.slice();
    packRobertaPair(a, b, 11);
    assert.deepStrictEqual([a, b], [questionTokens, answerTokens]);
  });
  it("A that fits exactly leaves B empty; one less throws", () => {
    assert.strictEqual(packRobertaPair(questionTokens, answerTokens, 10).tokens.length, 10);
    assert.throws(() => packRobertaPair(questionTokens, answerTokens, 9));
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · A sliding-window attention mask (2 points)
//
// The lesson turned `input_mask` into BERT's additive mask: 0 for a real key, −10000 for padding, the same for every
// query. Long-document models (Longformer, BigBird) also limit each token to a **window** of neighbours, so the mask
// becomes a full query × key matrix. Write `slidingWindowBias(inputMask, window)`: row `q`, column `k` is `0` when
// key `k` is a real token (`inputMask[k] === 1`) and `|q − k| <= window`, and `-10000` otherwise.
//
// *Predict first:* how many zeros does row 0 have with 6 real tokens and `window = 2`? And row 3?

// %% [markdown] lang=ko
// ## Q2 · 슬라이딩 윈도우(sliding window) 어텐션(attention) 마스크 (2점)
//
// 레슨에서는 `input_mask`를 BERT의 덧셈 마스크로 바꿨어요. 실제 키(key)에는 0, 패딩에는 −10000이고, 모든 쿼리(query)에
// 대해 똑같아요. 긴 문서용 모델(Longformer, BigBird)은 여기에 더해 각 토큰이 볼 수 있는 범위를 이웃들로 이루어진
// **윈도우**로 제한해서, 마스크가 완전한 쿼리 × 키 행렬이 돼요. `slidingWindowBias(inputMask, window)`를 작성해
// 보세요. `q`행 `k`열의 값은 키 `k`가 실제 토큰이고(`inputMask[k] === 1`) `|q − k| <= window`이면 `0`이고, 그렇지 않으면
// `-10000`이에요.
//
// *먼저 예측해 보세요:* 실제 토큰이 6개이고 `window = 2`일 때, 0행에는 0이 몇 개 있을까요? 3행에는요?

// %% solution id=q2-solution
function slidingWindowBias(inputMask: number[], window: number): number[][] {
  // BEGIN SOLUTION
  return inputMask.map((_, q) => inputMask.map((m, k) => (m === 1 && Math.abs(q - k) <= window ? 0 : -10000)));
  // END SOLUTION
}

// %% test id=q2 points=2
import assert from "node:assert";
import { describe, it, check, closeTo } from "bertlab/check";

describe("q2", () => {
  it("window 1 over [1, 1, 1, 0]", () => {
    closeTo(slidingWindowBias([1, 1, 1, 0], 1), [
      [0, 0, -10000, -10000],
      [0, 0, 0, -10000],
      [-10000, 0, 0, -10000],
      [-10000, -10000, 0, -10000],
    ]);
  }, {
    en: "0 means \"may attend\" (BERT's 1 in input_mask); the padding column is -10000 in every row, and keys further than window from the query too",
    ko: "0은 \"어텐션할 수 있음\"이에요(BERT의 input_mask에서는 1). 패딩 열은 모든 행에서 -10000이고, 쿼리에서 window보다 멀리 떨어진 키도 -10000이에요",
  });
  // BEGIN HIDDEN TESTS
  it("window 0 keeps only the diagonal of real tokens", () => {
    closeTo(slidingWindowBias([1, 1, 0], 0), [
      [0, -10000, -10000],
      [-10000, 0, -10000],
      [-10000, -10000, -10000],
    ]);
  });
  it("a window as long as the sequence is BERT's additive mask in every row", () => {
    const mask = [1, 1, 1, 1, 0, 0];
    const row = mask.map((m) => (m === 1 ? 0 : -10000));
    closeTo(slidingWindowBias(mask, 10), mask.map(() => row));
  });
  it("an empty sequence gives an empty matrix", () => {
    assert.deepStrictEqual(slidingWindowBias([], 2), []);
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · Explain (2 points, graded by your instructor)
//
// The lesson padded a batch without `input_mask` and the `[CLS]` vector changed; with the mask it did not. In two
// to four sentences: why does padding change `[CLS]` when there is no mask, and why exactly does the additive
// −10000 stop that? Then name **two** things in BERT's inputs that tell the model where sentence A ends and B begins.

// %% [markdown] lang=ko
// ## Q3 · 설명하기 (2점, 강사가 사람이 직접 채점해요)
//
// 레슨에서는 `input_mask` 없이 배치(batch)를 패딩했더니 `[CLS]` 벡터가 바뀌었고, 마스크를 쓰자 바뀌지 않았어요.
// 2~4문장으로 답해 보세요. 마스크가 없으면 패딩이 왜 `[CLS]`를 바꿀까요? 그리고 덧셈 마스크의 −10000은 정확히 왜
// 그것을 막을까요? 그다음, BERT의 입력에서 문장 A가 어디서 끝나고 B가 어디서 시작하는지 모델에 알려 주는 것을
// **두 가지** 말해 보세요.

// %% [markdown] solution id=q3-answer points=2
// Without a mask, `[CLS]` attends to the `[PAD]` positions like to any other token: softmax gives them non-zero
// weights, so their vectors are mixed into `[CLS]` and its output changes with the amount of padding. Adding
// −10000 to the scores of padded keys makes exp(score) about e^-10000 ≈ 0, so after softmax they get (numerically)
// zero weight and the real tokens' weights are the same as without padding. The boundary between A and B is
// marked both by the `[SEP]` token after A and by the segment ids (0 for A, 1 for B), whose embedding is added
// to every token.

// %% [markdown] lang=ko
// 마스크가 없으면 `[CLS]`는 `[PAD]` 위치에도 다른 토큰과 똑같이 어텐션합니다. 소프트맥스(softmax)가 그 위치들에
// 0이 아닌 가중치를 주므로, 그 벡터들이 `[CLS]`에 섞여 들어가고 `[CLS]`의 출력은 패딩의 양에 따라 바뀝니다. 패딩된 키의
// 점수에 −10000을 더하면 exp(score)가 약 e^-10000 ≈ 0이 되므로, 소프트맥스를 거친 뒤 그 키들은 (수치적으로) 0의 가중치를
// 받고, 실제 토큰들의 가중치는 패딩이 없을 때와 같아집니다. A와 B의 경계는 A 뒤의 `[SEP]` 토큰과 세그먼트 ID(A는 0,
// B는 1) 두 가지로 표시되며, 세그먼트 ID의 임베딩(embedding)은 모든 토큰에 더해집니다.

// %% [markdown] id=outro
// ## Done
//
// With the checks green you can pack pairs for two model families and build masks beyond BERT's. Submit this
// notebook as it is (the grader re-runs it from the top).

// %% [markdown] lang=ko
// ## 완료
//
// 검사가 모두 초록색이면, 여러분은 두 모델 계열에 맞게 쌍을 묶고 BERT의 마스크를 넘어서는 마스크를 만들 수 있어요. 이
// 노트북을 그대로 제출하세요(채점기가 처음부터 다시 실행해요).
