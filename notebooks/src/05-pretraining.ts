// %% [markdown]
// # 05 · Pretraining: masked LM and next sentence prediction
//
// BERT learns from plain text with no labels, by two self-supervised tasks (Devlin et al. 2019, §3.1): fill in
// masked words (**MLM**) and tell whether sentence B really follows sentence A (**NSP**). This lesson builds both
// kinds of training examples from the course's corpus, computes both losses by hand and checks them against the
// library, then runs a short pretraining of a tiny BERT with a live loss curve.
//
// **You will learn to**
// - build NSP pairs `[CLS] A [SEP] B [SEP]` with segment ids, half IsNext and half NotNext;
// - apply the 80/10/10 masking rule, and say why BERT does not simply put `[MASK]` everywhere;
// - compute the masked-LM loss over the masked positions only, and the NSP loss;
// - run a short pretraining, read its loss curve, and compare MLM predictions before and after.
//
// **Scale, honestly.** The original BERT-base pretraining took "4 days" on 16 TPU chips for 1M steps of 256
// sequences of up to 512 tokens (§A.2). Here a 2-layer, 128-hidden model trains for about a minute on a CPU. It will
// learn frequent words and little else: the point is to see every moving part work, and to watch the loss fall.

// %% [markdown] lang=ko
// # 05 · 사전학습: 마스크 언어 모델과 다음 문장 예측
//
// BERT는 레이블이 없는 일반 텍스트에서 두 가지 자기지도(self-supervised) 과제로 학습해요(Devlin et al. 2019,
// §3.1). 가려진 단어를 채우는 **마스크 언어 모델**(masked language model, **MLM**)과, 문장 B가 정말로
// 문장 A 다음에 오는지 가려내는 **다음 문장 예측**(next sentence prediction, **NSP**)이에요. 이 레슨에서는
// 코스 말뭉치(corpus)로 두 종류의 학습 예제를 모두 만들고, 두 손실(loss)을 직접 계산해 라이브러리의 값과 맞춰 본 다음, 작은
// BERT를 짧게 사전학습(pretraining)하면서 손실 곡선을 실시간으로 지켜봐요.
//
// **학습 목표**
// - 세그먼트 ID(segment ids)를 붙인 NSP 쌍 `[CLS] A [SEP] B [SEP]`를 절반은 IsNext, 절반은 NotNext로 만들 수 있습니다.
// - 80/10/10 마스킹 규칙을 적용하고, BERT가 왜 모든 자리에 그냥 `[MASK]`를 넣지 않는지 설명할 수 있습니다.
// - 마스크한 위치에서만 마스크 언어 모델 손실을 계산하고, NSP 손실도 계산할 수 있습니다.
// - 짧은 사전학습을 실행하고, 손실 곡선을 읽고, 학습 전후의 MLM 예측을 비교할 수 있습니다.
//
// **규모는 솔직하게.** 원래 BERT-base 사전학습은 최대 512 토큰인 시퀀스 256개씩 100만 스텝을 학습했고, TPU 칩
// 16개로 "4 days"(4일)가 걸렸어요(§A.2). 여기서는 2층, 은닉 크기(hidden size) 128인 모델을 CPU에서 1분쯤
// 학습해요. 자주 나오는 단어는 배우겠지만 그 밖에는 거의 배우지 못해요. 핵심은 모든 구성 요소가 돌아가는 모습을 보고, 손실이 떨어지는
// 것을 지켜보는 데 있어요.

// %% [markdown]
// ## Setup: tokenizer and corpus
//
// The course corpus (`data/corpus`) holds English and Korean documents: one sentence per line, a blank line between
// documents, the format of BERT's `create_pretraining_data.py`. It has two parts: about 1,100 documents written for the
// course (`en/`, `ko/`), which this lesson uses so that every cell runs in seconds, and about 40,000 documents (67 MB) of
// public dialogue, assistant and review text (`public/`, see `data/corpus/DATASHEET.md`) that the shipped checkpoint
// was pretrained on. We use the shipped checkpoint's tokenizer when the checkout has it, and otherwise train a WordPiece
// vocabulary on the course's part.

// %% [markdown] lang=ko
// ## 준비: 토크나이저와 말뭉치
//
// 코스 말뭉치(`data/corpus`)에는 영어와 한국어 문서가 들어 있어요. 한 줄에 한 문장, 문서 사이에는 빈 줄 하나를 두는
// 형식으로, BERT의 `create_pretraining_data.py`가 쓰는 형식이에요. 말뭉치는 두 부분으로 되어 있어요. 하나는
// 코스를 위해 쓴 문서 약 1,100개(`en/`, `ko/`)로, 모든 셀이 몇 초 안에 돌도록 이 레슨에서 쓰는 부분이에요. 다른 하나는
// 공개된 대화·어시스턴트·리뷰 텍스트 문서 약 40,000개(67 MB, `public/`, `data/corpus/DATASHEET.md`
// 참고)로, 함께 제공되는 체크포인트(checkpoint)가 사전학습에 쓴 부분이에요. 체크아웃에 그 체크포인트가 있으면 체크포인트의
// 토크나이저(tokenizer)를 쓰고, 없으면 코스용 부분으로 WordPiece 어휘 집합(vocabulary)을 학습해요.

// %%
import * as tf from "@tensorflow/tfjs";
import * as fs from "node:fs";
import {
  ready, BertTokenizer, BertForPreTraining, bertConfig, shippedModelDir, builtinCorpusDir, corpusFiles, trainWordPiece,
  readCorpus, tokenizeDocuments, pretrainingVocab, createNspPairs, buildPairInput, maskTokens, Random,
  makePretrainingBatch, batchToTensors, pretrainingLosses, pretrain, evaluatePretraining,
  showTokenTable, showBarChart, showTopK, liveLineChart, localize, HeldValues,
} from "bertlab";
await ready(); // TensorFlow.js picks its backend (importing bertlab chooses nothing)

// Tensors and models that later cells use are kept by name with hold(name, value) (bertlab's HeldValues): re-running
// a cell first frees what its previous run held under that name, so nothing piles up.
const { hold } = new HeldValues();

// BERTLAB_MODEL=<checkpoint dir> runs the lesson on another checkpoint (HF layout: config.json, model.safetensors, tokenizer.json).
let shipped: string | undefined = process.env.BERTLAB_MODEL;
try {
  shipped ??= shippedModelDir();
} catch {
  shipped = undefined;
}
const courseCorpus = [`${builtinCorpusDir()}/en`, `${builtinCorpusDir()}/ko`];
const tokenizer: BertTokenizer = shipped !== undefined
  ? await BertTokenizer.fromPretrained(shipped)
  : trainWordPiece(courseCorpus.flatMap(corpusFiles).map((f) => fs.readFileSync(f, "utf8")), { vocabSize: 8000, lowercase: false }).tokenizer;
const documents = courseCorpus.flatMap((dir) => readCorpus(dir));
const tokenized = tokenizeDocuments(documents, tokenizer);
const vocab = pretrainingVocab(tokenizer);
({ tokenizer: shipped ?? "trained here", vocabSize: vocab.vocabSize, documents: documents.length, sentences: tokenized.reduce((n, d) => n + d.length, 0) });

// %% [markdown]
// ## 1. Next sentence prediction pairs
//
// > "Specifically, when choosing the sentences A and B for each pre-training example, 50% of the time B is the actual
// > next sentence that follows A (labeled as IsNext), and 50% of the time it is a random sentence from the corpus
// > (labeled as NotNext)." (§3.1)
//
// `createNspPairs` packs whole sentences of a document into segment A, then takes either the sentences that follow
// (IsNext) or a piece of another document (NotNext), and truncates the pair to fit the length.
// **Predict:** out of all pairs, what share will be NotNext?

// %% [markdown] lang=ko
// ## 1. 다음 문장 예측 쌍
//
// > "Specifically, when choosing the sentences A and B for each pre-training example, 50% of the time B is the actual
// > next sentence that follows A (labeled as IsNext), and 50% of the time it is a random sentence from the corpus
// > (labeled as NotNext)." (§3.1)
// >
// > 우리말 풀이: 구체적으로, 각 사전학습 예제의 문장 A와 B를 고를 때 50%는 B가 A 다음에 오는 실제 문장이고(IsNext로
// > 레이블), 50%는 말뭉치에서 고른 무작위 문장입니다(NotNext로 레이블).
//
// `createNspPairs`는 한 문서의 문장들을 통째로 세그먼트 A에 담은 다음, 그 뒤에 이어지는 문장들(IsNext)이나 다른
// 문서의 일부(NotNext)를 가져오고, 길이에 맞게 쌍을 잘라요(truncate).
// **예측해 보세요:** 전체 쌍 가운데 NotNext는 몇 퍼센트쯤일까요?

// %%
const pairs = createNspPairs(tokenized, new Random(0), { maxSeqLength: 64 });
const notNext = pairs.filter((p) => p.isRandomNext).length;
({ pairs: pairs.length, notNextShare: +(notNext / pairs.length).toFixed(3) });

// %% [markdown]
// A pair becomes BERT's input as `[CLS] A [SEP] B [SEP]`, with segment id 0 for `[CLS]`, A and the first `[SEP]`, and
// 1 for B and the last `[SEP]`. We build one by hand and check it against `buildPairInput`.

// %% [markdown] lang=ko
// 쌍은 `[CLS] A [SEP] B [SEP]` 형태로 BERT의 입력이 돼요. 세그먼트 ID는 `[CLS]`, A, 첫 번째 `[SEP]`에는 0이고,
// B와 마지막 `[SEP]`에는 1이에요. 하나를 직접 만들어 `buildPairInput`의 결과와 맞춰 봐요.

// %%
const example = pairs.find((p) => !p.isRandomNext && p.tokensA.length + p.tokensB.length < 30) ?? pairs[0];
const clsId = vocab.clsId;
const sepId = vocab.sepId;
const myIds = [clsId, ...example.tokensA, sepId, ...example.tokensB, sepId];
const mySegments = [...new Array(example.tokensA.length + 2).fill(0), ...new Array(example.tokensB.length + 1).fill(1)];
const libraryPair = buildPairInput(example, clsId, sepId);
if (JSON.stringify(myIds) !== JSON.stringify(libraryPair.inputIds) || JSON.stringify(mySegments) !== JSON.stringify(libraryPair.segmentIds)) {
  throw new Error("the hand-built pair differs from buildPairInput");
}
console.log("pair input: equal to the library within 0 (identical ids and segment ids)");
showTokenTable({
  tokens: tokenizer.convertIdsToTokens(myIds),
  inputIds: myIds,
  segmentIds: mySegments,
  title: localize({ en: `An ${example.isRandomNext ? "NotNext" : "IsNext"} pair: [CLS] A [SEP] B [SEP]`, ko: `${example.isRandomNext ? "NotNext" : "IsNext"} 쌍: [CLS] A [SEP] B [SEP]` }),
  orientation: "vertical",
});

// %% [markdown]
// ## 2. Masked LM: the 80/10/10 rule
//
// > "The training data generator chooses 15% of the token positions at random for prediction. If the i-th token is
// > chosen, we replace the i-th token with (1) the [MASK] token 80% of the time (2) a random token 10% of the time
// > (3) the unchanged i-th token 10% of the time." (§3.1)
//
// Why not always `[MASK]`? Because `[MASK]` never appears when the model is fine-tuned or used: a model trained only
// on `[MASK]` positions could learn that only those positions need a good representation. Keeping 10% unchanged and
// replacing 10% by random tokens forces it to model *every* token, as it must later.
//
// We write the rule by hand, with the same seeded random generator, and check it picks exactly what the library's
// `maskTokens` picks: the same positions, the same replacements.

// %% [markdown] lang=ko
// ## 2. 마스크 언어 모델: 80/10/10 규칙
//
// > "The training data generator chooses 15% of the token positions at random for prediction. If the i-th token is
// > chosen, we replace the i-th token with (1) the [MASK] token 80% of the time (2) a random token 10% of the time
// > (3) the unchanged i-th token 10% of the time." (§3.1)
// >
// > 우리말 풀이: 학습 데이터 생성기는 토큰 위치의 15%를 무작위로 골라 예측 대상으로 삼습니다. i번째 토큰이 골라지면
// > 그 토큰을 (1) 80%는 [MASK] 토큰으로, (2) 10%는 무작위 토큰으로 바꾸고, (3) 10%는 바꾸지 않은 i번째 토큰 그대로 둡니다.
//
// 왜 항상 `[MASK]`를 넣지 않을까요? 모델을 미세조정(fine-tuning)하거나 실제로 쓸 때는 `[MASK]`가 전혀 나오지 않기
// 때문이에요. `[MASK]` 위치로만 학습한 모델은 그 위치에서만 좋은 표현(representation)이 필요하다고 배울 수 있어요.
// 10%는 그대로 두고 10%는 무작위 토큰으로 바꾸면, 나중에 실제로 그래야 하듯이 *모든* 토큰을 모델링할 수밖에 없게 돼요.
//
// 같은 시드(seed)를 준 난수 생성기로 규칙을 직접 작성하고, 라이브러리의 `maskTokens`와 정확히 같은 것을 고르는지
// 확인해요. 위치도 같고, 바꾼 토큰도 같아야 해요.

// %%
function myMask(ids: number[], rng: Random): { inputIds: number[]; positions: number[]; labels: number[] } {
  const candidates = ids.map((id, i) => i).filter((i) => !vocab.specialIds.has(ids[i]));
  const budget = Math.max(1, Math.round(candidates.length * 0.15));
  const positions = rng.shuffle(candidates.slice()).slice(0, budget).sort((a, b) => a - b);
  const inputIds = ids.slice();
  for (const p of positions) {
    const r = rng.next();
    if (r < 0.8) inputIds[p] = vocab.maskId;              // 80%: [MASK]
    else if (r < 0.9) {                                   // 10%: a random (non-special) token
      let id = rng.int(vocab.vocabSize);
      while (vocab.specialIds.has(id)) id = rng.int(vocab.vocabSize);
      inputIds[p] = id;
    }                                                     // 10%: unchanged, but still predicted
  }
  return { inputIds, positions, labels: positions.map((p) => ids[p]) };
}

const mine = myMask(myIds, new Random(42));
const library = maskTokens(myIds, vocab, new Random(42));
if (JSON.stringify(mine) !== JSON.stringify(library)) throw new Error(`hand-built masking differs: ${JSON.stringify(mine)} vs ${JSON.stringify(library)}`);
console.log("masking: equal to the library within 0 (identical positions, replacements and labels)");
console.log(tokenizer.convertIdsToTokens(library.inputIds).join(" "));
({ masked: library.positions.length, of: myIds.length - 3, positions: library.positions });

// %% [markdown]
// One sequence is too short to see the 80/10/10 split. Over all pairs of the corpus, the cell counts what happened
// to each chosen position. **Predict** the three shares before you run it.

// %% [markdown] lang=ko
// 시퀀스 하나는 너무 짧아서 80/10/10 비율이 드러나지 않아요. 아래 셀은 말뭉치의 모든 쌍에 대해, 골라진 위치마다
// 무슨 일이 일어났는지 세어요. 실행하기 전에 세 비율을 **예측해 보세요**.

// %%
const tally = { "[MASK]": 0, random: 0, unchanged: 0 };
const rngTally = new Random(7);
let candidateTokens = 0;
for (const p of pairs) {
  const { inputIds } = buildPairInput(p, clsId, sepId);
  const m = maskTokens(inputIds, vocab, rngTally);
  candidateTokens += inputIds.filter((id) => !vocab.specialIds.has(id)).length;
  m.positions.forEach((pos, k) => {
    const now = m.inputIds[pos];
    if (now === vocab.maskId) tally["[MASK]"]++;
    else if (now === m.labels[k]) tally.unchanged++;
    else tally.random++;
  });
}
const chosen = tally["[MASK]"] + tally.random + tally.unchanged;
showBarChart({
  labels: Object.keys(tally).map((k) => localize({ en: k, ko: ({ random: "무작위 토큰", unchanged: "그대로" } as Record<string, string>)[k] })),
  values: Object.values(tally).map((v) => v / chosen),
  title: localize({ en: `What happened to the ${chosen} chosen positions (${(100 * chosen / candidateTokens).toFixed(1)}% of all tokens)`, ko: `골라진 위치 ${chosen}개(전체 토큰의 ${(100 * chosen / candidateTokens).toFixed(1)}%)가 어떻게 바뀌었나` }),
  valueTitle: localize({ en: "share of chosen positions", ko: "골라진 위치 중 비율" }),
  valueFormat: ".1%",
});

// %% [markdown]
// ### Static or dynamic masks, and is NSP needed? (RoBERTa)
//
// Google's `create_pretraining_data.py` draws the masks once, when it writes the training files; to see more than one
// mask per sequence it writes the data several times (`dupe_factor`, 10 by default). RoBERTa (Liu et al. 2019, §4.1)
// describes the result: "each training sequence was seen with the same mask four times during training" (10 copies
// over 40 epochs). RoBERTa draws a fresh mask every time a sequence is fed to the model, *dynamic masking*, and found it
// "comparable or slightly better" than static masking. bertlab masks dynamically, as `pretrain` does for every batch.
// The cell masks one pair three times, once with a mask fixed in advance and once with a new draw per epoch:

// %% [markdown] lang=ko
// ### 정적 마스크와 동적 마스크, 그리고 NSP는 꼭 필요할까요? (RoBERTa)
//
// Google의 `create_pretraining_data.py`는 학습 파일을 쓸 때 마스크를 한 번만 뽑아요. 시퀀스마다 마스크를 여러 개 보게
// 하려고 데이터를 여러 번 써요(`dupe_factor`, 기본값 10). RoBERTa(Liu et al. 2019, §4.1)는 그 결과를 이렇게
// 설명해요. "each training sequence was seen with the same mask four times during training"(학습하는 동안 각 시퀀스가
// 같은 마스크로 네 번 보였다: 40 에포크 동안 10벌). RoBERTa는 시퀀스를 모델에 넣을 때마다 마스크를 새로 뽑는
// *동적 마스킹*(dynamic masking)을 썼고, 정적 마스킹과 "comparable or slightly better"(비슷하거나 조금 낫다)였다고
// 보고했어요. bertlab도 `pretrain`이 배치마다 마스크를 새로 뽑는 동적 마스킹을 해요. 다음 셀은 쌍 하나를 세 번
// 마스킹해요. 한 번은 미리 정해 둔 마스크로, 한 번은 에포크마다 새로 뽑은 마스크로요.

// %%
const onePair = buildPairInput(pairs[0], clsId, sepId).inputIds;
const fixedInAdvance = maskTokens(onePair, vocab, new Random(3)).positions;
const dynamicRng = new Random(3);
const perEpoch = [1, 2, 3].map(() => maskTokens(onePair, vocab, dynamicRng).positions);
({ staticMask: [1, 2, 3].map((epoch) => `epoch ${epoch}: ${fixedInAdvance.join(" ")}`), dynamicMask: perEpoch.map((p, i) => `epoch ${i + 1}: ${p.join(" ")}`) })

// %% [markdown]
// RoBERTa also tested NSP (§4.2). Packing full sentences, even across documents, and dropping the NSP loss "matches or
// slightly improves downstream task performance" compared with BERT's sentence pairs and NSP. Later models followed:
// RoBERTa has no NSP, and ALBERT replaced it with sentence-order prediction. This course keeps NSP because BERT and
// the lecture it follows have it, and because its pairs teach `segment_ids`; lesson 01 shows how little the shipped
// checkpoint's NSP head knows.

// %% [markdown] lang=ko
// RoBERTa는 NSP도 시험했어요(§4.2). 문서 경계를 넘어서라도 온전한 문장들로 시퀀스를 채우고 NSP 손실을 빼면, BERT의
// 문장 쌍과 NSP를 쓸 때보다 "matches or slightly improves downstream task performance"(다운스트림 과제 성능이 같거나
// 조금 좋아진다)였어요. 이후 모델들도 이를 따랐어요. RoBERTa에는 NSP가 없고, ALBERT는 NSP를 문장 순서
// 예측(sentence-order prediction)으로 바꿨어요. 이 코스는 BERT와 이 코스가 따르는 강의에 NSP가 있고, 그 쌍이
// `segment_ids`를 가르쳐 주기 때문에 NSP를 남겨 두었어요. 함께 제공되는 체크포인트의 NSP 헤드가 얼마나 아는 것이
// 적은지는 레슨 01에서 볼 수 있어요.

// %% [markdown]
// The shares land close to 80/10/10. (A random draw can pick the very token that was there, which then counts as
// unchanged: a 1-in-V effect, far too small to see here.)
//
// ## 3. The losses
//
// The masked-LM head predicts a token at **every** position, but the loss uses only the chosen positions: the others
// were visible in the input, and predicting them would be copying. The MLM loss is the mean cross-entropy over the
// masked positions; the NSP loss is the cross-entropy of the IsNext/NotNext classifier on `pooled_output`.
//
// We make a fresh (untrained) BERT-tiny (2 layers, hidden 128: d2l's pretraining size) and a batch of 8 pairs.
// Its weights stay in memory until they are disposed, so the cell keeps the model with `hold("model", ...)` (bertlab's
// `HeldValues`, made in the setup cell): re-running the cell disposes the previous model instead of leaking it. The batch's tensors and the
// model's outputs are disposed as soon as the losses are plain numbers.
// **Predict:** an untrained model spreads its guess evenly over the vocabulary. What MLM loss does that give?
// (Hint: the cross-entropy of a uniform guess over V classes is ln V.)

// %% [markdown] lang=ko
// 비율이 80/10/10에 가깝게 나와요. (무작위 추첨이 원래 그 자리에 있던 바로 그 토큰을 뽑을 수도 있는데, 그러면
// '그대로'(unchanged)로 집계돼요. 1/V 정도의 효과라서 여기서 보기에는 너무 작아요.)
//
// ## 3. 손실
//
// 마스크 언어 모델 헤드(head)는 **모든** 위치에서 토큰을 예측하지만, 손실에는 골라진 위치만 써요. 나머지 위치는
// 입력에 그대로 보였으니, 그걸 예측하는 건 베끼기일 뿐이에요. MLM 손실은 마스크한 위치들에 대한 교차 엔트로피
// (cross-entropy)의 평균이고, NSP 손실은 `pooled_output` 위에 있는 IsNext/NotNext 분류기의 교차 엔트로피예요.
//
// 새로 만든 (학습하지 않은) BERT-tiny(2층, 은닉 크기 128: d2l의 사전학습 크기)와 8쌍짜리 배치(batch)를 준비해요.
// 모델의 가중치는 해제(dispose)할 때까지 메모리에 남아 있어서, 셀은 준비 셀에서 bertlab의 `HeldValues`로 만든 `hold("model", ...)`로 모델을
// 남겨 둬요. 그러면 셀을 다시 실행할 때 이전 모델이 새어 나가지 않고 해제돼요. 배치의 텐서와 모델의 출력은 손실이
// 평범한 숫자가 되자마자 해제해요.
// **예측해 보세요:** 학습하지 않은 모델은 어휘 집합 전체에 추측을 고르게 나눠요. 그러면 MLM 손실은 얼마가 될까요?
// (힌트: V개 클래스에 대한 균등한 추측의 교차 엔트로피는 ln V예요.)

// %%
const model = hold("model", await BertForPreTraining.create(bertConfig("tiny", { vocabSize: vocab.vocabSize, maxPositionEmbeddings: 64 }), { seed: 0 }));
const batch = makePretrainingBatch(pairs.slice(0, 8), vocab, new Random(3), { maxPredictions: 10, wholeWordMasking: false });
const inputs = batchToTensors(batch.inputs);
const out = model.forward({ inputIds: inputs.inputIds, segmentIds: inputs.segmentIds, inputMask: inputs.inputMask });

// MLM: flatten [B, S, V] to [B·S, V], keep the masked rows, cross-entropy against the original tokens.
// tf.tidy disposes every tensor made inside it; only the number comes out.
const V = vocab.vocabSize;
const myMlmLoss = tf.tidy(() => {
  const maskedLogits = tf.gather(out.mlmLogits.reshape([-1, V]), batch.maskedPositions);
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(maskedLogits), tf.oneHot(batch.maskedLabels, V)), -1))).dataSync()[0];
});
// NSP: two classes, 0 = IsNext, 1 = NotNext.
const myNspLoss = tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(out.nspLogits), tf.oneHot(batch.nspLabels, 2)), -1))).dataSync()[0]);

const [libMlm, libNsp] = tf.tidy(() => {
  const l = pretrainingLosses(model.namedWeights, model.config, inputs, tf.tensor1d(batch.maskedPositions, "int32"),
    tf.tensor1d(batch.maskedLabels, "int32"), tf.tensor1d(batch.nspLabels, "int32"), { training: false });
  return [l.mlmLoss.dataSync()[0], l.nspLoss.dataSync()[0]];
});
tf.dispose([...Object.values(inputs), ...Object.values(out)]); // the losses are numbers now: free the batch and the outputs
for (const [what, a, b] of [["MLM loss", myMlmLoss, libMlm], ["NSP loss", myNspLoss, libNsp]] as const) {
  if (!(Math.abs(a - b) <= 1e-5)) throw new Error(`${what}: hand-built ${a} vs library ${b}`);
  console.log(`${what}: equal to the library within 0.00001 (${a.toFixed(5)} vs ${b.toFixed(5)})`);
}
({ maskedPositions: batch.maskedPositions.length, mlmLoss: +myMlmLoss.toFixed(3), lnV: +Math.log(V).toFixed(3), nspLoss: +myNspLoss.toFixed(3), ln2: +Math.log(2).toFixed(3) });

// %% [markdown]
// ## 4. Before training: what does the model fill in?
//
// Take a sentence from the corpus, mask one word, and ask the untrained model for its top guesses.

// %% [markdown] lang=ko
// ## 4. 학습 전: 모델은 무엇으로 채울까요?
//
// 말뭉치에서 문장 하나를 가져와 단어 하나를 가리고, 학습하지 않은 모델에게 가장 유력한 추측들을 물어봐요.

// %%
// The first English sentence of the corpus that makes 8 to 24 tokens.
const probeSentence = documents.flat().find((s) => /^[A-Za-z]/.test(s) && tokenizer.encode(s).length >= 8 && tokenizer.encode(s).length <= 24) ?? documents[0][0];
const probe = tokenizer.encode(probeSentence, null, { maxLength: 64 });
const probeAt = Math.min(3, probe.length - 2);
const probeAnswer = probe.tokens[probeAt];
const probeIds = probe.inputIds.slice();
probeIds[probeAt] = vocab.maskId;

function topGuesses(m: BertForPreTraining, k = 8): Array<{ label: string; value: number }> {
  const o = m.forward({ inputIds: [probeIds] });
  const p = tf.tidy(() => tf.softmax(o.mlmLogits.slice([0, probeAt, 0], [1, 1, V]).reshape([V])));
  const { values, indices } = tf.topk(p, k);
  const vs = Array.from(values.dataSync());
  const ids = Array.from(indices.dataSync());
  tf.dispose([o.sequenceOutput, o.pooledOutput, o.mlmLogits, o.nspLogits, p, values, indices]);
  return ids.map((id, i) => ({ label: tokenizer.idToToken(id) ?? `#${id}`, value: vs[i] }));
}
console.log(tokenizer.convertIdsToTokens(probeIds).join(" "));
showTopK(topGuesses(model), { title: localize({ en: `Untrained model: guesses for "${probeAnswer}"`, ko: `학습하지 않은 모델: "${probeAnswer}" 자리의 추측` }), valueTitle: localize({ en: "probability", ko: "확률" }), highlight: [probeAnswer] });

// %% [markdown]
// ## 5. A short pretraining run
//
// `pretrain` does what the sections above did, in a loop: NSP pairs from the documents (holding out a few documents
// for evaluation), 80/10/10 masking, MLM + NSP loss, and an AdamW step with warm-up and linear decay. The chart below
// updates in place while it trains. **Predict:** where will each loss start, and which will fall faster?

// %% [markdown] lang=ko
// ## 5. 짧은 사전학습 실행
//
// `pretrain`은 위 절들에서 한 일을 반복문 안에서 해요. 문서들로 NSP 쌍을 만들고(평가용으로 문서 몇 개는 떼어 둬요),
// 80/10/10 마스킹을 하고, MLM + NSP 손실을 구한 뒤, 웜업(warm-up)과 선형 감쇠(linear decay)를 적용한 AdamW 스텝을
// 밟아요. 아래 차트는 학습하는 동안 그 자리에서 갱신돼요. **예측해 보세요:** 각 손실은 어디서 시작하고, 어느 쪽이
// 더 빨리 떨어질까요?

// %%
const STEPS = 60;
const mlmSeries = localize({ en: "MLM loss", ko: "MLM 손실" });
const nspSeries = localize({ en: "NSP loss", ko: "NSP 손실" });
const chart = liveLineChart({ series: [mlmSeries, nspSeries], title: localize({ en: "Pretraining BERT-tiny (live)", ko: "BERT-tiny 사전학습(실시간)" }), xTitle: localize({ en: "step", ko: "스텝" }), yTitle: localize({ en: "loss", ko: "손실" }) });
const run = await pretrain(model, tokenized, vocab, {
  steps: STEPS, batchSize: 16, maxSeqLength: 64, learningRate: 1e-3, seed: 0,
  onStep: (r) => chart.push({ step: r.step, [mlmSeries]: r.mlmLoss, [nspSeries]: r.nspLoss }),
});
chart.finish();
const firstMlm = run.curves.mlmLoss[0];
const lastMlm = run.curves.mlmLoss.slice(-10).reduce((a, b) => a + b, 0) / 10;
({ steps: run.steps, seconds: +run.seconds.toFixed(1), tokensPerSecond: Math.round(run.tokensPerSecond), mlmLossFirst: +firstMlm.toFixed(3), mlmLossLast10: +lastMlm.toFixed(3), heldOut: run.evaluations[run.evaluations.length - 1] });

// %% [markdown]
// Read the numbers the cell printed rather than a story: the MLM loss starts near ln V and falls as the model learns
// which tokens are frequent; the NSP loss hovers around ln 2 ≈ 0.693, since telling a real next sentence from a random
// one needs far more training than this. The held-out MLM accuracy is measured on documents the run never saw.
//
// After the run, the same masked sentence:

// %% [markdown] lang=ko
// 그럴듯한 이야기 대신 셀이 출력한 숫자를 읽어 보세요. MLM 손실은 ln V 근처에서 시작해, 모델이 어떤 토큰이 자주
// 나오는지 배우면서 떨어져요. NSP 손실은 ln 2 ≈ 0.693 언저리에 머무는데, 진짜 다음 문장과 무작위 문장을 구별하려면
// 이보다 훨씬 많은 학습이 필요하기 때문이에요. 떼어 둔(held-out) MLM 정확도는 이 실행이 한 번도 보지 않은 문서에서
// 측정한 값이에요.
//
// 학습이 끝난 뒤, 같은 마스크 문장을 다시 넣어 봐요.

// %%
showTopK(topGuesses(model), { title: localize({ en: `After ${run.steps} steps: guesses for "${probeAnswer}"`, ko: `${run.steps} 스텝 학습 후: "${probeAnswer}" 자리의 추측` }), valueTitle: localize({ en: "probability", ko: "확률" }), highlight: [probeAnswer] });

// %% [markdown]
// After a minute the model mostly guesses the most frequent tokens of the corpus, whatever the context: that is the unigram
// distribution, the first thing MLM teaches. The shipped checkpoint, `models/bertlab-mini`, is the same recipe on a
// bigger model, run for 6,000 steps (1.8 hours on two cores, 10.6 million tokens) over the course corpus *and* 67 MB
// of public dialogue and review text, with whole-word masking (all pieces of a word are masked together, so `##ing`
// cannot be guessed from `play` beside it) and a 16,000-piece vocabulary trained on equal numbers of English and Korean
// sentences (`npm run pretrain`, `scripts/pretrain-shipped.ts`). Its held-out MLM accuracy rose from 11% at step 500 to
// 25% at step 6,000 and was still rising (`models/bertlab-mini/MODEL_CARD.md`). When your checkout has it, the next
// cell asks it the same question.

// %% [markdown] lang=ko
// 1분 학습한 모델은 문맥과 상관없이 대개 말뭉치에서 가장 자주 나오는 토큰을 추측해요. 이것이 유니그램 분포(unigram
// distribution)이고, MLM이 가장 먼저 가르치는 것이에요. 함께 제공되는 체크포인트 `models/bertlab-mini`는 같은 방법을
// 더 큰 모델에 적용해, 코스 말뭉치*와* 공개된 대화·리뷰 텍스트 67 MB로 6,000 스텝(코어 두 개로 1.8시간, 1,060만 토큰)
// 학습한 것이에요. 전체 단어 마스킹(whole-word masking: 한 단어의 조각을 모두 함께 가리므로 `##ing`를 옆의 `play`로부터
// 맞힐 수 없어요)을 썼고, 영어와 한국어 문장을 같은 수만큼 써서 학습한 16,000 조각짜리 어휘 집합을 썼어요
// (`npm run pretrain`, `scripts/pretrain-shipped.ts`). 떼어 둔 데이터에서 잰 MLM 정확도는 500 스텝에서 11%였다가
// 6,000 스텝에서 25%로 올랐고, 그때도 여전히 오르는 중이었어요(`models/bertlab-mini/MODEL_CARD.md`). 체크아웃에 이
// 체크포인트가 있으면 다음 셀에서 같은 질문을 해 봐요.

// %%
if (shipped !== undefined) {
  const trained = await BertForPreTraining.fromPretrained(shipped);
  showTopK(topGuesses(trained), { title: localize({ en: `The shipped checkpoint: guesses for "${probeAnswer}"`, ko: `함께 제공되는 체크포인트: "${probeAnswer}" 자리의 추측` }), valueTitle: localize({ en: "probability", ko: "확률" }), highlight: [probeAnswer] });
  trained.dispose(); // its guesses are shown: free its weights
} else {
  console.log("models/bertlab-mini is not in this checkout: run `npm run pretrain` to make it");
}

// %% [markdown]
// ## Summary
// - NSP pairs: `[CLS] A [SEP] B [SEP]`, segment ids 0 then 1, B the real continuation half of the time.
// - MLM: 15% of the non-special tokens are chosen; of those 80% become `[MASK]`, 10% a random token, 10% stay. The
//   mix exists because fine-tuning inputs never contain `[MASK]`.
// - The MLM loss is a cross-entropy over the chosen positions only; the NSP loss a 2-class cross-entropy on the pooled
//   output. An untrained model starts near ln V and ln 2.
// - A minute of CPU pretraining moves the MLM loss and teaches word frequencies; the paper used 4 days on 16 TPU
//   chips. The shipped checkpoint sits in between.
//
// **Exercises:** `exercises/05-pretraining.ipynb` — a masked-LM loss with −100 labels, Google's random pair
// truncation, and one answer in words. Next: lesson 06 fine-tunes BERT to classify intents.

// %% [markdown] lang=ko
// ## 요약
// - NSP 쌍: `[CLS] A [SEP] B [SEP]`이며, 세그먼트 ID는 0 다음에 1이고, 절반은 B가 실제로 이어지는 문장입니다.
// - MLM: 특수 토큰이 아닌 토큰의 15%를 고릅니다. 그중 80%는 `[MASK]`, 10%는 무작위 토큰이 되고 10%는 그대로 남습니다.
//   이렇게 섞는 이유는 미세조정 입력에 `[MASK]`가 전혀 들어 있지 않기 때문입니다.
// - MLM 손실은 골라진 위치에서만 계산하는 교차 엔트로피이고, NSP 손실은 풀링된 출력(pooled output)에 대한 2클래스
//   교차 엔트로피입니다. 학습하지 않은 모델은 ln V와 ln 2 근처에서 시작합니다.
// - CPU에서 1분 사전학습하면 MLM 손실이 움직이고 모델이 단어 빈도를 배웁니다. 논문은 TPU 칩 16개로 4일을 썼습니다.
//   함께 제공되는 체크포인트는 그 사이 어딘가에 있습니다.
//
// **연습 문제:** `exercises/05-pretraining.ipynb` — −100 레이블을 쓰는 마스크 언어 모델 손실, Google의 무작위 쌍
// 자르기, 글로 답하는 문항 하나. 다음: 레슨 06에서는 BERT를 미세조정해 의도를 분류합니다.
