// %% [markdown]
// # 04 · Inside the encoder: embeddings, attention, feed-forward, pooler
//
// Lesson 03 fed BERT its three inputs and got back `pooled_output` and `sequence_output`. This lesson opens the box
// and rebuilds one encoder layer by hand, one tensor operation at a time, on the **same weights** the library uses.
// After every piece, a cell checks that the hand-built result equals bertlab's own function.
//
// **You will learn to**
// - build BERT's input representation: token + segment + position embeddings, then LayerNorm;
// - compute scaled dot-product attention step by step: Q, K and V, the scores, the `input_mask` turned into an
//   additive mask, the softmax;
// - split the hidden vector into heads and merge them back; apply the feed-forward network with GELU, the residual
//   connections and LayerNorm; compute the pooler;
// - read attention heatmaps per layer and head, for a Korean and an English sentence;
// - count the parameters of each part, from BERT-tiny to BERT-base.
//
// The paper's words are quoted as such (Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional Transformers
// for Language Understanding"; Vaswani et al. 2017, "Attention Is All You Need"); everything else is the course's.

// %% [markdown] lang=ko
// # 04 · 인코더 내부: 임베딩, 어텐션, 피드포워드, 풀러
//
// 레슨 03에서는 BERT에 세 입력을 넣고 `pooled_output`과 `sequence_output`을 돌려받았어요. 이 레슨에서는 그 상자를
// 열고, 라이브러리가 쓰는 **같은 가중치**로 인코더(encoder) 층 하나를 텐서 연산 하나하나 직접 다시 만들어요. 조각
// 하나를 만들 때마다, 직접 만든 결과가 bertlab의 함수가 낸 결과와 같은지 셀에서 확인해요.
//
// **학습 목표**
// - 토큰 + 세그먼트 + 위치 임베딩(embedding)을 더하고 층 정규화(LayerNorm)를 적용해 BERT의
//   입력 표현(input representation)을 만들 수 있습니다.
// - 스케일드 닷프로덕트 어텐션(scaled dot-product attention)을 단계별로 계산할 수 있습니다. Q, K, V를 구하고,
//   점수(score)를 계산하고, `input_mask`를 덧셈 마스크(additive mask)로 바꾸고, 소프트맥스(softmax)를 적용합니다.
// - 은닉 벡터(hidden vector)를 여러 헤드(head)로 나누고 다시 합칠 수 있습니다. GELU를 쓰는 피드포워드(feed-forward)
//   네트워크, 잔차 연결(residual connection), LayerNorm을 적용하고, 풀러(pooler)를 계산할 수 있습니다.
// - 한국어 문장과 영어 문장에서 층별, 헤드별 어텐션 히트맵(heatmap)을 읽을 수 있습니다.
// - BERT-tiny부터 BERT-base까지, 각 부분의 파라미터(parameter) 수를 셀 수 있습니다.
//
// 논문의 문장은 인용임을 밝혀 그대로 옮겨요(Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional Transformers
// for Language Understanding"; Vaswani et al. 2017, "Attention Is All You Need"). 그 밖의 글은 모두 코스가 쓴 것이에요.

// %% [markdown]
// ## Setup: the checkpoint and its tokenizer
//
// The course ships a small pretrained checkpoint, `models/bertlab-mini` (BERT-mini: 4 layers, hidden size 256,
// 4 heads), trained by `npm run pretrain` on public English and Korean text and the course's own documents (see its
// `MODEL_CARD.md`). If your checkout does not have it yet, the cell below falls back to a **randomly initialised** model
// of the same size with an 8,000-piece WordPiece vocabulary trained on the course's own documents: every equality
// check in this lesson still holds (it compares two computations on the same weights), only the attention pictures
// will look unstructured.
//
// One TensorFlow.js habit runs through the lesson: a tensor keeps its memory until it is disposed (JavaScript's garbage
// collector does not free it). So the cells compute inside `tf.tidy`, which disposes every tensor made inside it except
// the one it returns, and keep plain numbers where that is all later cells need. The few tensors that later cells do
// use are kept with `hold(name, tensor)` (from bertlab's `HeldValues`, made in the setup cell): it first disposes the tensor an earlier run of the
// cell held under that name, so re-running a cell does not pile up tensors (`tf.memory().numTensors` stays the same).

// %% [markdown] lang=ko
// ## 준비: 체크포인트와 토크나이저
//
// 코스에는 작은 사전학습 체크포인트(checkpoint) `models/bertlab-mini`(BERT-mini: 4층, 은닉 크기(hidden size) 256,
// 헤드 4개)가 함께 제공돼요. `npm run pretrain`으로 공개된 영어·한국어 텍스트와 코스가 직접 쓴 문서로 학습한
// 것이에요(`MODEL_CARD.md` 참고). 체크아웃에 아직 이 체크포인트가 없으면, 아래 셀은 코스가 직접 쓴 문서로 학습한
// 8,000 조각짜리 WordPiece 어휘 집합(vocabulary)을 쓰는 같은 크기의 **무작위로 초기화한** 모델로 대신해요.
// 그래도 이 레슨의 동등성 확인은 모두 그대로 성립해요(같은 가중치로 계산한 두 결과를 비교하니까요). 다만 어텐션 그림에서는 아무 구조도 보이지 않을 거예요.
//
// 이 레슨 내내 TensorFlow.js의 습관 하나를 따라요. 텐서는 해제(dispose)할 때까지 메모리를 차지해요(JavaScript의
// 가비지 컬렉터가 풀어 주지 않아요). 그래서 셀들은 `tf.tidy` 안에서 계산해요. `tf.tidy`는 안에서 만든 텐서를 돌려주는
// 것 하나만 빼고 모두 해제해요. 뒤의 셀에 값만 필요하면 평범한 숫자로 남겨요. 뒤의 셀이 정말 텐서를 써야 하는 몇 개는
// 준비 셀에서 bertlab의 `HeldValues`로 만든 `hold(name, tensor)`로 남겨요. `hold`는 같은 셀을 먼저 실행했을 때 그 이름으로 남겨 둔 텐서를
// 먼저 해제하므로, 셀을 다시 실행해도 텐서가 쌓이지 않아요(`tf.memory().numTensors`가 그대로예요).

// %%
import * as tf from "@tensorflow/tfjs";
import {
  ready, BertModel, BertTokenizer, BertConfig, bertConfig, BERT_PRESETS, bertModelWeightSpecs, shippedModelDir, builtinCorpusDir,
  corpusFiles, trainWordPiece, embeddings, additiveAttentionMask, encoderLayer, layerNorm, gelu,
  showHeatmap, showMask, showAttention, showHeadView, showModelView, showLineChart, localize, HeldValues,
} from "bertlab";
import * as fs from "node:fs";
await ready(); // TensorFlow.js picks its backend (importing bertlab chooses nothing)

// Tensors and models that later cells use are kept by name with hold(name, value) (bertlab's HeldValues): re-running
// a cell first frees what its previous run held under that name, so nothing piles up.
const { hold } = new HeldValues();

// BERTLAB_MODEL=<checkpoint dir> runs the lesson on another checkpoint (HF layout: config.json, model.safetensors, tokenizer.json).
let modelDir: string | undefined = process.env.BERTLAB_MODEL;
try {
  modelDir ??= shippedModelDir();
} catch {
  modelDir = undefined;
}
let tokenizer: BertTokenizer;
let model: BertModel;
if (modelDir !== undefined) {
  tokenizer = await BertTokenizer.fromPretrained(modelDir);
  model = await BertModel.fromPretrained(modelDir);
} else {
  const texts = [`${builtinCorpusDir()}/en`, `${builtinCorpusDir()}/ko`].flatMap(corpusFiles).map((f) => fs.readFileSync(f, "utf8"));
  tokenizer = trainWordPiece(texts, { vocabSize: 8000, lowercase: false }).tokenizer;
  model = await BertModel.create(bertConfig("mini", { vocabSize: tokenizer.vocabSize, maxPositionEmbeddings: 128 }), { seed: 0 });
}
const config: BertConfig = model.config;
const pretrained = modelDir !== undefined;
console.log(pretrained ? `loaded the checkpoint ${modelDir}` : "no shipped checkpoint: using a randomly initialised BERT-mini");
({ layers: config.numHiddenLayers, hidden: config.hiddenSize, heads: config.numAttentionHeads, ff: config.intermediateSize, vocab: config.vocabSize });

// %% [markdown]
// Every weight is a `tf.Variable` in `model.namedWeights`, named exactly as Hugging Face's `BertModel` names it.
// One layout note: matrices are stored as **[in, out]** (TensorFlow's kernel layout), so a dense layer is `x · W + b`
// with no transpose. The word-embedding matrix is stored as [hidden, vocab] for the same reason (it doubles as the
// masked-LM decoder); looking a token up means taking a **column**.
//
// We also need a way to compare a hand-built tensor with the library's. `assertClose` throws if any entry differs by
// more than the tolerance, and otherwise reports the largest difference.

// %% [markdown] lang=ko
// 모든 가중치는 `model.namedWeights`에 들어 있는 `tf.Variable`이고, 이름은 Hugging Face의 `BertModel`이 붙이는 이름과
// 정확히 같아요. 저장 형태(layout)에 관해 짚어 둘 점이 하나 있어요. 행렬은 **[in, out]**(TensorFlow의 커널 형태)으로
// 저장되어 있어서, 밀집층(dense layer)은 전치(transpose) 없이 `x · W + b`예요. 단어 임베딩 행렬도 같은 이유로
// [hidden, vocab]으로 저장되어 있어요(마스크 언어 모델(masked LM)의 디코더로도 쓰이거든요). 그래서 토큰 하나를
// 찾으려면 **열(column)** 하나를 꺼내야 해요.
//
// 직접 만든 텐서를 라이브러리의 텐서와 비교할 방법도 필요해요. `assertClose`는 어떤 성분이든 허용 오차(tolerance)보다
// 크게 다르면 예외를 던지고, 그렇지 않으면 가장 큰 차이를 알려 줘요.

// %%
const W = (name: string): tf.Tensor => {
  const v = model.namedWeights.get(name);
  if (v === undefined) throw new Error(`no weight named ${name}`);
  return v;
};

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  if (a.shape.join() !== b.shape.join()) throw new Error(`shapes differ: [${a.shape}] vs [${b.shape}]`);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function assertClose(what: string, mine: tf.Tensor, library: tf.Tensor, tol = 1e-5): string {
  const d = maxAbsDiff(mine, library);
  if (!(d <= tol)) throw new Error(`${what}: the hand-built result differs from the library's by ${d} (tolerance ${tol})`);
  return `${what}: equal to the library within ${tol} (max |difference| ${d.toExponential(2)})`;
}

[...model.namedWeights.keys()].slice(0, 8);

// %% [markdown]
// ## 1. The input representation: three embeddings, summed
//
// > "For a given token, its input representation is constructed by summing the corresponding token, segment, and
// > position embeddings." (Devlin et al., §3, Figure 2)
//
// We take a sentence pair, English then Korean, so that both segments and many positions appear.
// **Predict:** how many rows will each of the three embedding tensors have, and how many columns?

// %% [markdown] lang=ko
// ## 1. 입력 표현: 세 임베딩의 합
//
// > "For a given token, its input representation is constructed by summing the corresponding token, segment, and
// > position embeddings." (Devlin et al., §3, Figure 2)
// >
// > 우리말 풀이: 주어진 토큰의 입력 표현은 그 토큰에 해당하는 토큰, 세그먼트, 위치 임베딩을 더해서 만듭니다.
//
// 영어 문장 다음에 한국어 문장이 오는 문장 쌍을 써서, 두 세그먼트와 여러 위치가 모두 나타나게 해요.
// **예측해 보세요:** 세 임베딩 텐서는 각각 몇 행, 몇 열일까요?

// %%
const pair = tokenizer.encode("The bank closes at six.", "은행은 여섯 시에 문을 닫아요.");
const tokens = pair.tokens;
const S = pair.length;
const H = config.hiddenSize;
console.log(tokens.join(" "));
console.log(`segment ids: ${pair.segmentIds.join(" ")}`);

// tf.tidy frees the gathered columns and keeps only their transpose.
const tokenEmb = hold("tokenEmb", tf.tidy(() => tf.transpose(tf.gather(W("embeddings.word_embeddings.weight"), pair.inputIds, 1)))); // columns -> [S, H]
const positionEmb = hold("positionEmb", tf.slice(W("embeddings.position_embeddings.weight"), [0, 0], [S, H]));     // rows 0..S-1
const segmentEmb = hold("segmentEmb", tf.gather(W("embeddings.token_type_embeddings.weight"), pair.segmentIds));  // row 0 or 1 per token
({ token: tokenEmb.shape, position: positionEmb.shape, segment: segmentEmb.shape });

// %% [markdown]
// All three are [sequence length, hidden size], so they can simply be added. The sum then goes through LayerNorm
// (and dropout while training). LayerNorm normalises each token's vector over the hidden dimension:
// (x − mean) / √(variance + ε) · γ + β, with the *biased* variance and ε = `layer_norm_eps`.

// %% [markdown] lang=ko
// 세 텐서는 모두 [sequence length, hidden size](시퀀스 길이, 은닉 크기) 모양이라 그냥 더할 수 있어요. 그 합은
// LayerNorm을 거쳐요(학습할 때는 드롭아웃(dropout)도 거쳐요). LayerNorm은 각 토큰의 벡터를 은닉
// 차원(hidden dimension)에 걸쳐 정규화해요. 식은 (x − mean) / √(variance + ε) · γ + β이고, 분산은 *편향된*
// 분산(biased variance)을, ε은 `layer_norm_eps`를 써요.

// %%
function myLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true);
    const variance = tf.mean(tf.square(tf.sub(x, mean)), -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
  });
}

const summed = hold("summed", tf.tidy(() => tf.add(tf.add(tokenEmb, positionEmb), segmentEmb)));
const myEmbeddings = hold("myEmbeddings", myLayerNorm(summed, W("embeddings.LayerNorm.weight"), W("embeddings.LayerNorm.bias"), config.layerNormEps));

const libraryEmbeddings = hold("libraryEmbeddings", tf.tidy(() => {
  const ids2d = tf.tensor2d([pair.inputIds], [1, S], "int32");
  const segments2d = tf.tensor2d([pair.segmentIds], [1, S], "int32");
  return embeddings(model.namedWeights, config, ids2d, segments2d, false).reshape([S, H]);
}));
assertClose("embeddings (token + position + segment, LayerNorm)", myEmbeddings, libraryEmbeddings);

// %% [markdown]
// How much does each part contribute? The heatmap shows the length (L2 norm) of each token's three embedding
// vectors and of their sum. Notice that the segment row takes only two different values, one per segment, and that
// the position row changes along the sequence whatever the token is.

// %% [markdown] lang=ko
// 각 부분은 얼마나 기여할까요? 히트맵은 토큰마다 세 임베딩 벡터와 그 합의 길이(L2 노름(norm))를 보여 줘요. 세그먼트
// 행은 세그먼트마다 하나씩 두 가지 값만 가진다는 점, 그리고 위치 행은 토큰이 무엇이든 시퀀스를 따라 달라진다는 점을
// 눈여겨보세요.

// %%
const norms = (t: tf.Tensor): number[] => tf.tidy(() => Array.from(tf.norm(t, "euclidean", -1).dataSync()));
showHeatmap({
  z: [norms(tokenEmb), norms(positionEmb), norms(segmentEmb), norms(summed)],
  x: tokens,
  y: [localize({ en: "token", ko: "토큰" }), localize({ en: "position", ko: "위치" }), localize({ en: "segment", ko: "세그먼트" }), localize({ en: "sum", ko: "합" })],
  title: localize({ en: "L2 norm of each embedding, per token", ko: "토큰별 각 임베딩의 L2 노름" }),
  xTitle: localize({ en: "token", ko: "토큰" }),
  colorbarTitle: localize({ en: "norm", ko: "노름" }),
  valueFormat: ".2f",
});

// %% [markdown]
// ## 2. Scaled dot-product attention, step by step
//
// > "We compute the matrix of outputs as: Attention(Q, K, V) = softmax(QKᵀ / √d_k) V" (Vaswani et al., §3.2.1)
//
// The input of layer 0 is the embeddings output `x` ([S, H]). Three dense layers turn each token's vector into a
// **query** (what am I looking for?), a **key** (what do I contain?) and a **value** (what do I pass on?).

// %% [markdown] lang=ko
// ## 2. 스케일드 닷프로덕트 어텐션, 한 단계씩
//
// > "We compute the matrix of outputs as: Attention(Q, K, V) = softmax(QKᵀ / √d_k) V" (Vaswani et al., §3.2.1)
// >
// > 우리말 풀이: 출력 행렬은 Attention(Q, K, V) = softmax(QKᵀ / √d_k) V로 계산합니다.
//
// 층 0의 입력은 임베딩 출력 `x`([S, H])예요. 밀집층 세 개가 각 토큰의 벡터를 **쿼리**(query: 나는 무엇을 찾고
// 있을까?), **키**(key: 나는 무엇을 담고 있을까?), **값**(value: 나는 무엇을 넘겨줄까?)으로 바꿔요.

// %%
const x = libraryEmbeddings;
const att0 = "encoder.layer.0.attention";
const dense = (input: tf.Tensor, name: string): tf.Tensor => tf.tidy(() => tf.add(tf.matMul(input as tf.Tensor2D, W(`${name}.weight`) as tf.Tensor2D), W(`${name}.bias`)));
const Q = hold("Q", dense(x, `${att0}.self.query`));
const K = hold("K", dense(x, `${att0}.self.key`));
const V = hold("V", dense(x, `${att0}.self.value`));
({ Q: Q.shape, K: K.shape, V: V.shape });

// %% [markdown]
// BERT does not run one attention over the full hidden vector: it splits it into `num_attention_heads` heads of
// size d = H / heads, and each head attends on its own. The split is a reshape [S, H] → [S, heads, d] and a transpose
// to [heads, S, d], so that the heads become a batch dimension.
//
// **Predict:** with H = 256 and 4 heads, what is the shape of one head's score matrix QKᵀ?

// %% [markdown] lang=ko
// BERT는 은닉 벡터 전체에 어텐션 하나를 돌리지 않아요. 은닉 벡터를 크기가 d = H / heads인 헤드 `num_attention_heads`개로
// 나누고, 헤드마다 따로 어텐션해요. 나누는 방법은 [S, H] → [S, heads, d]로 바꾸는 reshape와 [heads, S, d]로 바꾸는
// 전치예요. 이렇게 하면 헤드가 배치 차원(batch dimension)이 돼요.
//
// **예측해 보세요:** H = 256이고 헤드가 4개일 때, 헤드 하나의 점수 행렬 QKᵀ는 어떤 모양일까요?

// %%
const heads = config.numAttentionHeads;
const d = H / heads;
const splitHeads = (t: tf.Tensor): tf.Tensor3D => tf.tidy(() => tf.transpose(t.reshape([S, heads, d]), [1, 0, 2]) as tf.Tensor3D);
const Qh = hold("Qh", splitHeads(Q));
const Kh = hold("Kh", splitHeads(K));
const Vh = hold("Vh", splitHeads(V));
const scores = hold("scores", tf.tidy(() => tf.div(tf.matMul(Qh, Kh, false, true), Math.sqrt(d)))); // [heads, S, S]
({ perHead: Qh.shape, scores: scores.shape, scaledBy: `1/√${d}` });

// %% [markdown]
// Why divide by √d? The dot product of two random d-dimensional vectors with unit-variance entries has variance d,
// so without scaling the scores grow with d and the softmax saturates to a one-hot, whose gradients vanish. The cell
// measures the spread of the scores before and after scaling on these real queries and keys.

// %% [markdown] lang=ko
// 왜 √d로 나눌까요? 성분의 분산이 1인 d차원 무작위 벡터 두 개의 내적(dot product)은 분산이 d예요. 그래서 스케일링을
// 하지 않으면 점수가 d와 함께 커지고, 소프트맥스가 원-핫(one-hot)으로 포화되어 그래디언트가 사라져요. 아래 셀은 이
// 실제 쿼리와 키로 스케일링 전과 후의 점수가 퍼진 정도를 재요.

// %%
const rawStd = tf.tidy(() => tf.moments(tf.matMul(Qh, Kh, false, true)).variance.sqrt().dataSync()[0]);
const scaledStd = tf.tidy(() => tf.moments(scores).variance.sqrt().dataSync()[0]);
({ stdOfRawScores: +rawStd.toFixed(3), stdOfScaledScores: +scaledStd.toFixed(3) });

// %% [markdown]
// The softmax over the last axis turns each query's row of scores into weights that sum to 1: row i says how much
// token i looks at every other token. Here is head 0 of layer 0.

// %% [markdown] lang=ko
// 마지막 축에 소프트맥스를 적용하면 각 쿼리의 점수 행이 합이 1인 가중치로 바뀌어요. i번째 행은 토큰 i가 다른 모든
// 토큰을 각각 얼마나 보는지 나타내요. 아래는 층 0의 헤드 0이에요.

// %%
const probsArray = tf.tidy(() => tf.softmax(scores).arraySync()) as number[][][]; // [heads, S, S], as plain numbers
showAttention(probsArray[0], tokens, { title: localize({ en: "Layer 0, head 0: softmax(QKᵀ/√d), our own computation", ko: "층 0, 헤드 0: softmax(QKᵀ/√d), 직접 계산한 값" }) });

// %% [markdown]
// ## 3. Padding and the `input_mask`: the failure first
//
// A batch must be rectangular, so shorter sentences are padded with `[PAD]`. What happens if we pad but forget to
// pass the `input_mask`? We run a short sentence alone, then padded to the length of a longer one **without** a mask,
// then padded **with** the mask, and compare its `[CLS]` vector (the input of the pooler) with the unpadded run.
//
// **Predict:** will the padded run without a mask give the same `[CLS]` vector as the unpadded one?

// %% [markdown] lang=ko
// ## 3. 패딩과 `input_mask`: 실패부터 먼저
//
// 배치는 직사각형이어야 하므로, 짧은 문장은 `[PAD]`로 채워요(패딩(padding)). 패딩은 하면서 `input_mask`를 넘기는 것을
// 잊으면 어떻게 될까요? 짧은 문장을 혼자 실행하고, 다음에는 더 긴 문장의 길이에 맞춰 패딩해서 마스크 **없이** 실행하고,
// 그다음에는 패딩해서 마스크와 **함께** 실행해요. 그리고 각 실행의 `[CLS]` 벡터(풀러의 입력)를 패딩하지 않은 실행의
// 벡터와 비교해요.
//
// **예측해 보세요:** 마스크 없이 패딩한 실행은 패딩하지 않은 실행과 같은 `[CLS]` 벡터를 낼까요?

// %%
const shortText = "택시 불러 줘";
const batch = tokenizer.encodeBatch([shortText, "Could you book me a table for two at seven tonight?"], { padding: "longest" });
const alone = tokenizer.encode(shortText);
// tf.tidy disposes the model's outputs and keeps only the [CLS] vector.
const cls = (ids: number[][], mask?: number[][]): tf.Tensor => tf.tidy(() => {
  const out = model.forward(mask ? { inputIds: ids, inputMask: mask } : { inputIds: ids });
  return tf.slice(out.sequenceOutput, [0, 0, 0], [1, 1, H]).reshape([H]);
});
const clsAlone = cls([alone.inputIds]);
const clsNoMask = cls([batch[0].inputIds]);
const clsMasked = cls([batch[0].inputIds], [batch[0].inputMask]);
console.log(`short sentence: ${alone.length} tokens alone, padded to ${batch[0].length}: ${batch[0].tokens.join(" ")}`);
const paddingEffect = { paddedWithoutMask: maxAbsDiff(clsNoMask, clsAlone), paddedWithMask: maxAbsDiff(clsMasked, clsAlone) };
tf.dispose([clsAlone, clsNoMask, clsMasked]); // only the two numbers are needed from here on
paddingEffect;

// %% [markdown]
// Without the mask, the `[PAD]` tokens are ordinary tokens that every word attends to, so the padding changes the
// meaning of the sentence. With the mask, the padded run matches the unpadded one up to floating-point rounding.
//
// ### Mask polarity: three conventions for the same thing
// - BERT's **`input_mask`** (also Hugging Face's `attention_mask`): **1 = attend**, 0 = padding.
// - PyTorch's **`key_padding_mask`** (`nn.MultiheadAttention`): **true = ignore**, the opposite polarity.
// - Inside the model, the mask is **added to the scores** before the softmax: 0 where allowed, a large negative number
//   (BERT uses −10000; some code uses −∞) at padding, so exp(score − 10000) ≈ 0.
//
// Mixing up the first two is a classic bug: the model then attends *only* to the padding.

// %% [markdown] lang=ko
// 마스크가 없으면 `[PAD]` 토큰은 모든 단어가 어텐션하는 평범한 토큰이 되므로, 패딩이 문장의 의미를 바꿔 버려요.
// 마스크가 있으면 패딩한 실행이 부동소수점 반올림 오차 범위 안에서 패딩하지 않은 실행과 일치해요.
//
// ### 마스크 극성(polarity): 같은 것을 나타내는 세 가지 규약
// - BERT의 **`input_mask`**(Hugging Face의 `attention_mask`도 같아요): **1 = 어텐션함**, 0 = 패딩.
// - PyTorch의 **`key_padding_mask`**(`nn.MultiheadAttention`): **true = 무시**, 극성이 반대예요.
// - 모델 안에서는 마스크를 소프트맥스 전에 **점수에 더해요**. 허용된 곳은 0, 패딩은 큰 음수(BERT는 −10000을 쓰고,
//   −∞를 쓰는 코드도 있어요)라서 exp(score − 10000) ≈ 0이 돼요.
//
// 앞의 두 규약을 헷갈리는 것은 전형적인 버그예요. 그러면 모델은 *오직* 패딩에만 어텐션해요.

// %%
const mask = batch[0].inputMask;
const keyPaddingMask = mask.map((m) => m === 0);
const myAdditive = mask.map((m) => (1 - m) * -10000);
tf.tidy(() => {
  const libraryAdditive = additiveAttentionMask(tf.tensor2d([mask], [1, mask.length], "int32"));
  console.log(assertClose("additive mask", tf.tensor1d(myAdditive), libraryAdditive.reshape([mask.length])));
});
({ input_mask: mask.join(" "), key_padding_mask: keyPaddingMask.map((b) => (b ? "T" : "F")).join(" "), additive: myAdditive.join(" ") });

// %% [markdown]
// The additive mask has shape [batch, 1, 1, S]: it is broadcast over heads and over queries, so every query row gets
// the same blocked columns. Drawn as a query × key matrix for the padded sentence:

// %% [markdown] lang=ko
// 덧셈 마스크의 모양은 [batch, 1, 1, S]예요. 헤드와 쿼리에 걸쳐 브로드캐스트(broadcast)되므로, 모든 쿼리 행에서 막히는
// 열이 똑같아요. 패딩한 문장에 대해 쿼리 × 키 행렬로 그리면 다음과 같아요.

// %%
showMask(
  batch[0].tokens.map(() => mask.slice()),
  { tokens: batch[0].tokens, title: localize({ en: `What the padded sentence may attend to (input_mask broadcast over ${mask.length} queries)`, ko: `패딩한 문장이 어텐션할 수 있는 키(input_mask를 쿼리 ${mask.length}개에 브로드캐스트)` }) },
);

// %% [markdown]
// ## 4. Merging the heads, the output projection, residual and LayerNorm
//
// Each head's weights multiply its values: context = probs · V, [heads, S, d]. The heads are merged back by the
// inverse reshape, [heads, S, d] → [S, heads, d] → [S, H], and a dense layer mixes them.
//
// > "We employ a residual connection around each of the two sub-layers, followed by layer normalization. That is,
// > the output of each sub-layer is LayerNorm(x + Sublayer(x))." (Vaswani et al., §3.1)
//
// This is the *post*-LayerNorm Transformer that BERT uses (later models such as GPT-2 moved LayerNorm before the
// sub-layer).

// %% [markdown] lang=ko
// ## 4. 헤드 합치기, 출력 투영, 잔차 연결과 LayerNorm
//
// 각 헤드의 어텐션 가중치를 그 헤드의 값에 곱해요. context = probs · V이고 모양은 [heads, S, d]예요. 헤드들은 거꾸로 된
// reshape, 즉 [heads, S, d] → [S, heads, d] → [S, H]로 다시 합치고, 밀집층 하나가 이들을 섞어요.
//
// > "We employ a residual connection around each of the two sub-layers, followed by layer normalization. That is,
// > the output of each sub-layer is LayerNorm(x + Sublayer(x))." (Vaswani et al., §3.1)
// >
// > 우리말 풀이: 두 부분층(sub-layer) 각각을 감싸는 잔차 연결을 두고, 그 뒤에 층 정규화를 적용합니다. 즉, 각 부분층의
// > 출력은 LayerNorm(x + Sublayer(x))입니다.
//
// 이것이 BERT가 쓰는 *post*-LayerNorm 트랜스포머(Transformer)예요(GPT-2 같은 이후 모델들은 LayerNorm을 부분층 앞으로
// 옮겼어요).

// %%
function mySelfAttention(input: tf.Tensor, layer: number, additive: number[]): { output: tf.Tensor; probs: tf.Tensor } {
  return tf.tidy(() => { // disposes every intermediate tensor, keeps the two it returns
    const p = `encoder.layer.${layer}.attention`;
    const n = input.shape[0];
    const split = (t: tf.Tensor) => tf.transpose(t.reshape([n, heads, d]), [1, 0, 2]) as tf.Tensor3D;
    const q = split(dense(input, `${p}.self.query`));
    const k = split(dense(input, `${p}.self.key`));
    const v = split(dense(input, `${p}.self.value`));
    const s = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)), tf.tensor1d(additive)); // mask broadcast over rows
    const pr = tf.softmax(s);
    const context = tf.matMul(pr, v);                                 // [heads, S, d]
    const merged = tf.transpose(context, [1, 0, 2]).reshape([n, H]);  // [S, H]
    const projected = dense(merged, `${p}.output.dense`);
    const output = myLayerNorm(tf.add(projected, input), W(`${p}.output.LayerNorm.weight`), W(`${p}.output.LayerNorm.bias`), config.layerNormEps);
    return { output, probs: pr };
  });
}

const noPadding = new Array(S).fill(0);
// tf.tidy disposes every tensor of the check, ours and the library's; only the shape of our output comes out.
tf.tidy(() => {
  const myAttention0 = mySelfAttention(x, 0, noPadding);
  // The library's own attention probabilities for the same pair (outputAttentions), not our section-2 ones.
  const libraryOut = model.forward({ inputIds: [pair.inputIds], segmentIds: [pair.segmentIds] }, { outputAttentions: true });
  const libraryProbs0 = (libraryOut.attentions ?? [])[0].squeeze([0]); // [heads, S, S]
  console.log(assertClose("attention probabilities, layer 0", myAttention0.probs, libraryProbs0));
  return myAttention0.output.shape;
});

// %% [markdown]
// ## 5. The feed-forward network and GELU
//
// Each token then goes, on its own, through two dense layers: H → `intermediate_size` (4H) → H, with the GELU
// activation in between, again followed by residual + LayerNorm. GELU(x) = x · Φ(x), where Φ is the standard normal
// CDF: Φ(x) = ½ (1 + erf(x / √2)). Unlike ReLU it is smooth and lets small negative values through a little.

// %% [markdown] lang=ko
// ## 5. 피드포워드 네트워크와 GELU
//
// 그다음 각 토큰은 저마다 따로 밀집층 두 개를 지나요. H → `intermediate_size`(4H) → H이고, 그 사이에 GELU 활성화
// 함수가 있으며, 이번에도 뒤에 잔차 연결 + LayerNorm이 붙어요. GELU(x) = x · Φ(x)이고, Φ는 표준정규분포의
// 누적분포함수(CDF)예요. Φ(x) = ½ (1 + erf(x / √2)). ReLU와 달리 매끄럽고, 작은 음수 값을 조금 통과시켜요.

// %%
const myGelu = (t: tf.Tensor): tf.Tensor => tf.tidy(() => tf.mul(t, tf.mul(0.5, tf.add(1, tf.erf(tf.div(t, Math.SQRT2))))));
const xs = Array.from({ length: 81 }, (_, i) => -4 + i * 0.1);
const geluYs = tf.tidy(() => {
  const xsTensor = tf.tensor1d(xs);
  console.log(assertClose("GELU", myGelu(xsTensor), gelu(xsTensor)));
  return Array.from(myGelu(xsTensor).dataSync());
});
showLineChart({
  series: [
    { name: "GELU", x: xs, y: geluYs },
    { name: "ReLU", x: xs, y: xs.map((v) => Math.max(0, v)) },
  ],
  title: localize({ en: "GELU versus ReLU", ko: "GELU와 ReLU 비교" }),
  xTitle: localize({ en: "x", ko: "x" }),
  yTitle: localize({ en: "activation", ko: "활성화 값" }),
});

// %% [markdown]
// Now the whole layer: attention sub-layer, then feed-forward sub-layer. This is the lesson's central check: our
// encoder layer, written from tensor operations, must give the same output as the library's `encoderLayer` on the same
// weights, within 1e-5.

// %% [markdown] lang=ko
// 이제 층 전체예요. 어텐션 부분층 다음에 피드포워드 부분층이 와요. 이것이 이 레슨의 핵심 확인이에요. 텐서 연산으로
// 작성한 우리 인코더 층은 같은 가중치에서 라이브러리의 `encoderLayer`와 1e-5 이내로 같은 출력을 내야 해요.

// %%
function myEncoderLayer(input: tf.Tensor, layer: number, additive: number[]): { output: tf.Tensor; probs: tf.Tensor } {
  return tf.tidy(() => { // disposes every intermediate tensor, keeps the two it returns
    const p = `encoder.layer.${layer}`;
    const attention = mySelfAttention(input, layer, additive);
    const intermediate = myGelu(dense(attention.output, `${p}.intermediate.dense`)); // [S, 4H]
    const projected = dense(intermediate, `${p}.output.dense`);                       // [S, H]
    const output = myLayerNorm(tf.add(projected, attention.output), W(`${p}.output.LayerNorm.weight`), W(`${p}.output.LayerNorm.bias`), config.layerNormEps);
    return { output, probs: attention.probs };
  });
}

tf.tidy(() => {
  const myLayer0 = myEncoderLayer(x, 0, noPadding).output;
  const libraryLayer0 = encoderLayer(model.namedWeights, 0, config, x.reshape([1, S, H]) as tf.Tensor3D, tf.zeros([1, 1, 1, S]), false).output.reshape([S, H]);
  return assertClose("encoder layer 0 (hand-built vs library)", myLayer0, libraryLayer0, 1e-5);
});

// %% [markdown]
// ## 6. The whole stack and the pooler
//
// Stacking `num_hidden_layers` such layers gives `sequence_output`. For sentence-level tasks BERT adds the
// **pooler**: a dense layer with tanh applied to the final `[CLS]` vector. That is `pooled_output`. It is *not* the raw
// `[CLS]` vector: lesson 06's classifier sits on `pooledOutput`, and other code uses the raw `[CLS]` vector; the two
// differ, as the last line of the cell shows.

// %% [markdown] lang=ko
// ## 6. 전체 스택과 풀러
//
// 이런 층을 `num_hidden_layers`개 쌓으면 `sequence_output`이 나와요. 문장 단위 과제를 위해 BERT는 **풀러**를 덧붙여요.
// 최종 `[CLS]` 벡터에 tanh를 쓰는 밀집층 하나를 적용한 것으로, 이것이 `pooled_output`이에요. 이것은 원시 `[CLS]` 벡터가
// *아니에요*. 레슨 06의 분류기는 `pooledOutput` 위에 놓이고, 다른 코드는 원시 `[CLS]` 벡터를 써요. 셀의 마지막 줄이
// 보여 주듯이 둘은 서로 달라요.

// %%
// tf.tidy disposes every layer's output, ours and the library's, once the checks and the numbers are done.
tf.tidy(() => {
  let hidden: tf.Tensor = myEmbeddings;
  for (let layer = 0; layer < config.numHiddenLayers; layer++) hidden = myEncoderLayer(hidden, layer, noPadding).output;
  const myCls = tf.slice(hidden, [0, 0], [1, H]);
  const myPooled = tf.tanh(dense(myCls, "pooler.dense"));

  const library = model.forward({ inputIds: [pair.inputIds], segmentIds: [pair.segmentIds] });
  console.log(assertClose("sequence_output (all layers)", hidden, library.sequenceOutput.reshape([S, H]), 1e-4));
  console.log(assertClose("pooled_output", myPooled, library.pooledOutput, 1e-4));
  const cosine = tf.sum(tf.mul(myCls, myPooled)).div(tf.norm(myCls).mul(tf.norm(myPooled))).dataSync()[0];
  return { sequenceOutput: library.sequenceOutput.shape, pooledOutput: library.pooledOutput.shape, cosineRawClsVsPooled: +cosine.toFixed(3) };
});

// %% [markdown]
// Over the whole stack the tolerance is 1e-4: each layer adds float32 rounding of its own, and the library orders
// some operations differently (it multiplies by 1/√d where we divide by √d, for instance).
//
// ## 7. Attention heatmaps per layer and head
//
// With `outputAttentions: true` the model returns every layer's attention probabilities, [batch, heads, S, S]. The
// model view shows all layers × heads at once for a Korean sentence; the head view draws one layer's heads as lines
// from each token to the tokens it attends to, as BertViz does, for an English sentence.
//
// **A caution:** attention weights show where information *flows* inside one layer, not *why* the model decides what
// it decides. Whether attention weights can serve as explanations is debated: Jain & Wallace (2019) found they often
// cannot, and Wiegreffe & Pinter (2019) showed when they can and cannot. Read them as patterns — heads
// that look at the previous token, at `[SEP]`, at the same word — not for reasons.

// %% [markdown] lang=ko
// 전체 스택에서는 허용 오차가 1e-4예요. 층마다 저마다의 float32 반올림 오차가 더해지고, 라이브러리는 일부 연산을 다른
// 순서로 하기 때문이에요(예를 들어 우리가 √d로 나누는 곳에서 라이브러리는 1/√d를 곱해요).
//
// ## 7. 층별, 헤드별 어텐션 히트맵
//
// `outputAttentions: true`를 주면 모델은 모든 층의 어텐션 확률을 [batch, heads, S, S] 모양으로 돌려줘요. 모델
// 뷰(model view)는 한국어 문장에 대해 모든 층 × 헤드를 한꺼번에 보여 줘요. 헤드 뷰(head view)는 영어 문장에 대해, BertViz처럼
// 한 층의 헤드들을 각 토큰에서 그 토큰이 어텐션하는 토큰들로 이어지는 선으로 그려요.
//
// **주의:** 어텐션 가중치는 한 층 안에서 정보가 어디로 *흐르는지* 보여 줄 뿐, 모델이 *왜* 그런 결정을 내리는지는
// 보여 주지 않아요. 어텐션 가중치를 설명으로 쓸 수 있는지는 논쟁거리예요. Jain & Wallace(2019)는 그럴 수 없는 경우가
// 많다고 보였고, Wiegreffe & Pinter(2019)는 언제 그럴 수 있고 언제 그럴 수 없는지 보였어요. 이유가 아니라 패턴으로
// 읽으세요. 이전 토큰을 보는 헤드, `[SEP]`를 보는 헤드, 같은 단어를 보는 헤드 같은 것들이요.

// %%
function attentionsOf(text: string): { tokens: string[]; att: number[][][][] } {
  const enc = tokenizer.encode(text);
  const out = model.forward({ inputIds: [enc.inputIds] }, { outputAttentions: true });
  const att = (out.attentions ?? []).map((a) => (a.arraySync() as number[][][][])[0]); // [layer][head][S][S]
  tf.dispose([out.sequenceOutput, out.pooledOutput, ...(out.attentions ?? [])]);
  return { tokens: enc.tokens, att };
}
const korean = attentionsOf("내일 아침 일곱 시에 알람 맞춰 줘");
console.log(korean.tokens.join(" "));
showModelView(korean.att, korean.tokens, { title: localize({ en: `Model view: ${config.numHiddenLayers} layers × ${heads} heads (Korean)`, ko: `모델 뷰: 층 ${config.numHiddenLayers}개 × 헤드 ${heads}개(한국어 문장)` }) });

// %%
const english = attentionsOf("Set an alarm for seven tomorrow morning.");
console.log(english.tokens.join(" "));
showHeadView(english.att, english.tokens, { layer: config.numHiddenLayers - 1, title: localize({ en: "Head view, last layer (English)", ko: "헤드 뷰, 마지막 층(영어 문장)" }) });

// %% [markdown]
// One summary number per head: the average attention each query gives to `[SEP]` and `[CLS]`. Clark et al. (2019,
// "What Does BERT Look At?") found that many heads of the real BERT park most of their attention on `[SEP]` when they
// have nothing better to do. The cell measures the share for our model.

// %% [markdown] lang=ko
// 헤드마다 요약 수치를 하나씩 봐요. 각 쿼리가 `[SEP]`와 `[CLS]`에 주는 어텐션의 평균이에요. Clark et al.(2019, "What
// Does BERT Look At?")은 실제 BERT의 많은 헤드가 더 나은 할 일이 없을 때 어텐션 대부분을 `[SEP]`에 몰아 둔다는 것을
// 발견했어요. 이 셀은 우리 모델에서 그 비율을 재요.

// %%
const sepIndex = english.tokens.indexOf("[SEP]");
const specialShare = english.att.map((layer) => layer.map((head) => head.reduce((s, row) => s + row[0] + row[sepIndex], 0) / head.length));
showHeatmap({
  z: specialShare,
  x: specialShare[0].map((_, h) => localize({ en: `head ${h}`, ko: `헤드 ${h}` })),
  y: specialShare.map((_, l) => localize({ en: `layer ${l}`, ko: `층 ${l}` })),
  title: localize({ en: "Share of attention on [CLS] + [SEP] (English sentence)", ko: "[CLS] + [SEP]에 주는 어텐션 비율(영어 문장)" }),
  zmin: 0,
  zmax: 1,
});

// %% [markdown]
// ## 8. Where the parameters are
//
// BERT-base has "110M" parameters (the paper's number). Where do they sit? The cell counts every weight tensor of
// each size preset (Turc et al. 2019's compact models, plus base), with the 30,522-token vocabulary of
// `bert-base-uncased`, and groups them by part.

// %% [markdown] lang=ko
// ## 8. 파라미터가 있는 곳
//
// BERT-base의 파라미터는 "110M"(1억 1천만 개)이에요(논문의 숫자). 이 파라미터들은 어디에 있을까요? 아래 셀은 크기
// 프리셋(preset)마다(Turc et al. 2019의 소형 모델들과 base) 가중치 텐서를 모두 세어 부분별로 묶어요. 어휘 집합은
// `bert-base-uncased`의 30,522 토큰짜리를 써요.

// %%
type Part = "embeddings" | "attention" | "feed-forward" | "layer norms" | "pooler";
const PARTS: Part[] = ["embeddings", "attention", "feed-forward", "layer norms", "pooler"];
function partOf(name: string): Part {
  if (name.includes("LayerNorm")) return "layer norms";
  if (name.startsWith("embeddings.")) return "embeddings";
  if (name.startsWith("pooler.")) return "pooler";
  if (name.includes(".attention.")) return "attention";
  return "feed-forward";
}
function countParameters(c: BertConfig): Record<Part, number> {
  const counts = { embeddings: 0, attention: 0, "feed-forward": 0, "layer norms": 0, pooler: 0 } as Record<Part, number>;
  for (const spec of bertModelWeightSpecs(c)) counts[partOf(spec.name)] += spec.shape.reduce((a, b) => a * b, 1);
  return counts;
}
const presets = Object.keys(BERT_PRESETS) as Array<keyof typeof BERT_PRESETS>;
const table = presets.map((p) => {
  const counts = countParameters(BERT_PRESETS[p]);
  const total = PARTS.reduce((s, part) => s + counts[part], 0);
  return { preset: p, ...counts, total };
});
console.table(table);

// Our own model: the count must match the number of values in its variables.
const ours = countParameters(config);
const oursTotal = PARTS.reduce((s, part) => s + ours[part], 0);
const variablesTotal = model.variables.reduce((s, v) => s + v.size, 0);
if (oursTotal !== variablesTotal) throw new Error(`counted ${oursTotal} parameters but the model holds ${variablesTotal}`);
({ ourModel: oursTotal, base: table[table.length - 1].total });

// %%
showHeatmap({
  z: table.map((row) => PARTS.map((part) => row[part] / row.total)),
  x: PARTS.map((part) => localize({ en: part, ko: { embeddings: "임베딩", attention: "어텐션", "feed-forward": "피드포워드", "layer norms": "LayerNorm", pooler: "풀러" }[part] })),
  y: table.map((row) => `${row.preset} (${(row.total / 1e6).toFixed(1)}M)`),
  title: localize({ en: "Share of parameters per part", ko: "부분별 파라미터 비율" }),
  valueFormat: ".0%",
  zmin: 0,
  zmax: 1,
});

// %% [markdown]
// **Predict:** in which presets are the embeddings the largest single part, and in which are they more than half of
// all parameters? The cell answers both, and also compares feed-forward with attention per layer: the feed-forward
// network has 2 · H · 4H weights, attention 4 · H · H (query, key, value, output), so expect a ratio close to 2.

// %% [markdown] lang=ko
// **예측해 보세요:** 어떤 프리셋에서 임베딩이 단일 부분으로는 가장 크고, 어떤 프리셋에서 전체 파라미터의 절반을 넘을까요?
// 셀은 두 질문에 모두 답하고, 층 하나를 기준으로 피드포워드와 어텐션도 비교해요. 피드포워드 네트워크의 가중치는
// 2 · H · 4H개, 어텐션은 4 · H · H개(query, key, value, output)이므로, 비율은 2에 가까울 거라고 예상할 수 있어요.

// %%
({
  embeddingsAreTheLargestPart: table.filter((row) => PARTS.every((part) => part === "embeddings" || row.embeddings > row[part])).map((row) => row.preset),
  embeddingsAreTheMajority: table.filter((row) => row.embeddings > row.total / 2).map((row) => row.preset),
  feedForwardOverAttention: table.map((row) => `${row.preset}: ${(row["feed-forward"] / row.attention).toFixed(2)}`),
});

// %% [markdown]
// The vocabulary has the same size in every preset, so in the small models most of the parameters sit in the word
// embedding matrix; as the encoder grows deeper and wider, the layers take over, and in every layer the feed-forward
// network is the biggest part.
//
// ## Summary
// - The input representation is the **sum** of token, position and segment embeddings, then LayerNorm.
// - Attention: Q, K, V by three dense layers; split into heads ([S, H] → [heads, S, d]); scores QKᵀ/√d; the
//   `input_mask` (1 = attend) becomes an additive mask (0 / −10000) broadcast over heads and queries; softmax; times V;
//   heads merged back; dense; residual + LayerNorm.
// - Forgetting the mask lets `[PAD]` change every other token's vector; PyTorch's `key_padding_mask` has the opposite
//   polarity (true = ignore).
// - The feed-forward network is dense → GELU → dense, again with residual + LayerNorm (post-LN).
// - `pooled_output` = tanh(dense(`[CLS]`)), not the raw `[CLS]` vector.
// - Our hand-built layer equals the library's within 1e-5 on the same weights; the full stack within 1e-4.
// - Attention maps show information flow per head, not explanations.
//
// **Exercises:** `exercises/04-encoder-internals.ipynb` — attention with PyTorch's mask (optionally causal),
// interleaved heads, RMSNorm, and one answer in words, each checked with `await check("q1")` and so on. Next lesson: 05, pretraining with MLM and NSP.

// %% [markdown] lang=ko
// 어휘 집합의 크기는 모든 프리셋에서 같아서, 작은 모델에서는 파라미터 대부분이 단어 임베딩 행렬에 있어요. 인코더가 더
// 깊고 넓어질수록 층들이 그 자리를 차지하고, 모든 층에서 피드포워드 네트워크가 가장 큰 부분이에요.
//
// ## 요약
// - 입력 표현은 토큰, 위치, 세그먼트 임베딩의 **합**에 LayerNorm을 적용한 것입니다.
// - 어텐션: 밀집층 세 개로 Q, K, V를 구하고, 헤드로 나누고([S, H] → [heads, S, d]), 점수 QKᵀ/√d를 계산합니다.
//   `input_mask`(1 = 어텐션함)는 헤드와 쿼리에 걸쳐 브로드캐스트되는 덧셈 마스크(0 / −10000)가 됩니다. 그다음
//   소프트맥스, V와의 곱, 헤드 다시 합치기, 밀집층, 잔차 연결 + LayerNorm 순서입니다.
// - 마스크를 잊으면 `[PAD]`가 다른 모든 토큰의 벡터를 바꿉니다. PyTorch의 `key_padding_mask`는 극성이
//   반대입니다(true = 무시).
// - 피드포워드 네트워크는 밀집층 → GELU → 밀집층이며, 여기에도 잔차 연결 + LayerNorm이 붙습니다(post-LN).
// - `pooled_output` = tanh(dense(`[CLS]`))이며, 원시 `[CLS]` 벡터가 아닙니다.
// - 직접 만든 층은 같은 가중치에서 라이브러리의 층과 1e-5 이내로 같고, 전체 스택은 1e-4 이내로 같습니다.
// - 어텐션 맵은 헤드별 정보 흐름을 보여 줄 뿐, 설명이 아닙니다.
//
// **연습 문제:** `exercises/04-encoder-internals.ipynb` — PyTorch 마스크를 쓰는 어텐션(인과 마스크 선택), 교차
// 배치된 헤드, RMSNorm, 글로 답하는 문항 하나. 각각 `await check("q1")` 등으로 확인합니다. 다음 레슨: 05, MLM과 NSP로 하는 사전학습.
