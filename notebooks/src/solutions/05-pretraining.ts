// %% [markdown] id=intro
// # 05 · Exercises: pretraining data and the masked-LM loss
//
// Three questions, **6 points**: 4 graded by the autograder, and 2 for one answer in words that your instructor grades by hand:
//
// | question | what you write | points |
// |---|---|---|
// | Q1 | a masked-LM loss in Hugging Face's label convention (−100 = not masked) | 2 |
// | Q2 | Google's pair truncation, which cuts the front or the back at random | 2 |
// | Q3 | explain why the truncation is random | 2 (by hand) |
//
// Fill in each `// YOUR CODE HERE` (delete the `throw` line), run the cell, then the test cell below it. The grader
// also runs hidden tests of the same behaviour.

// %% [markdown] lang=ko
// # 05 · 연습 문제: 사전학습 데이터와 마스크 언어 모델 손실
//
// 문제 세 개, **6점**이에요. 4점은 자동 채점기(autograder)가 채점하고, 2점은 글로 쓰는 답 하나에 대한 점수로
// 강사가 사람이 직접 채점해요.
//
// | 문제 | 작성할 것 | 점수 |
// |---|---|---|
// | Q1 | Hugging Face의 레이블 규약(−100 = 마스크하지 않음)을 따르는 마스크 언어 모델(masked language model, MLM) 손실(loss) | 2 |
// | Q2 | 앞이나 뒤를 무작위로 잘라 내는 Google의 쌍 자르기(pair truncation) | 2 |
// | Q3 | 자르기가 왜 무작위인지 설명하기 | 2 (사람이 직접 채점) |
//
// 각 `// YOUR CODE HERE`를 채우고(`throw` 줄은 지우세요) 셀을 실행한 다음, 바로 아래 테스트 셀을 실행해 보세요.
// 채점기는 같은 동작을 확인하는 숨겨진 테스트도 돌려요.

// %% id=setup
import * as tf from "@tensorflow/tfjs";
import { ready, Random } from "bertlab";
await ready();

// %% [markdown] id=q1-text
// ## Q1 · A masked-LM loss with −100 labels (2 points)
//
// Lesson 05 gathered the logits at the masked positions and took the cross-entropy there. Hugging Face's
// `BertForMaskedLM` instead takes a label for **every** position: the original token id where the token was
// masked, and **−100** everywhere else. Write `maskedLmLoss(logits, labels)`:
//
// - `logits` has shape `[N, V]`: the MLM head's scores at N token positions;
// - `labels` has length N;
// - return the mean cross-entropy over the positions whose label is not −100, as a plain number (0 when there
//   are none).
//
// *Predict first:* what is the loss of all-zero logits over V classes?

// %% [markdown] lang=ko
// ## Q1 · −100 레이블을 쓰는 마스크 언어 모델 손실 (2점)
//
// 레슨 05에서는 마스크한 위치의 로짓(logit)을 모아서(gather) 그 위치에서 교차 엔트로피(cross-entropy)를 구했어요.
// Hugging Face의 `BertForMaskedLM`은 그 대신 **모든** 위치에 레이블을 받아요. 토큰을 마스크한 위치에는 원래 토큰 ID,
// 나머지 위치에는 모두 **−100**이에요. `maskedLmLoss(logits, labels)`를 작성해 보세요.
//
// - `logits`의 모양(shape)은 `[N, V]`예요. 토큰 위치 N개에서 MLM 헤드(head)가 낸 점수예요.
// - `labels`의 길이는 N이에요.
// - 레이블이 −100이 아닌 위치들에 대한 교차 엔트로피의 평균을 일반 숫자(plain number)로 돌려줘요(그런 위치가
//   없으면 0).
//
// *먼저 예측해 보세요:* V개 클래스에 대해 로짓이 모두 0이면 손실은 얼마일까요?

// %% solution id=q1-solution
function maskedLmLoss(logits: tf.Tensor2D, labels: number[]): number {
  // BEGIN SOLUTION
  const rows = labels.map((l, i) => (l === -100 ? -1 : i)).filter((i) => i >= 0);
  if (rows.length === 0) return 0;
  return tf.tidy(() => {
    const picked = tf.gather(tf.logSoftmax(logits), rows);
    const oneHot = tf.oneHot(rows.map((i) => labels[i]), logits.shape[1]);
    return -tf.mean(tf.sum(tf.mul(picked, oneHot), -1)).dataSync()[0];
  });
  // END SOLUTION
}

// %% test id=q1 points=2
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { describe, it, check, closeTo } from "bertlab/check";

describe("q1", () => {
  it("a uniform guess over 4 classes costs ln 4", () => {
    closeTo(maskedLmLoss(tf.zeros([3, 4]) as tf.Tensor2D, [1, -100, 2]), Math.log(4), { atol: 1e-5 });
  }, {
    en: "all-zero logits give probability 1/4 to every class: -log(1/4) at each masked row",
    ko: "로짓이 모두 0이면 모든 클래스에 확률 1/4를 줘요. 그래서 마스크된 행마다 -log(1/4)예요",
  });
  it("counts only the masked positions", () => {
    // Row 0 is masked with label 0 and a confident right guess; row 1 is unmasked and badly wrong.
    const logits = tf.tensor2d([[10, 0, 0], [0, 0, 10]]);
    const expected = -Math.log(Math.exp(10) / (Math.exp(10) + 2));
    closeTo(maskedLmLoss(logits, [0, -100]), expected, { atol: 1e-5 }, { en: "the unmasked row (label -100) must not count", ko: "마스크되지 않은 행(레이블 -100)은 세지 않아야 해요" });
  }, {
    en: "drop the rows whose label is -100 before averaging",
    ko: "평균을 내기 전에 레이블이 -100인 행을 빼세요",
  });
  // BEGIN HIDDEN TESTS
  it("equals softmax cross-entropy over the masked rows of a random batch", () => {
    const logits = tf.randomNormal([6, 10], 0, 2, "float32", 4) as tf.Tensor2D;
    const labels = [3, -100, 7, -100, -100, 0];
    const ref = tf.losses.softmaxCrossEntropy(tf.oneHot([3, 7, 0], 10), tf.gather(logits, [0, 2, 5])).dataSync()[0];
    closeTo(maskedLmLoss(logits, labels), ref, { atol: 1e-5 });
  });
  it("changing unmasked rows does not change the loss", () => {
    const a = tf.randomNormal([4, 5], 0, 1, "float32", 8) as tf.Tensor2D;
    const b = tf.concat([a.slice([0, 0], [2, 5]), tf.randomNormal([2, 5], 0, 5, "float32", 9)]) as tf.Tensor2D;
    closeTo(maskedLmLoss(a, [1, 2, -100, -100]), maskedLmLoss(b, [1, 2, -100, -100]), { atol: 1e-6 });
  });
  it("returns a number, 0 when nothing is masked", () => {
    assert.strictEqual(typeof maskedLmLoss(tf.zeros([1, 2]) as tf.Tensor2D, [1]), "number");
    closeTo(maskedLmLoss(tf.zeros([2, 2]) as tf.Tensor2D, [-100, -100]), 0);
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · Google's pair truncation (2 points)
//
// When sentence A and sentence B together are longer than the budget, Google's `create_pretraining_data.py`
// (`truncate_seq_pair`) shortens them one token at a time:
//
// 1. while `A.length + B.length > maxNumTokens`: pick the **longer** list (B when they are equally long);
// 2. draw `r = rng.next()`: if `r < 0.5` remove that list's **first** token, otherwise its **last** token.
//
// Write `truncatePair(tokensA, tokensB, maxNumTokens, rng)` returning `{ a, b }`, new arrays (do not change the
// inputs). *Predict first:* are the final lengths random? bertlab's `truncatePair` does the same on token ids, in
// place; the hidden tests compare with it, so write yours without it: an answer that calls it scores zero.

// %% [markdown] lang=ko
// ## Q2 · Google의 쌍 자르기 (2점)
//
// 문장 A와 문장 B를 합친 길이가 허용 길이(budget)보다 길면, Google의 `create_pretraining_data.py`
// (`truncate_seq_pair`)는 토큰을 한 번에 하나씩 줄여요.
//
// 1. `A.length + B.length > maxNumTokens`인 동안: **더 긴** 목록을 골라요(길이가 같으면 B).
// 2. `r = rng.next()`를 뽑아요. `r < 0.5`이면 그 목록의 **첫** 토큰을, 그렇지 않으면 **마지막** 토큰을 지워요.
//
// 새 배열로 된 `{ a, b }`를 돌려주는 `truncatePair(tokensA, tokensB, maxNumTokens, rng)`를 작성해 보세요(입력은
// 바꾸지 마세요). *먼저 예측해 보세요:* 최종 길이는 무작위일까요? bertlab의 `truncatePair`는 토큰 ID에 대해 같은
// 일을 제자리에서(in place) 해요. 숨겨진 테스트가 그 함수와 비교하므로, 여러분의 답은 그 함수 없이 작성하세요.
// 그 함수를 호출하는 답은 0점이에요.

// %% solution id=q2-solution
function truncatePair(tokensA: string[], tokensB: string[], maxNumTokens: number, rng: Random): { a: string[]; b: string[] } {
  // BEGIN SOLUTION
  const a = tokensA.slice();
  const b = tokensB.slice();
  while (a.length + b.length > maxNumTokens) {
    const longer = a.length > b.length ? a : b;
    if (rng.next() < 0.5) longer.shift();
    else longer.pop();
  }
  return { a, b };
  // END SOLUTION
}

// %% test id=q2 points=2
import assert from "node:assert";
import { describe, it, check, referenceLibrary, localize } from "bertlab/check";
import { Random } from "bertlab";

const lib = referenceLibrary("q2", { without: ["truncatePair"] });
const q2A = ["the", "bank", "opens", "at", "nine", "on", "weekdays", "."];
const q2B = ["it", "closes", "at", "four", "."];
describe("q2", () => {
  it("the lengths do not depend on the draws: 8 + 5 into 9 gives 5 + 4", () => {
    for (let seed = 0; seed < 20; seed++) {
      const { a, b } = truncatePair(q2A, q2B, 9, new Random(seed));
      assert.deepStrictEqual([a.length, b.length], [5, 4], localize({ en: `seed ${seed}`, ko: `시드 ${seed}` }));
    }
  }, {
    en: "always shorten the longer list (B on a tie): 8/5 → 7/5 → 6/5 → 5/5 → 5/4",
    ko: "언제나 더 긴 쪽을 줄여요(길이가 같으면 B): 8/5 → 7/5 → 6/5 → 5/5 → 5/4",
  });
  it("keeps a contiguous piece of each text", () => {
    const { a } = truncatePair(q2A, q2B, 9, new Random(3));
    const start = q2A.indexOf(a[0]);
    assert.deepStrictEqual(a, q2A.slice(start, start + a.length), localize({ en: `[${a}] is not a contiguous piece of A`, ko: `A에서 연속된 한 조각이 아니에요: [${a}]` }));
  }, {
    en: "remove only from the front (r < 0.5) or the back, never from the middle",
    ko: "앞(r < 0.5)이나 뒤에서만 지우고, 가운데에서는 절대 지우지 마세요",
  });
  // BEGIN HIDDEN TESTS
  const reference = (ta: string[], tb: string[], max: number, rng: Random) => {
    const a = ta.slice();
    const b = tb.slice();
    lib.truncatePair(a as unknown as number[], b as unknown as number[], max, rng);
    return { a, b };
  };
  it("follows the draw order exactly over 200 seeds", () => {
    for (let seed = 0; seed < 200; seed++) {
      const max = 3 + (seed % 9);
      assert.deepStrictEqual(truncatePair(q2A, q2B, max, new Random(seed)), reference(q2A, q2B, max, new Random(seed)), localize({ en: `seed ${seed}, max ${max}`, ko: `시드 ${seed}, max ${max}` }));
    }
  });
  it("cuts from both ends over many seeds", () => {
    let front = 0;
    let back = 0;
    for (let seed = 0; seed < 100; seed++) {
      const { a } = truncatePair(q2A, q2B, 12, new Random(seed));
      if (a[0] !== "the") front++;
      if (a[a.length - 1] !== ".") back++;
    }
    assert.ok(front > 30 && back > 30, localize({ en: `front ${front}, back ${back}`, ko: `앞쪽 ${front}번, 뒤쪽 ${back}번` }));
  });
  it("nothing to do: copies, untouched inputs", () => {
    const a = q2A.slice();
    const out = truncatePair(a, q2B, 64, new Random(1));
    assert.deepStrictEqual(out, { a: q2A, b: q2B });
    assert.notStrictEqual(out.a, a);
    truncatePair(a, q2B, 4, new Random(1));
    assert.deepStrictEqual(a, q2A);
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · Explain (2 points, graded by your instructor)
//
// Your `truncatePair` removes a token from the front or from the back at random; Google's code says it does so "to
// add more randomness and avoid biases". In two to four sentences: what would pretraining examples look like if truncation always cut the
// end, what could the model learn from that instead of language, and how does the random choice prevent it?

// %% [markdown] lang=ko
// ## Q3 · 설명하기 (2점, 강사가 사람이 직접 채점해요)
//
// 여러분의 `truncatePair`는 무작위로 앞이나 뒤에서 토큰을 지워요. Google 코드의 주석은 그렇게 하는 이유를 "to add
// more randomness and avoid biases"(무작위성을 더하고 치우침을 피하려고)라고 적어 두었어요. 두 문장에서 네 문장으로 답해 보세요. 자르기가 항상 끝을 잘라 낸다면 사전학습(pretraining)
// 예제는 어떤 모습일까요? 모델은 언어 대신 그것에서 무엇을 배울 수 있을까요? 그리고 무작위 선택은 이를 어떻게 막을까요?

// %% [markdown] solution id=q3-answer points=2
// If truncation always cut the end, every truncated sentence would be missing its ending but never its
// beginning, so [SEP] would follow unfinished sentences far more often than complete ones while the text after
// [CLS] and [SEP] always started cleanly. The model could then learn this bias (e.g. "a sentence that stops
// mid-clause before [SEP] was truncated") and use position artefacts for NSP and MLM instead of meaning. Cutting
// the front or the back at random spreads the damage over both ends, so neither boundary carries a signal.

// %% [markdown] lang=ko
// 자르기가 항상 끝을 잘라 낸다면, 잘린 문장은 모두 끝부분을 잃을 뿐 시작 부분은 결코 잃지 않습니다. 그래서
// [SEP] 앞에는 완결된 문장보다 끝나지 않은 문장이 훨씬 자주 오는 반면, [CLS]와 [SEP] 뒤의 텍스트는 언제나 깔끔하게
// 시작합니다. 그러면 모델은 이 편향(예: "[SEP] 앞에서 절 중간에 멈춘 문장은 잘린 것이다")을 배우고, 의미 대신 위치에서
// 생긴 흔적(artefact)을 다음 문장 예측(next sentence prediction, NSP)과 MLM에 이용할 수 있습니다. 앞이나 뒤를
// 무작위로 자르면 손상이 양 끝에 고루 퍼지므로, 어느 경계도 신호를 담지 않습니다.

// %% [markdown] id=outro
// That is all for 05. These pieces are what `makePretrainingBatch` combines for every batch of lesson 05's run.

// %% [markdown] lang=ko
// 05 연습 문제는 여기까지예요. 이 조각들은 레슨 05의 학습 실행에서 `makePretrainingBatch`가 배치(batch)마다 조합하는
// 것들이에요.
