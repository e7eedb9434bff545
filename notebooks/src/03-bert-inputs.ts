// %% [markdown]
// # 03 · BERT's three inputs
//
// Lesson 02 turned text into tokens. BERT wants more than a token list: every example is three rows of integers
// of one fixed length. In the seed lecture's words (and the TF-Hub BERT layer's names):
//
// - `input_word_ids`: the token ids, starting with `[CLS]`, with `[SEP]` after each segment;
// - `segment_ids`: 0 for the tokens of sentence A, 1 for those of sentence B;
// - `input_mask`: 1 for a real token, 0 for padding, "which self-attention ignores".
//
// **After this lesson you can**
//
// - build the three inputs by hand for one sentence and for a pair, and check them against `BertTokenizer.encode`;
// - pad and truncate a batch (`max_length` vs `longest`, `longest_first` vs `only_second`), and read the
//   colour-coded token table;
// - show what goes wrong when padding is not masked, and convert between BERT's `input_mask` (1 = attend),
//   PyTorch's `key_padding_mask` (true = ignore) and the additive −10000 form;
// - run the seed's Keras-style code in TypeScript: three `tf.input`s with `SEQ_LEN = 10`, `bertLayer.apply`, and
//   the shapes of `pooled_output` and `sequence_output`;
// - compare one word's vectors in different sentences (input embedding vs last layer), and say what a small
//   pretrained model does and does not show;
// - score a sentence pair with the pretrained next-sentence head, and show that the model reads segment B's ids.

// %% [markdown] lang=ko
// # 03 · BERT의 세 가지 입력
//
// 레슨 02에서는 텍스트를 토큰으로 바꿨어요. 하지만 BERT에는 토큰 목록만으로는 부족해요. 예제 하나하나가 길이가
// 고정된 정수 세 줄이 되어야 해요. 원래 강의(seed)의 표현으로는(그리고 TF-Hub BERT 레이어의 이름으로는) 다음과 같아요.
//
// - `input_word_ids`: 토큰의 입력 ID(input ids)예요. `[CLS]`로 시작하고, 각 세그먼트(segment) 뒤에 `[SEP]`가 와요.
// - `segment_ids`: 세그먼트 ID(segment ids)예요. 문장 A의 토큰에는 0, 문장 B의 토큰에는 1이에요.
// - `input_mask`: 입력 마스크(input mask)예요. 실제 토큰에는 1, 패딩(padding)에는 0이에요. 패딩은 "which
//   self-attention ignores"(셀프 어텐션(self-attention)이 무시하는 부분)예요.
//
// **학습 목표**
//
// - 문장 하나와 문장 쌍(sentence pair)에 대해 세 입력을 직접 만들고, `BertTokenizer.encode`의 결과와 맞춰 볼 수
//   있습니다.
// - 배치(batch)에 패딩과 자르기(truncation)를 적용하고(`max_length` 대 `longest`, `longest_first` 대 `only_second`),
//   색으로 구분한 토큰 표를 읽을 수 있습니다.
// - 패딩을 마스크하지 않으면 무엇이 잘못되는지 보여 주고, BERT의 `input_mask`(1 = 어텐션(attention) 대상), PyTorch의
//   `key_padding_mask`(true = 무시), 그리고 −10000을 더하는 덧셈 형태 사이를 서로 변환할 수 있습니다.
// - 원래 강의의 Keras 스타일 코드를 TypeScript로 실행할 수 있습니다. `SEQ_LEN = 10`인 `tf.input` 세 개,
//   `bertLayer.apply`, 그리고 `pooled_output`과 `sequence_output`의 모양(shape)을 다룹니다.
// - 한 단어의 벡터를 여러 문장에서 비교하고(입력 임베딩 대 마지막 층), 작은 사전학습 모델이 무엇을 보여 주고 무엇을
//   보여 주지 못하는지 말할 수 있습니다.
// - 사전학습된 다음 문장 예측 헤드로 문장 쌍에 점수를 매기고, 모델이 세그먼트 B의 ID를 실제로 읽는다는 것을 보여 줄 수
//   있습니다.

// %%
import assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ready, BertTokenizer, BertKerasLayer, BertModel, BertForPreTraining, bertConfig, additiveAttentionMask, trainBpe, readCorpus, tokenTable, maskHeatmap, heatmap, display, localize, builtinCorpusDir, HeldValues } from "bertlab";
// Models and tensors that later cells use are kept with hold(name, value): re-running their cell frees what the
// previous run held (TensorFlow.js frees tensors only when asked; lesson 04 explains the habit).
const { hold } = new HeldValues();
// The course folder, found from the library, so that the lesson runs from notebooks/ and notebooks/ko/ alike.
const courseDir = path.resolve(builtinCorpusDir(), "../..");
await ready(); // TensorFlow.js picks its backend (importing bertlab chooses nothing)

// %% [markdown]
// ## A tokenizer
//
// We use the tokenizer of the course's shipped checkpoint when this checkout has it (`models/bertlab-mini`).
// Otherwise we train a cased vocabulary of 8,000 pieces on the course's English and Korean corpus (a few seconds):
// BPE merges written with WordPiece's `##` marks, then tokenized by greedy longest-match as BERT does. (That is
// also how Hugging Face's `WordPieceTrainer` works: it runs BPE. Lesson 02's likelihood-score trainer keeps more
// rare pieces and splits common English words more.) Everything below works the same with either tokenizer.

// %% [markdown] lang=ko
// ## 토크나이저
//
// 이 체크아웃에 코스와 함께 제공되는 체크포인트(checkpoint, `models/bertlab-mini`)가 있으면 그 토크나이저(tokenizer)를
// 써요. 없으면 코스의 영어·한국어 말뭉치(corpus)로 8,000 조각짜리 대소문자 구분(cased) 어휘 집합(vocabulary)을
// 학습해요(몇 초 걸려요). WordPiece의 `##` 표시로 적은 BPE 병합(merge)을 학습하고, BERT처럼 탐욕적 최장 일치(greedy
// longest-match)로 토큰화해요. (Hugging Face의 `WordPieceTrainer`도 이렇게 동작해요. 내부에서 BPE를 돌리거든요.
// 레슨 02의 가능도 점수(likelihood score) 학습기는 드문 조각을 더 많이 남기고, 흔한 영어 단어를 더 잘게 쪼개요.)
// 아래 내용은 어느 토크나이저를 쓰든 똑같이 동작해요.

// %%
const shippedDir = path.join(courseDir, "models/bertlab-mini");
const tokenizer = fs.existsSync(path.join(shippedDir, "vocab.txt")) || fs.existsSync(path.join(shippedDir, "tokenizer.json"))
  ? await BertTokenizer.fromPretrained(shippedDir)
  : BertTokenizer.fromVocab(trainBpe([...readCorpus(path.join(courseDir, "data/corpus/en")), ...readCorpus(path.join(courseDir, "data/corpus/ko"))].flat(), { vocabSize: 8000, lowercase: false, endOfWordSuffix: "", continuingSubwordPrefix: "##" }).tokenizer.vocab.tokens as string[], { lowercase: false });
const special = Object.fromEntries(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map((t) => [t, tokenizer.tokenToId(t)]));
({ vocabSize: tokenizer.vocabSize, special })

// %% [markdown]
// ## 1. One sentence, by hand
//
// The recipe for a single sentence with `SEQ_LEN = 10`:
// `[CLS]` + the sentence's tokens + `[SEP]`, then `[PAD]` up to 10. Segment ids are all 0. The mask is 1 up to the
// `[SEP]` and 0 on the padding.
//
// **Predict:** how many `[PAD]` tokens will "The bank opens at nine." get?

// %% [markdown] lang=ko
// ## 1. 문장 하나, 직접 만들기
//
// `SEQ_LEN = 10`일 때 문장 하나를 만드는 레시피는 이래요.
// `[CLS]` + 문장의 토큰들 + `[SEP]`, 그다음 길이가 10이 될 때까지 `[PAD]`를 채워요. 세그먼트 ID는 모두 0이에요.
// 마스크는 `[SEP]`까지 1이고 패딩에서는 0이에요.
//
// **예측해 보세요:** "The bank opens at nine."(은행은 9시에 문을 열어요)에는 `[PAD]` 토큰이 몇 개 붙을까요?

// %%
const SEQ_LEN = 10;
const sentenceA = "The bank opens at nine.";
function encodeSingleByHand(text: string, seqLen: number) {
  const tokens = ["[CLS]", ...tokenizer.tokenize(text), "[SEP]"].slice(0, seqLen);
  if (tokens.length === seqLen) tokens[seqLen - 1] = "[SEP]"; // a truncated sentence still ends with [SEP]
  const real = tokens.length;
  while (tokens.length < seqLen) tokens.push("[PAD]");
  return {
    tokens,
    inputIds: tokenizer.convertTokensToIds(tokens),
    segmentIds: tokens.map(() => 0),
    inputMask: tokens.map((_, i) => (i < real ? 1 : 0)),
  };
}
const single = encodeSingleByHand(sentenceA, SEQ_LEN);
single

// %% [markdown]
// The library does the same in one call. The next cell stops with an error if the hand-built rows differ from
// `BertTokenizer.encode`.

// %% [markdown] lang=ko
// 라이브러리는 같은 일을 호출 한 번으로 해요. 직접 만든 줄이 `BertTokenizer.encode`의 결과와 다르면 다음 셀은
// 오류를 내며 멈춰요.

// %%
const singleLib = tokenizer.encode(sentenceA, null, { maxLength: SEQ_LEN, padding: "max_length" });
assert.deepStrictEqual(singleLib.tokens, single.tokens);
assert.deepStrictEqual(singleLib.inputIds, single.inputIds);
assert.deepStrictEqual(singleLib.segmentIds, single.segmentIds);
assert.deepStrictEqual(singleLib.inputMask, single.inputMask);
({ padding: single.tokens.filter((t) => t === "[PAD]").length, inputIds: singleLib.inputIds })

// %% [markdown]
// ## 2. A pair: `[CLS] A [SEP] B [SEP]`
//
// Next-sentence prediction, question answering and sentence-pair classification all give BERT two texts at once.
// They are packed into one sequence and told apart in two ways: the `[SEP]` between them, and the segment ids, which
// add a learned *segment embedding* (A or B) to every token. The first `[SEP]` belongs to A (segment 0), the last
// to B (segment 1). A Korean request paired with its English translation shows it best:

// %% [markdown] lang=ko
// ## 2. 문장 쌍: `[CLS] A [SEP] B [SEP]`
//
// 다음 문장 예측(next-sentence prediction), 질의응답(question answering), 문장 쌍 분류(sentence-pair classification)는
// 모두 BERT에 텍스트 두 개를 한꺼번에 줘요. 두 텍스트는 시퀀스 하나로 묶이고, 두 가지 방법으로 구별돼요. 하나는 둘
// 사이의 `[SEP]`이고, 다른 하나는 세그먼트 ID예요. 세그먼트 ID는 모든 토큰에 학습된 *세그먼트 임베딩*(*segment
// embedding*, A 또는 B)을 더해요. 첫 번째 `[SEP]`는 A에(세그먼트 0), 마지막 `[SEP]`는 B에(세그먼트 1) 속해요.
// 한국어 요청과 그 영어 번역을 한 쌍으로 묶어 보면 가장 잘 드러나요.

// %%
const pairA = "내일 아침 7시에 알람 맞춰 줘.";
const pairB = "Set an alarm for seven tomorrow.";
function encodePairByHand(a: string, b: string) {
  const ta = tokenizer.tokenize(a);
  const tb = tokenizer.tokenize(b);
  const tokens = ["[CLS]", ...ta, "[SEP]", ...tb, "[SEP]"];
  return {
    tokens,
    inputIds: tokenizer.convertTokensToIds(tokens),
    segmentIds: [0, ...ta.map(() => 0), 0, ...tb.map(() => 1), 1],
    inputMask: tokens.map(() => 1),
  };
}
const pair = encodePairByHand(pairA, pairB);
const pairLib = tokenizer.encode(pairA, pairB);
assert.deepStrictEqual({ tokens: pairLib.tokens, inputIds: pairLib.inputIds, segmentIds: pairLib.segmentIds, inputMask: pairLib.inputMask }, pair);
display(tokenTable({ tokens: pair.tokens, inputIds: pair.inputIds, segmentIds: pair.segmentIds, inputMask: pair.inputMask, title: localize({ en: "[CLS] A [SEP] B [SEP]: segment 0 in blue, segment 1 in orange", ko: "[CLS] A [SEP] B [SEP]: 세그먼트 0은 파란색, 세그먼트 1은 주황색" }) }));

// %% [markdown]
// ## 3. Padding and truncation
//
// A batch is one tensor, so its rows must have one length. Two padding strategies:
//
// - `"max_length"`: pad every row to a fixed `maxLength` (what a Keras model with a fixed `SEQ_LEN` needs);
// - `"longest"`: pad to the longest row of this batch (less wasted compute for short batches).
//
// And when a pair is too long, *truncation* decides which text loses tokens. `"longest_first"` (the default) cuts
// the longer text first, one token at a time, as the original BERT's `_truncate_seq_pair` does;
// `"only_second"` cuts only text B (useful when A is a question you must keep whole).
//
// **Predict:** with `maxLength` 11 (8 tokens for the texts, after `[CLS]`, `[SEP]`, `[SEP]`), how many tokens do
// A and B each keep under `longest_first`?

// %% [markdown] lang=ko
// ## 3. 패딩과 자르기
//
// 배치는 텐서(tensor) 하나라서 모든 줄의 길이가 같아야 해요. 패딩 전략은 두 가지예요.
//
// - `"max_length"`: 모든 줄을 고정된 `maxLength`까지 패딩해요(`SEQ_LEN`이 고정된 Keras 모델에 필요한 방식이에요).
// - `"longest"`: 이 배치에서 가장 긴 줄에 맞춰 패딩해요(짧은 배치에서는 낭비되는 계산이 줄어요).
//
// 그리고 쌍이 너무 길면, *자르기*(*truncation*)가 어느 텍스트에서 토큰을 덜어 낼지 정해요. `"longest_first"`(기본값)는
// 원래 BERT의 `_truncate_seq_pair`처럼 더 긴 텍스트부터 한 번에 한 토큰씩 잘라요. `"only_second"`는 텍스트 B만
// 잘라요(A가 통째로 남겨 둬야 하는 질문일 때 유용해요).
//
// **예측해 보세요:** `maxLength`가 11이면(`[CLS]`, `[SEP]`, `[SEP]`를 빼고 텍스트에 8 토큰), `longest_first`에서
// A와 B는 각각 몇 토큰을 남길까요?

// %%
const longA = "I lost my debit card yesterday evening near the station.";
const longB = "Please block it.";
function truncatePairByHand(ta: string[], tb: string[], maxLength: number): [string[], string[]] {
  const a = [...ta];
  const b = [...tb];
  while (a.length + b.length > maxLength - 3) {
    if (a.length > b.length) a.pop();
    else b.pop();
  }
  return [a, b];
}
const [keptA, keptB] = truncatePairByHand(tokenizer.tokenize(longA), tokenizer.tokenize(longB), 11);
const truncLib = tokenizer.encode(longA, longB, { maxLength: 11, truncation: "longest_first" });
assert.deepStrictEqual(truncLib.tokens, ["[CLS]", ...keptA, "[SEP]", ...keptB, "[SEP]"]);
const onlySecond = (() => {
  try {
    return tokenizer.encode(longA, longB, { maxLength: 11, truncation: "only_second" }).tokens;
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
})();
({ tokensA: tokenizer.tokenize(longA).length, tokensB: tokenizer.tokenize(longB).length, keptA: keptA.length, keptB: keptB.length, longestFirst: truncLib.tokens.join(" "), onlySecond })

// %% [markdown]
// `only_second` cannot help here: B is already short, and removing all of it would not be enough, so the library
// refuses with a message instead of silently producing a broken pair. (bertlab truncates exactly as Hugging Face's
// `tokenizers` does. When both texts are longer than half the budget and the budget is odd, HF gives the spare
// token to the longer text while the original BERT loop gives it to A; with an even budget, as here, the two rules
// always agree, which the `assert` above checked.)
//
// Now a batch, padded both ways:

// %% [markdown] lang=ko
// `only_second`는 여기서 도움이 안 돼요. B는 이미 짧고 B를 전부 지워도 충분하지 않아서, 라이브러리는 깨진 쌍을
// 조용히 만들어 내는 대신 메시지와 함께 거부해요. (bertlab은 Hugging Face의 `tokenizers`와 정확히 같은 방식으로
// 잘라요. 두 텍스트가 모두 토큰 예산(budget)의 절반보다 길고 예산이 홀수이면, HF는 남는 토큰 하나를 더 긴 텍스트에
// 주고 원래 BERT의 반복문은 A에 줘요. 여기처럼 예산이 짝수이면 두 규칙은 항상 일치하고, 위의 `assert`가 그것을
// 확인했어요.)
//
// 이제 배치 하나를 두 가지 방식으로 패딩해 봐요.

// %%
const batchTexts = ["Hi!", "What's the weather like in Busan this weekend?", "주말에 부산 날씨 어때?"];
const byMax = tokenizer.encodeBatch(batchTexts, { maxLength: 16, padding: "max_length", truncation: "longest_first" });
const byLongest = tokenizer.encodeBatch(batchTexts, { padding: "longest" });
({ maxLengthRows: byMax.map((e) => e.length), longestRows: byLongest.map((e) => e.length), realTokens: byLongest.map((e) => e.inputMask.reduce((s, m) => s + m, 0)) })

// %%
const row0 = byLongest[0];
display(tokenTable({ tokens: row0.tokens, inputIds: row0.inputIds, segmentIds: row0.segmentIds, inputMask: row0.inputMask, title: localize({ en: `"${batchTexts[0]}" padded to the batch's longest row (padding greyed)`, ko: `"${batchTexts[0]}": 배치에서 가장 긴 행의 길이까지 패딩(패딩은 회색)` }) }));

// %% [markdown]
// ## 4. Why `input_mask` matters: the failure first
//
// Padding changes the input. If the model is not told which positions are padding, the real tokens attend to
// `[PAD]`s and their outputs change. We take a small BERT (2 layers, hidden size 128, randomly initialised with a
// fixed seed: the point here is arithmetic, not meaning) and encode "Hi!" three ways: unpadded; padded with an
// all-ones mask (the mistake); padded with the proper mask.
//
// **Predict:** which of the two padded versions gives the same vectors for the real tokens as the unpadded one?

// %% [markdown] lang=ko
// ## 4. `input_mask`가 중요한 이유: 실패부터 보기
//
// 패딩은 입력을 바꿔요. 어느 위치가 패딩인지 모델에 알려 주지 않으면, 실제 토큰들이 `[PAD]`에 어텐션하고 그 출력이
// 달라져요. 작은 BERT(2층, 은닉 크기(hidden size) 128, 고정된 시드(seed)로 무작위 초기화: 여기서 핵심은 의미가 아니라
// 산술이에요)를 가져와 "Hi!"를 세 가지로 인코딩해요. 패딩 없이, 모두 1인 마스크로 패딩해서(실수), 그리고 올바른
// 마스크로 패딩해서요.
//
// **예측해 보세요:** 패딩한 두 버전 중 어느 쪽이 실제 토큰에 대해 패딩하지 않은 버전과 같은 벡터를 낼까요?

// %%
const smallConfig = bertConfig("tiny", { vocabSize: tokenizer.vocabSize });
const smallBert = hold("smallBert", await BertModel.create(smallConfig, { seed: 0 }));
const unpadded = tokenizer.encode("Hi!");
const padded = byLongest[0];
const nReal = unpadded.length;
const realRows = async (inputIds: number[], inputMask: number[]) => {
  const out = smallBert.forward({ inputIds: [inputIds], inputMask: [inputMask] });
  const rows = ((await out.sequenceOutput.array()) as number[][][])[0].slice(0, nReal);
  tf.dispose([out.sequenceOutput, out.pooledOutput]);
  return rows;
};
const maxAbsDiff = (x: number[][], y: number[][]) => Math.max(...x.flatMap((r, i) => r.map((v, j) => Math.abs(v - y[i][j]))));
const reference = await realRows(unpadded.inputIds, unpadded.inputMask);
const noMask = await realRows(padded.inputIds, padded.inputIds.map(() => 1));
const withMask = await realRows(padded.inputIds, padded.inputMask);
({ paddedLength: padded.length, realTokens: nReal, maxDiffWithoutMask: maxAbsDiff(noMask, reference), maxDiffWithMask: maxAbsDiff(withMask, reference) })

// %% [markdown]
// Without the mask the real tokens' vectors move (the first difference above), although their own text did not
// change; with the mask the difference is floating-point noise (the mask is additive −10000, not −∞, so the padding
// keeps a weight of about e^−10000 ≈ 0). This is the classic bug of the Hugging Face course's chapter 2 and
// transformers#278: batched and one-by-one predictions disagree.
//
// ## 5. Mask polarity: three conventions for one fact
//
// The same information is written three ways, and mixing them up is the most reported confusion
// (x-transformers#164):
//
// | convention | real token | padding |
// |---|---|---|
// | BERT `input_mask` / HF `attention_mask` | 1 | 0 |
// | PyTorch `key_padding_mask` | `false` | `true` (= ignore) |
// | additive mask, added to the attention scores before softmax | 0 | −10000 (or −∞) |
//
// bertlab turns `input_mask` into the additive form with `additiveAttentionMask`. The cell checks our one-liner
// against it.

// %% [markdown] lang=ko
// 마스크가 없으면 실제 토큰들의 텍스트는 그대로인데도 그 벡터가 움직여요(위의 첫 번째 차이). 마스크가 있으면 차이는
// 부동소수점 잡음(floating-point noise) 수준이에요(마스크는 −∞가 아니라 −10000을 더하는 방식이라서, 패딩에는 약
// e^−10000 ≈ 0의 가중치가 남아요). 이것이 Hugging Face 코스 2장과 transformers#278에 나오는 고전적인 버그예요.
// 배치로 한 예측과 하나씩 한 예측이 서로 달라요.
//
// ## 5. 마스크 극성(polarity): 하나의 사실, 세 가지 관례
//
// 같은 정보를 세 가지 방식으로 쓰는데, 이것들을 뒤섞는 것이 가장 많이 보고되는 혼동이에요
// (x-transformers#164).
//
// | 관례 | 실제 토큰 | 패딩 |
// |---|---|---|
// | BERT `input_mask` / HF `attention_mask` | 1 | 0 |
// | PyTorch `key_padding_mask` | `false` | `true` (= 무시) |
// | 덧셈 마스크(additive mask), 소프트맥스(softmax) 전에 어텐션 점수에 더함 | 0 | −10000 (또는 −∞) |
//
// bertlab은 `additiveAttentionMask`로 `input_mask`를 덧셈 형태로 바꿔요. 셀은 우리가 쓴 한 줄짜리 코드를 그 결과와
// 맞춰 봐요.

// %%
const maskRow = padded.inputMask;
const keyPaddingMask = maskRow.map((m) => m === 0);
const additiveByHand = maskRow.map((m) => (m === 1 ? 0 : -10000));
const additiveLib = tf.tidy(() => additiveAttentionMask(tf.tensor2d([maskRow], [1, maskRow.length], "int32")));
const additiveLibRow = Array.from(await additiveLib.data());
additiveLib.dispose();
assert.deepStrictEqual(additiveLibRow.map((v) => (v === 0 ? 0 : v)), additiveByHand.map((v) => (v === 0 ? 0 : v)));
({ input_mask: maskRow, key_padding_mask: keyPaddingMask, additive: additiveByHand })

// %% [markdown]
// Every query may look at every real key, and no query may look at a padding key. As a query × key matrix:

// %% [markdown] lang=ko
// 모든 쿼리(query)는 모든 실제 키(key)를 볼 수 있고, 어떤 쿼리도 패딩 키는 볼 수 없어요. 쿼리 × 키 행렬로 나타내면
// 이래요.

// %%
const attendable = maskRow.map(() => maskRow.map((k) => k));
display(maskHeatmap(attendable, { tokens: padded.tokens, title: localize({ en: `Which keys each query may attend to ("${batchTexts[0]}", padded)`, ko: `각 쿼리가 어텐션할 수 있는 키("${batchTexts[0]}", 패딩됨)` }) }));

// %% [markdown]
// The padding *rows* (queries) still compute something: their outputs are garbage that nothing downstream
// reads. Only the *columns* matter.
//
// ## 6. Positions, segments and the embedding tables
//
// Self-attention by itself does not know word order. BERT adds a learned **position embedding** (one vector per
// position, up to 512) and a **segment embedding** (one vector for A, one for B) to each token embedding. These are
// the tables of our small model, and the row each input row selects:

// %% [markdown] lang=ko
// 패딩 *행*(쿼리)도 여전히 무언가를 계산해요. 그 출력은 뒤에서 아무것도 읽지 않는 쓰레기 값이에요. 중요한 것은
// *열*뿐이에요.
//
// ## 6. 위치, 세그먼트, 임베딩 테이블
//
// 셀프 어텐션은 그 자체로는 단어 순서를 알지 못해요. 그래서 BERT는 각 토큰 임베딩(embedding)에 학습된 **위치
// 임베딩**(**position embedding**, 위치마다 벡터 하나, 최대 512개)과 **세그먼트 임베딩**(A에 벡터 하나, B에 벡터 하나)을
// 더해요. 아래는 우리 작은 모델의 테이블들과, 각 입력 줄이 테이블에서 고르는 행이에요.

// %%
const embeddingShapes = Object.fromEntries([...smallBert.namedWeights].filter(([n]) => n.startsWith("embeddings.") && n.endsWith("embeddings.weight")).map(([n, v]) => [n, v.shape]));
({ embeddingShapes, positionIdsOfThePair: pair.tokens.map((_, i) => i), segmentIdsOfThePair: pair.segmentIds })

// %% [markdown]
// (Here the token table is stored as [hidden, vocab], the transpose of the checkpoint's [vocab, hidden]: bertlab's
// layout, so that the output layer can reuse it without a transpose.) The input to the first layer is the sum
// token + position + segment, then LayerNorm; lesson 04 builds it by hand.
//
// ## 7. The seed's Keras code, in TypeScript
//
// The seed lecture built a model from TF-Hub's `bert_layer` like this:
//
// ```python
// input_word_ids = tf.keras.layers.Input(shape=(SEQ_LEN,), dtype=tf.int32, name="input_word_ids")
// input_mask     = tf.keras.layers.Input(shape=(SEQ_LEN,), dtype=tf.int32, name="input_mask")
// segment_ids    = tf.keras.layers.Input(shape=(SEQ_LEN,), dtype=tf.int32, name="segment_ids")
// pooled_output, sequence_output = bert_layer([input_word_ids, input_mask, segment_ids])
// ```
//
// bertlab's `BertKerasLayer` is a TensorFlow.js layer used the same way (the seed's `bert_layer`; bertlab does not
// call it `BertLayer`, because in Hugging Face's code that name is *one* encoder layer, which lesson 04 builds). We
// build it from the same small config (**randomly initialised**: the shapes are the lesson;
// `BertKerasLayer.fromPretrained(dir)` loads real weights).
//
// **Predict:** what are the shapes of `pooledOutput` and `sequenceOutput`? (The seed, with bert-base, printed
// `[batch, 768]` and `[batch, SEQ_LEN, 768]`; this model's hidden size is printed below.)

// %% [markdown] lang=ko
// (여기서 토큰 테이블은 [hidden, vocab]으로 저장되어 있어요. 체크포인트의 [vocab, hidden]을 전치(transpose)한
// 모양인데, 출력층이 전치 없이 재사용할 수 있도록 한 bertlab의 레이아웃(layout)이에요.) 첫 번째 층의 입력은
// 토큰 + 위치 + 세그먼트의 합에 LayerNorm을 적용한 것이에요. 레슨 04에서 이것을 직접 만들어요.
//
// ## 7. 원래 강의의 Keras 코드를 TypeScript로
//
// 원래 강의는 TF-Hub의 `bert_layer`로 모델을 이렇게 만들었어요.
//
// ```python
// input_word_ids = tf.keras.layers.Input(shape=(SEQ_LEN,), dtype=tf.int32, name="input_word_ids")
// input_mask     = tf.keras.layers.Input(shape=(SEQ_LEN,), dtype=tf.int32, name="input_mask")
// segment_ids    = tf.keras.layers.Input(shape=(SEQ_LEN,), dtype=tf.int32, name="segment_ids")
// pooled_output, sequence_output = bert_layer([input_word_ids, input_mask, segment_ids])
// ```
//
// bertlab의 `BertKerasLayer`는 같은 방식으로 쓰는 TensorFlow.js 레이어예요(원래 강의의 `bert_layer`에 해당해요.
// bertlab이 이것을 `BertLayer`라고 부르지 않는 이유는, Hugging Face 코드에서 그 이름이 인코더 층 *하나*를 가리키기
// 때문이에요. 그 층은 레슨 04에서 만들어요). 같은 작은 설정(config)으로 만들어요(**무작위 초기화**: 이 레슨에서
// 중요한 것은 모양이에요. 실제 가중치는 `BertKerasLayer.fromPretrained(dir)`로 불러와요).
//
// **예측해 보세요:** `pooledOutput`과 `sequenceOutput`의 모양은 무엇일까요? (원래 강의는 bert-base로
// `[batch, 768]`과 `[batch, SEQ_LEN, 768]`을 출력했어요. 이 모델의 은닉 크기는 아래에 출력돼요.)

// %%
const inputWordIds = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "input_word_ids" });
const inputMask = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "input_mask" });
const segmentIds = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "segment_ids" });
const bertLayer = hold("bertLayer", new BertKerasLayer({ bertConfig: smallConfig, name: "bert_layer" }));
const [pooledOutput, sequenceOutput] = bertLayer.apply([inputWordIds, inputMask, segmentIds]) as tf.SymbolicTensor[];
({ hiddenSize: smallConfig.hiddenSize, pooledOutput: pooledOutput.shape, sequenceOutput: sequenceOutput.shape })

// %% [markdown]
// `null` is the batch dimension, unknown until data arrives. Wrap it in a model and run a real batch of two
// examples, one sentence and one pair, encoded to `SEQ_LEN` by the tokenizer (`toTensors` names the tensors as the
// Keras inputs are named):

// %% [markdown] lang=ko
// `null`은 배치 차원이에요. 데이터가 들어오기 전까지는 크기를 알 수 없어요. 이것을 모델로 감싸고, 토크나이저로
// `SEQ_LEN`에 맞춰 인코딩한 예제 두 개(문장 하나와 문장 쌍 하나)짜리 실제 배치를 돌려 봐요(`toTensors`는 텐서
// 이름을 Keras 입력의 이름과 똑같이 붙여요).

// %%
const kerasModel = tf.model({ inputs: [inputWordIds, inputMask, segmentIds], outputs: [pooledOutput, sequenceOutput] });
const kerasBatch = hold("kerasBatch", tokenizer.toTensors([sentenceA, [pairA, pairB]], { maxLength: SEQ_LEN, padding: "max_length", truncation: "longest_first" }));
const [pooledValues, sequenceValues] = hold("kerasOutputs", kerasModel.predict([kerasBatch.inputWordIds, kerasBatch.inputMask, kerasBatch.segmentIds]) as tf.Tensor[]);
({ pooled: pooledValues.shape, sequence: sequenceValues.shape, params: kerasModel.countParams() })

// %% [markdown]
// ### `pooledOutput` is not the `[CLS]` vector
//
// A frequent confusion: `pooled_output` is **not** row 0 of `sequence_output`. It is that row passed through one
// more dense layer and `tanh` (trained by next-sentence prediction). The cell computes it by hand from the
// layer's own weights and compares.

// %% [markdown] lang=ko
// ### `pooledOutput`은 `[CLS]` 벡터가 아니에요
//
// 흔히 헷갈리는 점이 있어요. `pooled_output`은 `sequence_output`의 0번 행이 **아니에요**. 그 행을 밀집층(dense
// layer) 하나와 `tanh`에 한 번 더 통과시킨 것이에요(다음 문장 예측으로 학습돼요). 셀은 레이어 자신의 가중치로
// 이것을 직접 계산해서 비교해요.

// %%
// bertLayer.weight(name) is a weight by its Hugging Face name (Keras renames variables: a re-run's layer gets "_1").
const { poolerDiff, clsVsPooled } = tf.tidy(() => {
  const clsVectors = tf.squeeze(tf.slice(sequenceValues, [0, 0, 0], [-1, 1, -1]), [1]);
  const pooledByHand = tf.tanh(tf.add(tf.matMul(clsVectors, bertLayer.weight("pooler.dense.weight")), bertLayer.weight("pooler.dense.bias")));
  return {
    poolerDiff: tf.max(tf.abs(tf.sub(pooledByHand, pooledValues))).dataSync()[0],
    clsVsPooled: tf.max(tf.abs(tf.sub(clsVectors, pooledValues))).dataSync()[0],
  };
});
assert.ok(poolerDiff < 1e-5, `hand-built pooler differs by ${poolerDiff}`);
({ handBuiltPoolerVsLibrary: poolerDiff, rawClsVsPooled: clsVsPooled })

// %%
const pooledRows = (await pooledValues.array()) as number[][];
display(heatmap({ z: pooledRows.map((r) => r.slice(0, 32)), y: [localize({ en: "sentence A", ko: "문장 A" }), localize({ en: "pair A+B", ko: "쌍 A+B" })], title: localize({ en: "pooled_output, first 32 of the hidden units (random weights)", ko: "pooled_output, 은닉 유닛 중 처음 32개(무작위 가중치)" }), xTitle: localize({ en: "hidden unit", ko: "은닉 유닛" }), showValues: false, height: 260 }));

// %% [markdown]
// ## 8. Contextual embeddings: one word, many vectors
//
// The token embedding table of section 6 gives `bank` one vector, whatever the sentence. After the encoder, a token's
// vector (its row of `sequenceOutput`, the last hidden state) has been mixed with every other token by self-attention,
// so it depends on the sentence. That is what *contextual* means. A model that has learnt something about meaning
// should then put `bank` (money) closer to `bank` (money) than to `bank` (river).
//
// Random weights cannot show that, so from here on we load the course's pretrained checkpoint as `BertForPreTraining`
// (the encoder plus the two pretraining heads; section 9 uses the next-sentence head). Without the checkpoint the
// lesson falls back to a randomly initialised model, and the numbers below then say nothing about meaning. We
// compare cosine similarities of the word's vector in two sentences: in the input word embedding table, and at the
// last layer, for the pretrained model and for an untrained one of the same size. (Korean `배` is ship, pear or
// belly. We write it with `를`, because this vocabulary has `배가` as a piece of its own: in `배가 고파요` the model
// would not see the token `배` at all.)
//
// **Predict:** for the pretrained model, which pair of `bank`s has the highest cosine similarity?

// %% [markdown] lang=ko
// ## 8. 문맥 임베딩(contextual embedding): 단어 하나, 벡터 여러 개
//
// 6절의 토큰 임베딩 테이블은 문장이 무엇이든 `bank`에 벡터 하나를 줘요. 인코더를 지나고 나면 토큰의 벡터(마지막 은닉
// 상태(last hidden state)인 `sequenceOutput`에서 그 토큰의 행)는 셀프 어텐션으로 다른 모든 토큰과 섞였기 때문에 문장에
// 따라 달라져요. 이것이 *문맥에 따른다*(contextual)는 뜻이에요. 의미에 대해 무언가를 배운 모델이라면 `bank`(은행)를
// `bank`(강둑)보다 다른 `bank`(은행)에 더 가깝게 놓아야 해요.
//
// 무작위 가중치로는 그것을 보여 줄 수 없으니, 여기서부터는 코스의 사전학습된 체크포인트를 `BertForPreTraining`(인코더에
// 사전학습 헤드(head) 두 개를 더한 것. 9절에서 다음 문장 예측 헤드를 써요)으로 불러와요. 체크포인트가 없으면 레슨은
// 무작위로 초기화한 모델을 대신 쓰고, 그때 아래 숫자는 의미에 대해 아무것도 말해 주지 않아요. 두 문장에서 그 단어의
// 벡터끼리 코사인 유사도(cosine similarity)를 비교해요. 입력 단어 임베딩 테이블에서, 그리고 마지막 층에서요. 사전학습된
// 모델과 같은 크기의 학습하지 않은 모델 둘 다로 재요. (한국어 `배`는 타는 배, 먹는 배, 몸의 배예요. `를`을 붙여 쓰는
// 이유는 이 어휘 집합에 `배가`가 조각 하나로 들어 있기 때문이에요. `배가 고파요`에서는 모델이 `배`라는 토큰을 아예
// 보지 못해요.)
//
// **예측해 보세요:** 사전학습된 모델에서 코사인 유사도가 가장 높은 `bank` 쌍은 어느 것일까요?

// %%
const hasCheckpoint = fs.existsSync(path.join(shippedDir, "config.json")) && fs.existsSync(path.join(shippedDir, "model.safetensors"));
const pretrained = hold("pretrained", hasCheckpoint
  ? await BertForPreTraining.fromPretrained(shippedDir)
  : await BertForPreTraining.create(bertConfig("tiny", { vocabSize: tokenizer.vocabSize }), { seed: 2 }));
// Seed 1, not 0: TensorFlow.js treats a seed of 0 as "no seed", and the first weight would differ from run to run.
const untrained = hold("untrained", await BertForPreTraining.create(pretrained.config, { seed: 1 }));

/** The token where `word` starts in `text`: its input word embedding and its last hidden state. */
function wordVectors(model: BertForPreTraining, text: string, word: string) {
  const enc = tokenizer.encode(text);
  const at = text.indexOf(word);
  const i = enc.offsets.findIndex(([start], k) => enc.wordIds[k] !== null && start === at);
  assert.ok(at >= 0 && i > 0, `no token starts "${word}" in "${text}": ${enc.tokens.join(" ")}`);
  return tf.tidy(() => {
    const out = model.forward({ inputIds: [enc.inputIds], segmentIds: [enc.segmentIds], inputMask: [enc.inputMask] });
    // bertlab holds the word embeddings as [hidden, vocab] (section 6): the token's vector is a column.
    const input = tf.gather(model.namedWeights.get("embeddings.word_embeddings.weight")!, [enc.inputIds[i]], 1);
    return { token: enc.tokens[i], position: i, input: Array.from(input.dataSync()), last: Array.from(tf.slice(out.sequenceOutput, [0, i, 0], [1, 1, -1]).dataSync()) };
  });
}
const cosine = (a: number[], b: number[]) => {
  let dot = 0, aa = 0, bb = 0;
  for (let k = 0; k < a.length; k++) [dot, aa, bb] = [dot + a[k] * b[k], aa + a[k] * a[k], bb + b[k] * b[k]];
  return dot / Math.sqrt(aa * bb);
};
const contexts: Record<string, Array<[string, string]>> = {
  bank: [["money", "I need to open a bank account."], ["money", "I deposited the money at the bank."], ["river", "We sat on the river bank."], ["river", "Fish swim near the bank of the river."]],
  배: [["ship", "배를 타고 섬에 가요."], ["ship", "큰 배를 타고 바다를 건넜어요."], ["pear", "배를 깎아 먹었어요."], ["belly", "배를 잡고 웃었어요."]],
};
const similarityRows: Array<{ word: string; senses: string; positions: string; inputEmbedding: number; lastPretrained: number; lastUntrained: number; same: boolean }> = [];
for (const [word, sentences] of Object.entries(contexts)) {
  const pre = sentences.map(([, text]) => wordVectors(pretrained, text, word));
  const raw = sentences.map(([, text]) => wordVectors(untrained, text, word));
  for (let i = 0; i < sentences.length; i++) {
    for (let j = i + 1; j < sentences.length; j++) {
      similarityRows.push({ word: `${pre[i].token}/${pre[j].token}`, senses: `${sentences[i][0]}/${sentences[j][0]}`, positions: `${pre[i].position}/${pre[j].position}`, inputEmbedding: +cosine(pre[i].input, pre[j].input).toFixed(3), lastPretrained: +cosine(pre[i].last, pre[j].last).toFixed(3), lastUntrained: +cosine(raw[i].last, raw[j].last).toFixed(3), same: sentences[i][0] === sentences[j][0] });
    }
  }
}
// Our cosine against TensorFlow's (1 - cosine distance of the unit vectors), on one pair's vectors (ship/belly).
const [shipLast, bellyLast] = [wordVectors(pretrained, contexts["배"][0][1], "배").last, wordVectors(pretrained, contexts["배"][3][1], "배").last];
const unitVector = (x: number[]) => tf.div(tf.tensor1d(x), tf.norm(tf.tensor1d(x)));
const tfCosine = tf.tidy(() => 1 - tf.losses.cosineDistance(unitVector(shipLast), unitVector(bellyLast), 0).dataSync()[0]);
assert.ok(Math.abs(tfCosine - cosine(shipLast, bellyLast)) < 1e-5, `our cosine ${cosine(shipLast, bellyLast)}, TensorFlow's ${tfCosine}`);
console.log(`model: ${hasCheckpoint ? shippedDir : "no checkpoint, a randomly initialised model (meaningless for this section)"}`);
console.table(similarityRows);

// %%
const meanOf = (rows: typeof similarityRows, key: "lastPretrained" | "lastUntrained") => +(rows.reduce((s, r) => s + r[key], 0) / rows.length).toFixed(3);
Object.fromEntries(Object.keys(contexts).map((word) => {
  const rows = similarityRows.filter((r) => r.word.startsWith(word));
  const same = rows.filter((r) => r.same);
  const different = rows.filter((r) => !r.same);
  return [word, { pretrained: { sameSense: meanOf(same, "lastPretrained"), differentSense: meanOf(different, "lastPretrained") }, untrained: { sameSense: meanOf(same, "lastUntrained"), differentSense: meanOf(different, "lastUntrained") } }];
}))

// %%
// The same last-layer cosines as one matrix per word (pretrained model): sentence against sentence.
const senseKo: Record<string, string> = { money: "은행", river: "강둑", ship: "타는 배", pear: "먹는 배", belly: "몸의 배" };
for (const [word, sentences] of Object.entries(contexts)) {
  const last = sentences.map(([, text]) => wordVectors(pretrained, text, word).last);
  const labels = sentences.map(([sense, text], i) => `${i + 1} ${localize({ en: sense, ko: senseKo[sense] })}: ${text.length > 22 ? `${text.slice(0, 21)}…` : text}`);
  display(heatmap({ z: last.map((a) => last.map((b) => cosine(a, b))), x: labels, y: labels, zmin: 0.5, zmax: 1, height: 380, title: localize({ en: `"${word}": cosine of its last-layer vectors, sentence by sentence`, ko: `"${word}": 마지막 층 벡터의 코사인 유사도, 문장 대 문장` }) }));
}

// %% [markdown]
// Every `inputEmbedding` cosine is 1: the same token id selects the same row of the table, whatever the sentence.
// At the last layer no pair is at 1, so the vectors do depend on the context. For this small model, though, the
// dependence does not follow the sense. For `bank` the two same-sense pairs average 0.778 and the four
// different-sense pairs 0.817, and the most similar pair (0.875) is a money `bank` and a river `bank`. For `배`, the
// three sentences that open with `배를` (position 1) give the three most similar pairs (0.923 to 0.969) whatever
// their senses: position and the neighbouring `##를` count for more than meaning. The untrained model shows why.
// Its last layer hardly moves away from the input: 0.999 for the same token at the same position, 0.581 to 0.718
// when the position differs, so what its vector holds is the token plus its position. Pretraining has made the last
// layer depend more on the context (0.923 to 0.969 where the untrained model gives 0.999), but a pretraining this
// short (lesson 01 shows its cost) did not teach it word senses. Four sentences per word are also far too few to
// measure anything: take this as a way to look, not as a result. In BERT-base the vectors of one word do fall into
// separate clusters by sense (Coenen et al., 2019, "Visualizing and Measuring the Geometry of BERT").

// %% [markdown] lang=ko
// `inputEmbedding`의 코사인은 모두 1이에요. 문장이 무엇이든 같은 토큰 ID는 테이블의 같은 행을 고르니까요. 마지막
// 층에서는 1인 쌍이 하나도 없으니, 벡터가 문맥에 따라 달라지는 것은 맞아요. 하지만 이 작은 모델에서는 그 달라짐이
// 의미를 따르지 않아요. `bank`에서 뜻이 같은 두 쌍의 평균은 0.778이고 뜻이 다른 네 쌍의 평균은 0.817이며, 가장
// 비슷한 쌍(0.875)은 은행의 `bank`와 강둑의 `bank`예요. `배`에서는 `배를`로 시작하는 세 문장(위치 1)이 뜻과 상관없이
// 가장 비슷한 세 쌍(0.923~0.969)을 만들어요. 의미보다 위치와 바로 옆의 `##를`이 더 크게 작용해요. 학습하지 않은
// 모델을 보면 이유를 알 수 있어요. 그 모델의 마지막 층은 입력에서 거의 벗어나지 않아요. 같은 토큰이 같은 위치에
// 있으면 0.999, 위치가 다르면 0.581~0.718이에요. 즉 그 벡터에 담긴 것은 토큰과 그 위치예요. 사전학습은 마지막
// 층이 문맥에 더 많이 의존하게 만들었지만(학습하지 않은 모델이 0.999를 내는 자리에서 0.923~0.969), 이렇게 짧은
// 사전학습(그 비용은 레슨 01에 나와요)으로는 단어의 뜻(word sense)까지 배우지 못했어요. 게다가 단어마다 문장 네 개는
// 무언가를 측정하기에 너무 적어요. 이것은 결과가 아니라 들여다보는 방법으로 받아들이세요. BERT-base에서는 한 단어의 벡터들이 실제로 뜻에 따라
// 서로 다른 군집(cluster)으로 나뉘어요(Coenen et al., 2019, "Visualizing and Measuring the Geometry of BERT").

// %% [markdown]
// ## 9. A sentence-pair task uses segment B downstream
//
// Section 2 packed a pair as `[CLS] A [SEP] B [SEP]` with segment ids 0 then 1. A pair task puts its classifier on
// the pooled `[CLS]` vector (section 7), which self-attention has computed from both texts. The checkpoint was
// pretrained with one such task, next-sentence prediction: a 2-way linear layer on `pooledOutput` (index 0 = IsNext,
// 1 = a random sentence). Its P(IsNext) is the same kind of score a fine-tuned paraphrase or entailment classifier
// gives. The next cell packs one pair, then computes the head by hand from the checkpoint's weights and checks it
// against the library's `nspLogits`.

// %% [markdown] lang=ko
// ## 9. 문장 쌍 과제(sentence-pair task)는 세그먼트 B를 실제로 써요
//
// 2절에서는 쌍을 세그먼트 ID 0, 그다음 1과 함께 `[CLS] A [SEP] B [SEP]`로 묶었어요. 문장 쌍 과제는 분류기를 풀링된
// `[CLS]` 벡터(7절) 위에 올리는데, 이 벡터는 셀프 어텐션이 두 텍스트 모두로부터 계산한 것이에요. 체크포인트는
// 그런 과제 하나로 사전학습됐어요. 다음 문장 예측(NSP)이에요. `pooledOutput` 위의 2클래스 선형층(linear layer)이고,
// 0번이 IsNext(이어지는 문장), 1번이 무작위 문장이에요. 그 P(IsNext)는 미세조정한 바꿔 말하기(paraphrase)나
// 함의(entailment) 분류기가 내는 점수와 같은 종류예요. 다음 셀은 쌍 하나를 묶은 다음, 체크포인트의 가중치로 헤드를
// 직접 계산해서 라이브러리의 `nspLogits`와 맞춰 봐요.

// %%
/** P(IsNext) for (a, b), with the pair's own segment ids or with all of them set to 0; also the pooled output. */
function nextSentence(model: BertForPreTraining, a: string, b: string, segments: "A/B" | "all 0") {
  const enc = tokenizer.encode(a, b);
  const segmentIds = segments === "A/B" ? enc.segmentIds : enc.segmentIds.map(() => 0);
  return tf.tidy(() => {
    const out = model.forward({ inputIds: [enc.inputIds], segmentIds: [segmentIds], inputMask: [enc.inputMask] });
    const w = model.namedWeights;
    const logitsByHand = tf.add(tf.matMul(out.pooledOutput, w.get("cls.seq_relationship.weight")!), w.get("cls.seq_relationship.bias")!);
    const headDiff = tf.max(tf.abs(tf.sub(logitsByHand, out.nspLogits))).dataSync()[0];
    assert.ok(headDiff < 1e-4, `hand-built NSP head differs from nspLogits by ${headDiff}`);
    return { pIsNext: tf.softmax(out.nspLogits).dataSync()[0], pooled: Array.from(out.pooledOutput.dataSync()) };
  });
}
const nspA = "I want to fly to Seattle next Friday.";
const nspB = "Do you prefer a morning or an evening flight?";
const packed = tokenizer.encode(nspA, nspB);
({ tokens: packed.tokens.join(" "), segmentIds: packed.segmentIds.join(""), inputMask: packed.inputMask.join(""), pIsNext: +nextSentence(pretrained, nspA, nspB, "A/B").pIsNext.toFixed(3) })

// %% [markdown]
// Now six pairs: each first sentence with its real next sentence and with a random one, scored twice: with the
// segment ids of section 2 (A = 0, B = 1), and with every segment id set to 0, as if the pair were one long text.
//
// **Predict:** with all segment ids 0, will the model still tell the real next sentence from the random one?

// %% [markdown] lang=ko
// 이제 쌍 여섯 개예요. 첫 문장마다 실제로 이어지는 문장과 무작위 문장을 붙이고, 두 번씩 점수를 매겨요. 한 번은 2절의
// 세그먼트 ID(A = 0, B = 1)로, 또 한 번은 쌍이 긴 텍스트 하나인 것처럼 세그먼트 ID를 모두 0으로 해서요.
//
// **예측해 보세요:** 세그먼트 ID가 모두 0이어도 모델이 실제로 이어지는 문장과 무작위 문장을 구별할까요?

// %%
const nspTriples: Array<[string, string, string]> = [
  [nspA, nspB, "Please turn off the kitchen lights."],
  ["Can you book a table for two tonight?", "Sure, what time would you like?", "My phone battery died this morning."],
  ["What's the weather like in Busan this weekend?", "It will be sunny and warm on Saturday.", "I lost my debit card yesterday."],
  ["배우들 연기가 정말 좋았어요.", "특히 마지막 장면이 기억에 남아요.", "내일 아침 7시에 알람 맞춰 줘."],
  ["이번 주말에 부산 날씨 어때?", "토요일은 맑고 따뜻할 거예요.", "카드를 잃어버렸어요."],
  ["스토리가 너무 지루했어요.", "두 시간 내내 졸았어요.", "거실 불 좀 꺼 줘."],
];
const maxAbs = (x: number[], y: number[]) => Math.max(...x.map((value, k) => Math.abs(value - y[k])));
const nspRows = nspTriples.map(([a, next, random]) => {
  const [nextAB, randomAB, next0, random0] = [nextSentence(pretrained, a, next, "A/B"), nextSentence(pretrained, a, random, "A/B"), nextSentence(pretrained, a, next, "all 0"), nextSentence(pretrained, a, random, "all 0")];
  return { A: a, realAB: +nextAB.pIsNext.toFixed(3), randomAB: +randomAB.pIsNext.toFixed(3), realAll0: +next0.pIsNext.toFixed(3), randomAll0: +random0.pIsNext.toFixed(3), pooledChange: +maxAbs(nextAB.pooled, next0.pooled).toFixed(3) };
});
console.table(nspRows);
({
  realRankedFirstWithAB: nspRows.filter((r) => r.realAB > r.randomAB).length,
  realRankedFirstWithAll0: nspRows.filter((r) => r.realAll0 > r.randomAll0).length,
  meanRandomPIsNextAB: +(nspRows.reduce((s, r) => s + r.randomAB, 0) / nspRows.length).toFixed(3),
  meanRandomPIsNextAll0: +(nspRows.reduce((s, r) => s + r.randomAll0, 0) / nspRows.length).toFixed(3),
})

// %% [markdown]
// With the segment ids of section 2, the real next sentence gets the higher P(IsNext) in 5 of the 6 pairs. The head
// is far from perfect: for the table booking the random sentence about a phone battery scores higher (0.807 against
// 0.607), and for the Korean weather question the two are almost tied (0.322 against 0.312). Set every segment id
// to 0 and the pooled output moves (its most changed unit by 0.804 to 1.387, on a tanh scale of −1 to 1), and the head
// loses most of its signal: the random sentences' mean P(IsNext) rises from 0.222 to 0.678, and the real sentence now
// wins in only 2 of the 6 pairs. So the model does read the segment ids, not only the `[SEP]`: it was pretrained
// only on pairs whose B was marked 1, and what it learnt about B is tied to that mark. A classifier fine-tuned on
// pairs (entailment, paraphrase) starts from this model, so give it a pair as a pair, `encode(a, b)`, not as one
// string.

// %% [markdown] lang=ko
// 2절의 세그먼트 ID를 쓰면 쌍 6개 중 5개에서 실제로 이어지는 문장이 더 높은 P(IsNext)를 받아요. 헤드가 완벽한 것과는
// 거리가 멀어요. 식당 예약에서는 휴대폰 배터리에 관한 무작위 문장이 더 높은 점수를 받고(0.807 대 0.607), 한국어
// 날씨 질문에서는 둘이 거의 같아요(0.322 대 0.312). 세그먼트 ID를 모두 0으로 바꾸면 풀링된 출력이 움직이고(가장 많이
// 바뀐 값이 0.804~1.387 움직여요. tanh라서 범위는 −1~1이에요), 헤드는 신호를 대부분 잃어요. 무작위 문장의 평균
// P(IsNext)가 0.222에서 0.678로 오르고, 실제 문장이 이기는 쌍은 6개 중 2개뿐이에요. 그러니 모델은 `[SEP]`만이 아니라
// 세그먼트 ID도 실제로 읽어요. 이 모델은 B가 1로 표시된 쌍으로만 사전학습됐고, B에 대해 배운 것이 그 표시에 묶여
// 있어요. 문장 쌍으로 미세조정(fine-tuning)한 분류기(함의, 바꿔 말하기)도 이 모델에서 출발하니, 쌍은 문자열 하나로
// 이어 붙이지 말고 `encode(a, b)`처럼 쌍으로 주세요.


// %% [markdown]
// ## Summary
//
// - BERT takes three rows per example: `input_word_ids` (`[CLS]` … `[SEP]` … `[SEP]`), `segment_ids` (0 for A,
//   1 for B) and `input_mask` (1 for tokens, 0 for padding). You built all three by hand and matched
//   `BertTokenizer.encode`.
// - Pad with `"max_length"` for a fixed `SEQ_LEN`, or `"longest"` per batch; truncate pairs with `longest_first`
//   (or `only_second` when text A must stay whole, `only_first` when B must).
// - Without `input_mask`, padding changes the real tokens' outputs. The mask has three spellings: 1/0
//   (BERT), `false`/`true` (PyTorch `key_padding_mask`), 0/−10000 (added to the scores).
// - Position and segment embeddings are added to the token embeddings. Order comes only from the position
//   embeddings; which sentence a token belongs to, from the segment embeddings and from the `[SEP]` between the texts.
// - `bertLayer.apply([ids, mask, segments])` gives `pooledOutput` [batch, hidden] and `sequenceOutput`
//   [batch, SEQ_LEN, hidden]; `pooledOutput` = tanh(dense(`[CLS]`)), not the raw `[CLS]` vector.
// - The input embedding of a word is one row, the same in every sentence; its last hidden state depends on the
//   sentence. In the course's small checkpoint it follows position and neighbours more than word sense.
// - A pair task reads the whole `[CLS] A [SEP] B [SEP]` through the pooled output. Setting B's segment ids to 0
//   changes the pooled output and mostly erases the NSP head's signal.
//
// **Exercises:** `exercises/03-bert-inputs.ipynb` (RoBERTa's pair encoding, a sliding-window attention mask, one
// answer in words). **Next:** lesson 04 opens the encoder layer by layer.

// %% [markdown] lang=ko
// ## 요약
//
// - BERT는 예제마다 세 줄을 받습니다. `input_word_ids`(`[CLS]` … `[SEP]` … `[SEP]`), `segment_ids`(A는 0,
//   B는 1), `input_mask`(토큰은 1, 패딩은 0)입니다. 세 가지를 모두 직접 만들고 `BertTokenizer.encode`의 결과와
//   일치시켰습니다.
// - 고정된 `SEQ_LEN`에는 `"max_length"`로, 배치마다 맞추려면 `"longest"`로 패딩합니다. 쌍은 `longest_first`로
//   자릅니다(텍스트 A를 통째로 남겨야 하면 `only_second`, B를 남겨야 하면 `only_first`).
// - `input_mask`가 없으면 패딩이 실제 토큰의 출력을 바꿉니다. 마스크를 적는 방식은 세 가지입니다. 1/0
//   (BERT), `false`/`true`(PyTorch `key_padding_mask`), 0/−10000(점수에 더함).
// - 위치 임베딩과 세그먼트 임베딩은 토큰 임베딩에 더해집니다. 순서 정보는 위치 임베딩에서만 오고, 토큰이 어느
//   문장에 속하는지는 세그먼트 임베딩과 두 텍스트 사이의 `[SEP]`에서 옵니다.
// - `bertLayer.apply([ids, mask, segments])`는 `pooledOutput` [batch, hidden]과 `sequenceOutput`
//   [batch, SEQ_LEN, hidden]을 줍니다. `pooledOutput`은 날것의 `[CLS]` 벡터가 아니라 tanh(dense(`[CLS]`))입니다.
// - 단어의 입력 임베딩은 행 하나이고 어느 문장에서나 같습니다. 마지막 은닉 상태는 문장에 따라 달라집니다. 코스의 작은
//   체크포인트에서는 그것이 단어의 뜻보다 위치와 이웃 토큰을 더 따릅니다.
// - 문장 쌍 과제는 `[CLS] A [SEP] B [SEP]` 전체를 풀링된 출력으로 읽습니다. B의 세그먼트 ID를 0으로 바꾸면 풀링된
//   출력이 바뀌고 NSP 헤드의 신호가 대부분 사라집니다.
//
// **연습 문제:** `exercises/03-bert-inputs.ipynb`(RoBERTa의 쌍 인코딩, 슬라이딩 윈도 어텐션 마스크, 글로 답하는 문항
// 하나). **다음:** 레슨 04에서는 인코더를 층별로 열어 봅니다.
