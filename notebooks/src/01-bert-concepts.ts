// %% [markdown]
// # 01 · What BERT is
//
// > "We introduce a new language representation model called **BERT**, which stands for **B**idirectional
// > **E**ncoder **R**epresentations from **T**ransformers. [...] BERT is designed to pre-train deep bidirectional
// > representations from unlabeled text by jointly conditioning on both left and right context in all layers."
// > (Devlin et al., 2019, abstract)
//
// Quoted text is the paper's; everything else is the course's notes. BERT is the **encoder** half of the
// Transformer (Vaswani et al., 2017), trained in two stages: *pretraining* on plain text with two self-supervised
// tasks, Masked LM and Next Sentence Prediction, then *fine-tuning* on a labelled task by adding one output layer.
//
// **After this lesson you can**
//
// - draw the attention masks of a left-to-right language model and of BERT, and say what each position may see;
// - apply BERT's 15% / 80-10-10 masking rule, and check it against bertlab's `maskTokens`;
// - run a Masked LM and an NSP head and read their predictions (an untrained model first, then the course's
//   pretrained checkpoint when this checkout has it);
// - compare the cost of pretraining with the cost of fine-tuning, from the paper's numbers.

// %% [markdown] lang=ko
// # 01 · BERT란 무엇인가
//
// > "We introduce a new language representation model called **BERT**, which stands for **B**idirectional
// > **E**ncoder **R**epresentations from **T**ransformers. [...] BERT is designed to pre-train deep bidirectional
// > representations from unlabeled text by jointly conditioning on both left and right context in all layers."
// > (Devlin et al., 2019, abstract)
// >
// > 우리말 풀이: 우리는 **BERT**라는 새로운 언어 표현 모델을 소개합니다. BERT는 Bidirectional Encoder Representations
// > from Transformers(트랜스포머의 양방향 인코더 표현)의 약자입니다. [...] BERT는 모든 층에서 왼쪽과 오른쪽 문맥을
// > 함께 조건으로 삼아, 레이블이 없는 텍스트로부터 깊은 양방향 표현을 사전학습하도록 설계되었습니다.
//
// 인용문은 논문의 글이고, 나머지는 모두 이 코스의 설명이에요. BERT는 트랜스포머(Transformer, Vaswani et al., 2017)의
// **인코더**(encoder) 절반이고, 두 단계로 학습해요. 먼저 일반 텍스트에서 두 가지 자기지도(self-supervised) 과제인
// 마스크 언어 모델(masked language model, MLM)과 다음 문장 예측(next sentence prediction, NSP)으로 *사전학습*(pretraining)을
// 하고, 그다음 출력층(output layer) 하나를 더해 레이블이 있는 과제에 맞춰 *미세조정*(fine-tuning)을 해요.
//
// **학습 목표**
//
// - 왼쪽에서 오른쪽으로 읽는(left-to-right) 언어 모델과 BERT의 어텐션 마스크(attention mask)를 그리고, 각 위치가
//   무엇을 볼 수 있는지 말할 수 있습니다.
// - BERT의 15% / 80-10-10 마스킹 규칙을 적용하고, bertlab의 `maskTokens`와 맞춰 확인할 수 있습니다.
// - 마스크 언어 모델 헤드(head)와 NSP 헤드를 실행하고 그 예측을 읽을 수 있습니다(먼저 학습하지 않은 모델로, 그다음
//   이 체크아웃에 코스의 사전학습된 체크포인트(checkpoint)가 있으면 그 체크포인트로).
// - 논문의 수치로 사전학습 비용과 미세조정 비용을 비교할 수 있습니다.

// %%
import assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ready, BertTokenizer, BertForPreTraining, bertConfig, maskTokens, Random, trainBpe, readCorpus, maskHeatmap, topKBar, barChart, display, localize, builtinCorpusDir, HeldValues } from "bertlab";
// Models that later cells use are kept with hold(name, model): re-running their cell frees the previous run's model
// (TensorFlow.js frees tensors only when asked; lesson 04 explains the habit).
const { hold } = new HeldValues();
// The course folder, found from the library, so that the lesson runs from notebooks/ and notebooks/ko/ alike.
const courseDir = path.resolve(builtinCorpusDir(), "../..");
await ready(); // TensorFlow.js picks its backend

// %% [markdown]
// ## 1. Left-to-right versus bidirectional
//
// A left-to-right language model (GPT, and the Transformer's decoder) predicts each word from the words before it,
// so position *i* may attend only to positions 0…*i*: a lower-triangular **causal mask**. BERT's encoder lets every
// position attend to every other one: the mask is all ones (apart from padding, lesson 03).
//
// **Predict:** in "the bank of the river", which positions can the first "the" see in each model? Which can "river"
// see?

// %% [markdown] lang=ko
// ## 1. 왼쪽에서 오른쪽으로 읽는 모델과 양방향 모델
//
// 왼쪽에서 오른쪽으로 읽는 언어 모델(GPT, 그리고 트랜스포머의 디코더)은 각 단어를 그 앞에 나온 단어들로 예측해요.
// 그래서 위치 *i*는 위치 0…*i*에만 어텐션(attention)할 수 있어요. 아래쪽 삼각형 모양(lower-triangular)의
// **인과 마스크**(causal mask)예요. BERT의 인코더는 모든 위치가 다른 모든 위치에 어텐션하게 해요. 마스크가 전부 1이에요
// (패딩(padding)은 예외인데, 레슨 03에서 다뤄요).
//
// **예측해 보세요:** "the bank of the river"에서 첫 번째 "the"는 각 모델에서 어떤 위치들을 볼 수 있을까요? "river"는
// 어떤 위치들을 볼 수 있을까요?

// %%
const words = ["the", "bank", "of", "the", "river"];
const n = words.length;
const causalByHand = words.map((_, q) => words.map((_, k) => (k <= q ? 1 : 0)));
const bidirectionalByHand = words.map(() => words.map(() => 1));
// TensorFlow's own lower triangle (band_part with no upper band) must be the same causal mask.
const ones = tf.ones([n, n]);
const tfCausal = tf.linalg.bandPart(ones, -1, 0);
assert.deepStrictEqual(causalByHand, await tfCausal.array());
tf.dispose([ones, tfCausal]);
display(maskHeatmap(causalByHand, { tokens: words, title: localize({ en: "Left-to-right (causal): query i sees keys 0…i", ko: "왼쪽에서 오른쪽으로(인과): 쿼리 i는 키 0…i만 봐요" }) }));
display(maskHeatmap(bidirectionalByHand, { tokens: words, title: localize({ en: "BERT (bidirectional): every query sees every key", ko: "BERT(양방향): 모든 쿼리가 모든 키를 봐요" }) }));

// %% [markdown]
// "bank" is ambiguous until "river" arrives. A left-to-right model must represent "bank" before it has seen
// "river"; BERT's representation of "bank" is computed from both sides, in every layer. Of GPT's left-to-right
// architecture the paper says: "Such restrictions are sub-optimal for sentence-level tasks, and could be very
// harmful when applying fine-tuning based approaches to token-level tasks such as question answering, where it is
// crucial to incorporate context from both directions." (§1)
//
// But a bidirectional model cannot be trained to predict the next word: every word could simply look at itself.
// Hence a different task.
//
// ## 2. Masked LM: the 15% and the 80/10/10 rule
//
// > "we simply mask some percentage of the input tokens at random, and then predict those masked tokens. [...]
// > we mask 15% of all WordPiece tokens in each sequence at random." (§3.1)
//
// And since `[MASK]` never appears when the model is later fine-tuned:
//
// > "If the i-th token is chosen, we replace the i-th token with (1) the [MASK] token 80% of the time (2) a random
// > token 10% of the time (3) the unchanged i-th token 10% of the time." (§3.1)
//
// We need a tokenizer first: the course's checkpoint's when this checkout has one (`models/bertlab-mini`, or the
// folder in `BERTLAB_CHECKPOINT`), otherwise a vocabulary of 8,000 pieces trained here on the course corpus (as in
// lesson 03).

// %% [markdown] lang=ko
// "bank"는 "river"가 나오기 전까지는 뜻이 모호해요(은행일까요, 둑일까요?). 왼쪽에서 오른쪽으로 읽는 모델은 "river"를
// 보기 전에 "bank"를 표현해야 하지만, BERT에서 "bank"의 표현(representation)은 모든 층에서 양쪽 문맥으로부터 계산돼요.
// GPT처럼 왼쪽에서 오른쪽으로 읽는 구조에 대해 논문은 이렇게 말해요. "Such restrictions are sub-optimal for
// sentence-level tasks, and could be very harmful when applying fine-tuning based approaches to token-level tasks such
// as question answering, where it is crucial to incorporate context from both directions." (§1) (이런 제약은 문장 수준
// 과제에는 최선이 아니며, 질의응답처럼 양방향의 문맥을 반드시 반영해야 하는 토큰 수준 과제에 미세조정 기반 접근법을
// 적용할 때는 매우 해로울 수 있다.)
//
// 하지만 양방향 모델은 다음 단어를 예측하도록 학습시킬 수 없어요. 모든 단어가 그냥 자기 자신을 보면 되니까요.
// 그래서 다른 과제가 필요해요.
//
// ## 2. 마스크 언어 모델: 15%와 80/10/10 규칙
//
// > "we simply mask some percentage of the input tokens at random, and then predict those masked tokens. [...]
// > we mask 15% of all WordPiece tokens in each sequence at random." (§3.1)
// >
// > 우리말 풀이: 입력 토큰의 일정 비율을 무작위로 가린 다음, 그 가려진 토큰을 예측합니다. [...] 각 시퀀스에서 모든
// > WordPiece 토큰의 15%를 무작위로 가립니다.
//
// 그리고 나중에 모델을 미세조정할 때는 `[MASK]`가 전혀 나오지 않으므로, 논문은 이렇게 해요.
//
// > "If the i-th token is chosen, we replace the i-th token with (1) the [MASK] token 80% of the time (2) a random
// > token 10% of the time (3) the unchanged i-th token 10% of the time." (§3.1)
// >
// > 우리말 풀이: i번째 토큰이 골라지면, 그 토큰을 (1) 80%는 [MASK] 토큰으로, (2) 10%는 무작위 토큰으로 바꾸고,
// > (3) 10%는 바꾸지 않은 i번째 토큰 그대로 둡니다.
//
// 먼저 토크나이저(tokenizer)가 필요해요. 이 체크아웃에 코스의 체크포인트가 있으면(`models/bertlab-mini`, 또는
// `BERTLAB_CHECKPOINT`에 지정한 폴더) 그 체크포인트의 토크나이저를 쓰고, 없으면 여기서 코스 말뭉치(corpus)로
// 8,000 조각짜리 어휘 집합(vocabulary)을 학습해요(레슨 03에서처럼).

// %%
const checkpointDir = process.env.BERTLAB_CHECKPOINT ?? path.join(courseDir, "models/bertlab-mini");
const hasCheckpoint = fs.existsSync(path.join(checkpointDir, "config.json")) && (fs.existsSync(path.join(checkpointDir, "tokenizer.json")) || fs.existsSync(path.join(checkpointDir, "vocab.txt")));
const tokenizer = hasCheckpoint
  ? await BertTokenizer.fromPretrained(checkpointDir)
  : BertTokenizer.fromVocab(trainBpe([...readCorpus(path.join(courseDir, "data/corpus/en")), ...readCorpus(path.join(courseDir, "data/corpus/ko"))].flat(), { vocabSize: 8000, lowercase: false, endOfWordSuffix: "", continuingSubwordPrefix: "##" }).tokenizer.vocab.tokens as string[], { lowercase: false });
({ checkpoint: hasCheckpoint ? checkpointDir : "none (untrained model only)", vocabSize: tokenizer.vocabSize })

// %% [markdown]
// Now the rule by hand, with a seeded random generator so the result is reproducible. As in Google's
// `create_pretraining_data.py`, the number of predictions is fixed per sequence, which tokens are chosen is a
// shuffle, and each chosen token then draws its fate (Google draws twice: 80% `[MASK]` or not, then keep or random
// for the other 20%; here one number in [0, 1) decides all three, with the same shares). Two details differ, on
// purpose:
// - Google's count is 15% of `len(tokens)`, **including** `[CLS]` and `[SEP]`, rounded, at least one, and capped at
//   `max_predictions_per_seq` (20 for 128 tokens); only the choice skips `[CLS]` and `[SEP]`. Here (and in bertlab's
//   `maskTokens`) the count is 15% of the non-special tokens, so a short sentence is not given predictions for
//   tokens that can never be chosen.
// - Google's random replacement is drawn from the **whole** vocabulary, `[MASK]`, `[PAD]` and the other special
//   tokens included. Here it is redrawn until it is an ordinary token, so the 10% "random word" really is a word.

// %% [markdown] lang=ko
// 이제 규칙을 직접 구현해요. 결과를 재현할 수 있도록 시드(seed)를 준 난수 생성기를 써요. Google의
// `create_pretraining_data.py`처럼, 예측할 개수는 시퀀스마다 정해지고, 어떤 토큰을 고를지는 섞기(shuffle)로 정하며,
// 골라진 토큰마다 어떻게 바꿀지 뽑아요(Google은 두 번 뽑아요. 먼저 80% 확률로 `[MASK]`인지 정하고, 나머지 20%는
// 그대로 둘지 무작위 토큰으로 바꿀지 다시 뽑아요. 여기서는 [0, 1) 사이의 수 하나로 셋 중 하나를 같은 비율로 정해요).
// 세부 사항 두 가지는 일부러 다르게 했어요.
// - Google은 개수를 `len(tokens)`의 15%로 정하는데, 여기에는 `[CLS]`와 `[SEP]`가 **포함**되고, 반올림하며, 최소
//   1개이고, 최대 `max_predictions_per_seq`(128 토큰일 때 20)개로 제한해요. `[CLS]`와 `[SEP]`를 건너뛰는 것은 고를
//   때뿐이에요. 여기서는(그리고 bertlab의 `maskTokens`에서는) 특수 토큰이 아닌 토큰의 15%로 개수를 정해요. 그래서
//   짧은 문장이 절대 골라질 수 없는 토큰 몫까지 예측 개수를 배정받지 않아요.
// - Google의 무작위 대체 토큰은 `[MASK]`, `[PAD]`를 비롯한 특수 토큰까지 포함한 어휘 집합 **전체**에서 뽑아요.
//   여기서는 일반 토큰이 나올 때까지 다시 뽑아요. 그래서 10%의 "무작위 단어"는 정말로 단어가 돼요.

// %%
const maskId = tokenizer.tokenToId("[MASK]") as number;
const specialIds = new Set(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map((t) => tokenizer.tokenToId(t)).filter((id): id is number => id !== undefined));
function maskByHand(ids: number[], rng: Random) {
  const candidates = ids.map((id, i) => i).filter((i) => !specialIds.has(ids[i]));
  const budget = Math.max(1, Math.round(candidates.length * 0.15));
  const chosen = rng.shuffle(candidates.map((i) => [i])).slice(0, budget).map((w) => w[0]).sort((a, b) => a - b);
  const inputIds = ids.slice();
  for (const p of chosen) {
    const r = rng.next();
    if (r < 0.8) inputIds[p] = maskId;
    else if (r < 0.9) {
      let id = rng.int(tokenizer.vocabSize);
      while (specialIds.has(id)) id = rng.int(tokenizer.vocabSize);
      inputIds[p] = id;
    } // else: unchanged, but still predicted
  }
  return { inputIds, positions: chosen, labels: chosen.map((p) => ids[p]) };
}
const mlmSentence = tokenizer.encode("My sister made kimchi with our grandmother last weekend, and it was delicious.");
const maskedByHand = maskByHand(mlmSentence.inputIds, new Random(7));
const maskingVocab = { maskId: maskId, vocabSize: tokenizer.vocabSize, specialIds: specialIds };
const maskedLib = maskTokens(mlmSentence.inputIds, maskingVocab, new Random(7));
assert.deepStrictEqual(maskedByHand, maskedLib);
({ original: mlmSentence.tokens.join(" "), corrupted: tokenizer.convertIdsToTokens(maskedLib.inputIds).join(" "), predict: maskedLib.positions.map((p) => `${p}:${mlmSentence.tokens[p]}`) })

// %% [markdown]
// **Predict:** over many sentences, what share of the *chosen* tokens become `[MASK]`, a random token, or stay
// unchanged? Count it, from the library's function, over 2,000 sentences of the corpus:

// %% [markdown] lang=ko
// **예측해 보세요:** 여러 문장에 걸쳐 보면, *골라진* 토큰 가운데 `[MASK]`가 되는 것, 무작위 토큰이 되는 것, 그대로
// 남는 것은 각각 몇 퍼센트일까요? 라이브러리의 함수로 말뭉치 2,000문장에 대해 세어 봐요.

// %%
const corpusSentences = readCorpus(path.join(courseDir, "data/corpus/en")).flat().slice(0, 1000).concat(readCorpus(path.join(courseDir, "data/corpus/ko")).flat().slice(0, 1000));
const tally = { mask: 0, random: 0, unchanged: 0, tokens: 0 };
const tallyRng = new Random(0);
for (const s of corpusSentences) {
  const ids = tokenizer.encode(s).inputIds;
  const m = maskTokens(ids, maskingVocab, tallyRng);
  tally.tokens += ids.length - 2;
  m.positions.forEach((p) => {
    if (m.inputIds[p] === maskId) tally.mask++;
    else if (m.inputIds[p] !== ids[p]) tally.random++;
    else tally.unchanged++;
  });
}
const chosenTotal = tally.mask + tally.random + tally.unchanged;
display(barChart({ labels: ["[MASK]", localize({ en: "random token", ko: "무작위 토큰" }), localize({ en: "unchanged", ko: "그대로" })], values: [tally.mask / chosenTotal, tally.random / chosenTotal, tally.unchanged / chosenTotal], title: localize({ en: `What happens to the ${chosenTotal} chosen tokens (${((100 * chosenTotal) / tally.tokens).toFixed(1)}% of ${tally.tokens})`, ko: `고른 토큰 ${chosenTotal}개(전체 ${tally.tokens}개의 ${((100 * chosenTotal) / tally.tokens).toFixed(1)}%)가 어떻게 바뀌나` }), valueTitle: localize({ en: "share of chosen tokens", ko: "고른 토큰 중 비율" }), valueFormat: ".1%" }));
({ chosenShareOfTokens: +(chosenTotal / tally.tokens).toFixed(4), ...tally })

// %% [markdown]
// (A random replacement can by chance draw the original token; it is then counted as "unchanged", which is
// what the model sees.)
//
// ## 3. Next Sentence Prediction
//
// > "when choosing the sentences A and B for each pre-training example, 50% of the time B is the actual next
// > sentence that follows A (labeled as IsNext), and 50% of the time it is a random sentence from the corpus
// > (labeled as NotNext)." (§3.1)
//
// The NSP head is a 2-way classifier on the pooled `[CLS]` vector. Together the two heads make
// `BertForPreTraining`. Following the Annotated Transformer, we **run the untrained model first**: a small BERT
// (2 layers, hidden 128) with random weights.
//
// **Predict:** what probability will the untrained model give its best guess for a `[MASK]`, roughly? (Hint: how
// many words could it choose from?)

// %% [markdown] lang=ko
// (무작위 대체가 우연히 원래 토큰을 뽑을 수도 있어요. 그러면 '그대로'(unchanged)로 집계되는데, 모델이 보는 것도
// 바로 그 상태예요.)
//
// ## 3. 다음 문장 예측
//
// > "when choosing the sentences A and B for each pre-training example, 50% of the time B is the actual next
// > sentence that follows A (labeled as IsNext), and 50% of the time it is a random sentence from the corpus
// > (labeled as NotNext)." (§3.1)
// >
// > 우리말 풀이: 각 사전학습 예제의 문장 A와 B를 고를 때, 50%는 B가 A 다음에 오는 실제 문장이고(IsNext로 레이블),
// > 50%는 말뭉치에서 고른 무작위 문장입니다(NotNext로 레이블).
//
// NSP 헤드는 풀링된(pooled) `[CLS]` 벡터 위에 있는 2클래스 분류기예요. 두 헤드를 합치면 `BertForPreTraining`이 돼요.
// Annotated Transformer를 따라 **학습하지 않은 모델을 먼저 실행해** 봐요. 가중치가 무작위인 작은 BERT(2층, 은닉 크기(hidden size)
// 128)예요.
//
// **예측해 보세요:** 학습하지 않은 모델은 `[MASK]`에 대한 가장 유력한 추측에 대략 얼마의 확률을 줄까요? (힌트: 고를
// 수 있는 단어가 몇 개일까요?)

// %%
const untrained = hold("untrained", await BertForPreTraining.create(bertConfig("tiny", { vocabSize: tokenizer.vocabSize }), { seed: 0 }));
function fillMask(model: BertForPreTraining, text: string, k = 5) {
  const enc = tokenizer.encode(text);
  const at = enc.inputIds.indexOf(maskId);
  if (at < 0) throw new Error(`no [MASK] in ${JSON.stringify(text)}`);
  const out = model.forward({ inputIds: [enc.inputIds], segmentIds: [enc.segmentIds], inputMask: [enc.inputMask] });
  const probs = tf.tidy(() => tf.softmax(tf.squeeze(tf.slice(out.mlmLogits, [0, at, 0], [1, 1, -1]))));
  const values = probs.dataSync() as Float32Array;
  tf.dispose([probs, out.mlmLogits, out.nspLogits, out.sequenceOutput, out.pooledOutput]);
  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]).slice(0, k);
  return order.map((id) => ({ label: tokenizer.idToToken(id) as string, value: values[id] }));
}
const untrainedGuess = fillMask(untrained, "I paid for the coffee with my credit [MASK].");
display(topKBar(untrainedGuess, { title: localize({ en: "Untrained model: I paid for the coffee with my credit [MASK].", ko: "학습하지 않은 모델: I paid for the coffee with my credit [MASK]." }), valueTitle: localize({ en: "probability", ko: "확률" }), k: 5, reference: { value: 1 / tokenizer.vocabSize, label: localize({ en: `uniform: 1 / ${tokenizer.vocabSize} tokens`, ko: `균등 분포: 1 / 토큰 ${tokenizer.vocabSize}개` }) } }));
({ top1: untrainedGuess[0], uniform: 1 / tokenizer.vocabSize })

// %%
function isNext(model: BertForPreTraining, a: string, b: string): number {
  const enc = tokenizer.encode(a, b);
  // tf.tidy frees every tensor made inside it (the model's outputs, the softmax) and keeps the plain number.
  return tf.tidy(() => {
    const out = model.forward({ inputIds: [enc.inputIds], segmentIds: [enc.segmentIds], inputMask: [enc.inputMask] });
    return tf.softmax(out.nspLogits).dataSync()[0]; // index 0 = IsNext
  });
}
const nspPairs: Array<{ a: string; b: string; label: "IsNext" | "NotNext" }> = [
  { a: "I lost my debit card yesterday.", b: "I called the bank to block it.", label: "IsNext" },
  { a: "I lost my debit card yesterday.", b: "Penguins cannot fly, but they swim well.", label: "NotNext" },
  { a: "Can you find me a flight to Chicago?", b: "Sure, what date do you want to leave?", label: "IsNext" },
  { a: "Can you find me a flight to Chicago?", b: "Please play my workout playlist.", label: "NotNext" },
  { a: "이 영화 정말 재밌어요.", b: "배우들 연기도 최고였어요.", label: "IsNext" },
  { a: "이 영화 정말 재밌어요.", b: "내일 아침 7시에 알람 맞춰 줘.", label: "NotNext" },
  { a: "지난주에 김장을 했어요.", b: "할머니와 배추 서른 포기를 절였어요.", label: "IsNext" },
  { a: "지난주에 김장을 했어요.", b: "버스 요금이 다음 달부터 오릅니다.", label: "NotNext" },
];
nspPairs.map((p) => ({ label: p.label, pIsNext: +isNext(untrained, p.a, p.b).toFixed(3) }))

// %% [markdown]
// The untrained model spreads its MLM probability thinly over the whole vocabulary, and its NSP probabilities say
// nothing about the pairs. Everything it will know comes from pretraining.
//
// ## 4. The pretrained checkpoint
//
// The course ships a BERT-mini pretrained for 1.8 hours on two CPU cores (6,000 steps, about 10.6 million tokens
// seen) over 67 MB of public English and Korean text: task-oriented dialogues (Schema-Guided Dialogue, Taskmaster),
// assistant requests (HWU64), movie reviews (NSMC) and sentence pairs from NLI and similarity data (KorNLI, KorSTS),
// plus the course's own documents and the intent dataset's training utterances (`npm run pretrain`; the recipe is in
// `scripts/pretrain-shipped.ts`, the corpus in `data/corpus/DATASHEET.md`, the run in
// `models/bertlab-mini/MODEL_CARD.md`). When this checkout has it, the next cells run the same two functions on it.
// 10.6 million tokens are about 0.3% of the 3.3 billion words of BERT's corpus, which BERT read about 40 times; and
// the text is mostly dialogue: expect words that fit the kind of request, not encyclopaedic knowledge.

// %% [markdown] lang=ko
// 학습하지 않은 모델은 MLM 확률을 어휘 집합 전체에 얇게 펴 놓고, NSP 확률은 쌍에 대해 아무것도 말해 주지 않아요.
// 이 모델이 앞으로 알게 될 모든 것은 사전학습에서 와요.
//
// ## 4. 사전학습된 체크포인트
//
// 이 코스는 CPU 코어 두 개에서 1.8시간(6,000 스텝, 학습하면서 본 토큰 약 1,060만 개) 사전학습한 BERT-mini를 함께
// 제공해요. 학습 텍스트는 공개된 영어·한국어 텍스트 67 MB로, 과제 지향 대화(Schema-Guided Dialogue, Taskmaster),
// 어시스턴트 요청(HWU64), 영화 리뷰(NSMC), 자연어 추론·문장 유사도 데이터의 문장 쌍(KorNLI, KorSTS)이고, 여기에 코스가
// 직접 쓴 문서와 의도 데이터셋의 학습용 발화가 더해졌어요(`npm run pretrain`, 레시피는 `scripts/pretrain-shipped.ts`,
// 말뭉치는 `data/corpus/DATASHEET.md`, 학습 기록은 `models/bertlab-mini/MODEL_CARD.md`에 있어요). 체크아웃에 이
// 체크포인트가 있으면 다음 셀들이 같은 두 함수를 이 모델로 실행해요. 1,060만 토큰은 BERT 말뭉치 33억 단어의 약
// 0.3%이고, BERT는 그 말뭉치를 40번쯤 읽었어요. 게다가 텍스트 대부분이 대화예요. 백과사전식 지식이 아니라, 요청의
// 종류에 맞는 단어가 나올 거라고 기대하세요.

// %%
const pretrained = hasCheckpoint ? hold("pretrained", await BertForPreTraining.fromPretrained(checkpointDir)) : undefined;
const fillIns = ["Please transfer 100 dollars to my savings [MASK].", "Turn [MASK] the lights in the kitchen.", "The movie was really [MASK].", "정말 [MASK] 봤어요.", "오늘 날씨가 정말 [MASK]."];
if (pretrained) {
  for (const text of fillIns) display(topKBar(fillMask(pretrained, text), { title: localize({ en: `Pretrained: ${text}`, ko: `사전학습된 모델: ${text}` }), valueTitle: localize({ en: "probability", ko: "확률" }), k: 5 }));
} else {
  console.log(`No checkpoint at ${checkpointDir}: this section needs the shipped model (npm run pretrain writes it).`);
}

// %%
// One [MASK] stands for one word-piece. How many would each answer need in this vocabulary?
["재밌게", "좋다", "좋아요", "맑아요", "덥네요"].map((word) => ({ word, pieces: tokenizer.tokenize(word).join(" "), masks: tokenizer.tokenize(word).length }))

// %%
pretrained ? nspPairs.map((p) => ({ label: p.label, pIsNext: +isNext(pretrained, p.a, p.b).toFixed(3), a: p.a, b: p.b })) : "skipped: no checkpoint"

// %% [markdown]
// Compare with the untrained model of section 3: the distributions are far more peaked, and the English guesses fit
// the context ("account" after "savings", "on" for the lights, "good" and "great" for the movie) because the corpus is
// full of such requests and reviews. The Korean half of the corpus is almost all movie reviews, and the Korean guesses
// show it. For "정말 [MASK] 봤어요." ("I really [MASK] watched it") the best guess is "재밌게" ("enjoyably"), the word
// countless reviews put there; the second and fourth guesses repeat the verb ("봤어요", "봤는데"), which fits the blank's
// one piece but no reader would write. For "오늘 날씨가 정말 [MASK]." ("The weather is really [MASK] today") the best guess
// is the full stop, with "영화" (movie) next, and "좋다" ("is nice") only fifth: a model this small, trained this briefly,
// on reviews rather than weather talk, has not learnt that the sentence is missing its predicate.
//
// How the blank is asked matters too. One `[MASK]` stands for exactly one word-piece, so the model can only answer
// with a word that is a single piece of its vocabulary. The cell after the charts counts them: in this vocabulary
// "재밌게", "좋다" and "좋아요" are one piece each, but "맑아요" ("is clear") and "덥네요" ("is hot") are two, and no single
// `[MASK]` can be filled with them. To ask for a two-piece word you write two `[MASK]`s, and BERT predicts each from
// the context alone, without seeing what it put in the other. Which words are one piece depends on the vocabulary:
// another vocabulary (lesson 02 compares several) splits Korean words differently, so a fill-in that is fair for one
// model can be impossible for another.
//
// NSP: P(IsNext) is far higher for the real continuation than for the random sentence in the three pairs of the kind
// the corpus is made of (a lost card, a flight booking, a movie review). The last pair, about making kimchi, fails:
// the random sentence about bus fares scores slightly higher than the real one. Nothing like it was in the training text.
// Do not read too much into single predictions; `bench:finetune` measures what pretraining is worth over the whole
// intent test set.
//
// ## 5. Pretraining versus fine-tuning: the cost
//
// > "Training of BERT_BASE was performed on 4 Cloud TPUs in Pod configuration (16 TPU chips total). Training of
// > BERT_LARGE was performed on 16 Cloud TPUs (64 TPU chips total). Each pretraining took 4 days to complete."
// > (Appendix A.2)
//
// > "We train with batch size of 256 sequences (256 sequences * 512 tokens = 128,000 tokens/batch) for 1,000,000
// > steps, which is approximately 40 epochs over the 3.3 billion word corpus." (Appendix A.2; 90% of the steps
// > used sequences of 128 tokens, the rest 512.)
//
// > "Compared to pre-training, fine-tuning is relatively inexpensive. All of the results in the paper can be
// > replicated in at most 1 hour on a single Cloud TPU, or a few hours on a GPU" (§3.2)
//
// The paper fine-tunes for 2, 3 or 4 epochs (Appendix A.3).
//
// The arithmetic, so the prose does not have to make it up:

// %% [markdown] lang=ko
// 3절의 학습하지 않은 모델과 비교해 보세요. 분포가 훨씬 뾰족하고, 영어 추측은 문맥에 맞아요("savings" 뒤의 "account",
// 조명에 대한 "on", 영화에 대한 "good"과 "great"). 말뭉치가 그런 요청과 리뷰로 가득하기 때문이에요. 말뭉치의 한국어
// 절반은 거의 다 영화 리뷰인데, 한국어 추측에 그게 그대로 드러나요. "정말 [MASK] 봤어요."에 대한 가장 유력한 추측은
// 수많은 리뷰가 그 자리에 쓰는 "재밌게"예요. 두 번째와 네 번째 추측은 동사를 되풀이해요("봤어요", "봤는데"). 한
// 조각짜리 빈칸에 들어가기는 하지만 사람이라면 그렇게 쓰지 않겠죠. "오늘 날씨가 정말 [MASK]."에 대한 가장 유력한 추측은
// 마침표이고, 그다음이 "영화"이며, "좋다"는 다섯 번째에야 나와요. 이렇게 작은 모델을 날씨 이야기도 아닌 리뷰로 이렇게
// 짧게 학습해서는 문장에 서술어가 빠졌다는 것을 배우지 못했어요.
//
// 빈칸을 어떻게 묻는지도 중요해요. `[MASK]` 하나는 정확히 워드피스(WordPiece) 조각 하나를 나타내요. 그래서 모델은 어휘
// 집합에서 한 조각인 단어로만 답할 수 있어요. 그래프 다음 셀이 조각 수를 세어 봐요. 이 어휘 집합에서 "재밌게", "좋다",
// "좋아요"는 각각 한 조각이지만 "맑아요"와 "덥네요"는 두 조각이라서, `[MASK]` 하나로는 채울 수 없어요. 두 조각짜리
// 단어를 물으려면 `[MASK]`를 두 개 써야 하고, BERT는 각 `[MASK]`를 다른 쪽에 무엇을 넣었는지 보지 않고 문맥만으로 따로
// 예측해요. 어떤 단어가 한 조각인지는 어휘 집합에 달려 있어요. 다른 어휘 집합은(레슨 02에서 여러 개를 비교해요) 한국어
// 단어를 다르게 쪼개기 때문에, 한 모델에게 공정한 빈칸 채우기가 다른 모델에게는 풀 수 없는 문제가 될 수 있어요.
//
// NSP: 말뭉치를 이루는 종류의 세 쌍(분실한 카드, 항공편 예약, 영화 리뷰)에서는 실제로 이어지는 문장의 P(IsNext)가
// 무작위 문장보다 훨씬 높아요. 김장에 관한 마지막 쌍은 실패해요. 버스 요금에 관한 무작위 문장이 실제 문장보다 약간
// 더 높은 점수를 받아요. 학습 텍스트에는 그와 비슷한 내용이 전혀 없었어요. 예측 하나하나에 너무 많은 의미를 두지
// 마세요. `bench:finetune`은 의도(intent) 테스트 세트 전체에서 사전학습이 얼마나 가치 있는지 측정해요.
//
// ## 5. 사전학습 대 미세조정: 비용
//
// > "Training of BERT_BASE was performed on 4 Cloud TPUs in Pod configuration (16 TPU chips total). Training of
// > BERT_LARGE was performed on 16 Cloud TPUs (64 TPU chips total). Each pretraining took 4 days to complete."
// > (Appendix A.2)
// >
// > 우리말 풀이: BERT_BASE는 Pod 구성의 Cloud TPU 4개(TPU 칩 총 16개)로 학습했습니다. BERT_LARGE는 Cloud TPU
// > 16개(TPU 칩 총 64개)로 학습했습니다. 사전학습은 각각 4일이 걸렸습니다.
//
// > "We train with batch size of 256 sequences (256 sequences * 512 tokens = 128,000 tokens/batch) for 1,000,000
// > steps, which is approximately 40 epochs over the 3.3 billion word corpus." (Appendix A.2; 스텝의 90%는 128 토큰짜리
// > 시퀀스를, 나머지는 512 토큰짜리 시퀀스를 썼어요.)
// >
// > 우리말 풀이: 배치 크기 256 시퀀스(256 시퀀스 * 512 토큰 = 배치당 128,000 토큰)로 1,000,000 스텝 학습하며, 이는
// > 33억 단어 말뭉치를 대략 40 에포크 도는 양입니다.
//
// > "Compared to pre-training, fine-tuning is relatively inexpensive. All of the results in the paper can be
// > replicated in at most 1 hour on a single Cloud TPU, or a few hours on a GPU" (§3.2)
// >
// > 우리말 풀이: 사전학습에 비하면 미세조정은 비용이 비교적 적게 듭니다. 논문의 모든 결과는 Cloud TPU 하나로 최대
// > 1시간, 또는 GPU로 몇 시간이면 재현할 수 있습니다.
//
// 논문은 2, 3, 4 에포크(epoch) 동안 미세조정해요(Appendix A.3).
//
// 본문이 숫자를 지어내지 않도록, 계산은 코드로 해요.

// %%
const steps = 1_000_000;
const batch = 256;
const pretrainTokens = 0.9 * steps * batch * 128 + 0.1 * steps * batch * 512;
// BERT-base: 16 TPU chips for 4 days (BERT-large: 64 chips for 4 days). One Cloud TPU is 4 chips, so
// "at most 1 hour on a single Cloud TPU" for fine-tuning is 4 chip-hours.
const pretrainChipHoursBase = 16 * 4 * 24;
const fineTuneChipHours = 4 * 1;
const glueMrpcTrain = 3668; // sentence pairs in GLUE MRPC's training set, a typical fine-tuning task
const fineTuneTokens = 3 * glueMrpcTrain * 128; // 3 epochs at 128 tokens per pair
const courseCorpusWords = [...readCorpus(path.join(courseDir, "data/corpus/en")), ...readCorpus(path.join(courseDir, "data/corpus/ko"))].flat().reduce((n, s) => n + s.split(/\s+/).length, 0);
const costs = { pretrainTokens, fineTuneTokens, ratio: Math.round(pretrainTokens / fineTuneTokens), pretrainChipHoursBase, fineTuneChipHours, chipHoursRatio: pretrainChipHoursBase / fineTuneChipHours, courseCorpusWords };
costs

// %% [markdown]
// Pretraining reads tens of billions of tokens once; fine-tuning reuses the result for each new task with a tiny
// fraction of the text (`ratio` above) and about an hour. That asymmetry is why the recipe won: someone else pays for
// pretraining, you fine-tune. Fine-tuning changes only the output layer's shape (a classifier on `pooled_output`
// for sentence tasks, on `sequence_output` for token tasks) and trains all weights briefly; lesson 06 does it.
//
// If the checkpoint has a training log, here is what this course's pretraining cost, for honest comparison:

// %% [markdown] lang=ko
// 사전학습은 수백억 개의 토큰을 한 번 읽고, 미세조정은 그 결과를 새 과제마다 재사용하면서 텍스트는 아주 적은
// 비율(위의 `ratio`)만, 시간은 1시간 정도만 써요. 이 비대칭 덕분에 이 레시피가 널리 쓰이게 됐어요. 사전학습 비용은
// 다른 누군가가 치르고, 여러분은 미세조정만 하면 되니까요. 미세조정에서 바뀌는 것은 출력층의 모양뿐이고(문장 과제는
// `pooled_output` 위의 분류기, 토큰 과제는 `sequence_output` 위의 분류기), 모든 가중치를 짧게 학습해요. 레슨 06에서
// 직접 해 봐요.
//
// 체크포인트에 학습 로그가 있으면, 솔직하게 비교할 수 있도록 이 코스의 사전학습에 든 비용을 여기서 보여 줘요.

// %%
const logFile = path.join(checkpointDir, "training_log.json");
fs.existsSync(logFile) ? Object.fromEntries(Object.entries(JSON.parse(fs.readFileSync(logFile, "utf8")) as Record<string, unknown>).filter(([, v]) => typeof v !== "object")) : "no training_log.json in this checkout"

// %%
untrained.dispose();
pretrained?.dispose();

// %% [markdown]
// ## Summary
//
// - BERT is the Transformer's encoder, pretrained so that every token's representation depends on **both** sides:
//   its attention mask is all ones, where a left-to-right model's is lower-triangular.
// - **Masked LM** chooses 15% of the tokens and predicts them; of those, 80% become `[MASK]`, 10% a random token,
//   10% stay unchanged (you built the rule and matched `maskTokens`, and counted the shares).
// - **NSP** classifies whether B follows A, from the pooled `[CLS]` vector; 50% of the pairs are real.
// - An untrained model's predictions are close to uniform; pretraining is where the knowledge comes from.
// - One `[MASK]` holds one word-piece: a word of two pieces (here "맑아요", `맑 ##아요`) needs two `[MASK]`s, so a
//   fair fill-in asks for a word that is one piece of the model's vocabulary.
// - Pretraining cost BERT-base 4 days on 16 TPU chips (BERT-large: 64 chips), 1,536 chip-hours; fine-tuning takes
//   2-4 epochs and at most an hour on one Cloud TPU (4 chips), 4 chip-hours. Only the output layer changes between
//   tasks.
//
// **Exercises:** `exercises/01-bert-concepts.ipynb` (a prefix-LM attention mask, whole-word masking, one answer in
// words).
// **Next:** `02-tokenization.ipynb`: where the tokens come from.

// %% [markdown] lang=ko
// ## 요약
//
// - BERT는 트랜스포머의 인코더이며, 모든 토큰의 표현이 **양쪽** 문맥에 의존하도록 사전학습됩니다. BERT의 어텐션
//   마스크는 전부 1이고, 왼쪽에서 오른쪽으로 읽는 모델의 마스크는 아래쪽 삼각형 모양입니다.
// - **마스크 언어 모델**은 토큰의 15%를 골라 예측합니다. 그중 80%는 `[MASK]`, 10%는 무작위 토큰이 되고, 10%는 그대로
//   남습니다(규칙을 직접 만들어 `maskTokens`와 맞춰 보고, 비율도 세어 보았습니다).
// - **NSP**는 풀링된 `[CLS]` 벡터로 B가 A 다음에 오는지 분류합니다. 쌍의 50%는 실제로 이어지는 쌍입니다.
// - 학습하지 않은 모델의 예측은 균등 분포에 가깝습니다. 지식은 사전학습에서 나옵니다.
// - `[MASK]` 하나에는 워드피스 조각 하나가 들어갑니다. 두 조각짜리 단어(여기서는 "맑아요", `맑 ##아요`)에는 `[MASK]`가
//   두 개 필요하므로, 공정한 빈칸 채우기는 모델의 어휘 집합에서 한 조각인 단어를 묻습니다.
// - BERT-base의 사전학습에는 TPU 칩 16개로 4일(BERT-large는 칩 64개), 즉 1,536 칩-시간(chip-hours)이 들었습니다.
//   미세조정은 2~4 에포크, Cloud TPU 하나(칩 4개)로 최대 1시간, 즉 4 칩-시간이 걸립니다. 과제가 바뀔 때 바뀌는 것은
//   출력층뿐입니다.
//
// **연습 문제:** `exercises/01-bert-concepts.ipynb` (프리픽스 LM 어텐션 마스크, 전체 단어 마스킹, 글로 답하는 문항 하나).
// **다음:** `02-tokenization.ipynb`: 토큰이 어디서 오는지 알아봅니다.
