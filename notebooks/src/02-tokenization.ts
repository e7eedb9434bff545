// %% [markdown]
// # 02 · Tokenization: from characters to WordPiece
//
// BERT never sees text. It sees a list of integers, one per *token*, looked up in a fixed vocabulary. How the
// text is cut into tokens decides what the model can represent at all: a word that cannot be cut into known
// pieces becomes `[UNK]`, and everything the word meant is lost before the first layer.
//
// **After this lesson you can**
//
// - compare character, word and subword tokenization by sequence length and by how often they produce `[UNK]`;
// - train Byte-Pair Encoding (BPE) by hand, one merge at a time, and check it against bertlab's `trainBpe`;
// - explain how WordPiece's likelihood score differs from BPE's frequency, on the same corpus;
// - tokenize a word with greedy longest-match-first, the way BERT's tokenizer does;
// - measure the `[UNK]` rate and tokens per word against the vocabulary size;
// - tokenize Korean, Japanese and English with a multilingual vocabulary, and say why an *uncased*
//   vocabulary turns Hangul into jamo;
// - take a sentence through every stage of `BertTokenizer` (normalise, pre-tokenise, WordPiece, `[CLS]`/`[SEP]`, ids)
//   and back, and say what decoding cannot restore.
//
// Run the cells top to bottom (Shift+Enter). Where a cell asks you to **predict**, write your guess down first.

// %% [markdown] lang=ko
// # 02 · 토큰화: 문자에서 WordPiece까지
//
// BERT는 텍스트를 보지 않아요. BERT가 보는 것은 *토큰*(token)마다 하나씩 있는 정수들의 목록이고, 각 정수는 고정된
// 어휘 집합(vocabulary)에서 찾아요. 텍스트를 토큰으로 어떻게 자르느냐가 모델이 애초에 무엇을 표현할 수 있는지를
// 결정해요. 알려진 조각들로 자를 수 없는 단어는 `[UNK]`가 되고, 그 단어가 뜻하던 모든 것은 첫 번째 층에 닿기도 전에
// 사라져요.
//
// **학습 목표**
//
// - 문자, 단어, 서브워드(subword) 토큰화(tokenization)를 시퀀스 길이와 `[UNK]`가 얼마나 자주 나오는지로 비교할 수 있습니다.
// - 바이트 쌍 인코딩(Byte-Pair Encoding, BPE)을 병합(merge) 한 번씩 손으로 학습시키고, bertlab의 `trainBpe`와 맞춰 볼
//   수 있습니다.
// - 같은 말뭉치(corpus)에서 WordPiece의 가능도(likelihood) 점수가 BPE의 빈도(frequency)와 어떻게 다른지 설명할 수 있습니다.
// - BERT의 토크나이저(tokenizer)처럼 탐욕적 최장 일치(greedy longest-match-first)로 단어를 토큰화할 수 있습니다.
// - 어휘 집합 크기에 따른 `[UNK]` 비율과 단어당 토큰 수를 측정할 수 있습니다.
// - 다국어 어휘 집합으로 한국어, 일본어, 영어를 토큰화하고, *대소문자 구분 없는*(uncased) 어휘 집합이 왜 한글을
//   자모(jamo)로 바꿔 버리는지 설명할 수 있습니다.
// - 문장 하나를 `BertTokenizer`의 모든 단계(정규화, 사전 토큰화, WordPiece, `[CLS]`/`[SEP]`, ID)에 통과시켰다가 되돌리고,
//   디코딩으로 되살릴 수 없는 것이 무엇인지 말할 수 있습니다.
//
// 셀을 위에서 아래로 실행하세요(Shift+Enter). 셀이 **예측**해 보라고 하면, 먼저 추측을 적어 두세요.

// %%
import assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { BasicTokenizer, BertTokenizer, trainBpe, trainWordPiece, maxMatch, readCorpus, barChart, lineChart, tokenTable, display, FigureDisplay, localize, builtinCorpusDir } from "bertlab";
// The course folder, found from the library, so that the lesson runs from notebooks/ and notebooks/ko/ alike.
const courseDir = path.resolve(builtinCorpusDir(), "../..");

// %% [markdown]
// ## 1. Three ways to cut a sentence
//
// The course's pretraining corpus (`data/corpus/`) has English and Korean everyday prose, one sentence per line.
// We keep every tenth document aside as *held-out* text: a vocabulary is always built on some text and then
// used on other text, and the held-out part plays "the other text".

// %% [markdown] lang=ko
// ## 1. 문장을 자르는 세 가지 방법
//
// 코스의 사전학습(pretraining) 말뭉치(`data/corpus/`)에는 영어와 한국어로 쓴 일상적인 글이 한 줄에 한 문장씩 들어 있어요.
// 문서 열 개 중 하나는 *떼어 둔*(held-out) 텍스트로 남겨 둬요. 어휘 집합은 언제나 어떤 텍스트로 만들어서 다른 텍스트에
// 쓰는데, 떼어 둔 부분이 그 "다른 텍스트" 역할을 해요.

// %%
const enDocs = readCorpus(path.join(courseDir, "data/corpus/en"));
const koDocs = readCorpus(path.join(courseDir, "data/corpus/ko"));
const split = (docs: string[][]) => ({
  train: docs.filter((_, i) => i % 10 !== 0).flat(),
  heldOut: docs.filter((_, i) => i % 10 === 0).flat(),
});
const en = split(enDocs);
const ko = split(koDocs);
({ enTrain: en.train.length, enHeldOut: en.heldOut.length, koTrain: ko.train.length, koHeldOut: ko.heldOut.length })

// %% [markdown]
// Take one sentence and cut it three ways. *Words* here are what BERT's `BasicTokenizer` produces before any
// subword step: it lowercases (for an uncased model), splits on whitespace and splits off punctuation.
//
// **Predict:** how many characters, and how many words, does the sentence below have?

// %% [markdown] lang=ko
// 문장 하나를 골라 세 가지 방식으로 잘라 봐요. 여기서 *단어*는 서브워드 단계에 들어가기 전에 BERT의 `BasicTokenizer`가
// 만들어 내는 것이에요. `BasicTokenizer`는 (uncased 모델이라면) 소문자로 바꾸고, 공백에서 나누고, 문장 부호를 떼어 내요.
//
// **예측해 보세요:** 아래 문장에는 문자가 몇 개, 단어가 몇 개 있을까요?

// %%
const sentence = "My grandmother's tea kettle whistles unbelievably loudly.";
const basic = new BasicTokenizer({ lowercase: true });
const words = basic.tokenize(sentence);
const chars = [...sentence.toLowerCase()].filter((c) => c !== " ");
({ words, wordCount: words.length, charCount: chars.length })

// %% [markdown]
// Characters give a tiny vocabulary (a few dozen symbols for English) but long sequences, and self-attention's
// cost grows with the square of the length. Words give short sequences but need a huge vocabulary, and any word
// not in it becomes `[UNK]`. Let us measure that: build a word vocabulary from the most frequent training words
// and count how many held-out words it misses.

// %% [markdown] lang=ko
// 문자로 자르면 어휘 집합은 아주 작지만(영어라면 기호 수십 개) 시퀀스가 길어지고, 셀프 어텐션(self-attention)의 비용은
// 길이의 제곱에 따라 늘어나요. 단어로 자르면 시퀀스는 짧지만 어휘 집합이 엄청나게 커야 하고, 어휘 집합에 없는 단어는
// 모두 `[UNK]`가 돼요. 이걸 재 봐요. 학습 텍스트에서 가장 자주 나오는 단어들로 단어 어휘 집합을 만들고, 떼어 둔 단어
// 가운데 몇 개를 놓치는지 세어 봐요.

// %%
function wordCounts(sentences: string[], tok: BasicTokenizer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of sentences) for (const w of tok.tokenize(s)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}
const enWordCounts = wordCounts(en.train, basic);
const enHeldOutWords = en.heldOut.flatMap((s) => basic.tokenize(s));

/** Share of `words` outside the `size` most frequent training words. */
function wordUnkRate(counts: Map<string, number>, size: number, words: string[]): number {
  const vocab = new Set([...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, size).map(([w]) => w));
  return words.filter((w) => !vocab.has(w)).length / words.length;
}
const distinctTrainWords = enWordCounts.size;
const unkAllWords = wordUnkRate(enWordCounts, distinctTrainWords, enHeldOutWords);
({ distinctTrainWords, heldOutWords: enHeldOutWords.length, unkRateWithEveryTrainingWord: +unkAllWords.toFixed(4) })

// %% [markdown]
// Even a vocabulary holding *every* word of the training text misses a share of the held-out words (the
// number above): names, rare inflections, typos, numbers. Real text always has words you have not seen
// (Zipf's law: most word types are rare). A subword vocabulary fixes this by keeping frequent words whole and
// spelling rare ones from pieces, down to single characters if needed.
//
// ## 2. Byte-Pair Encoding, one merge at a time
//
// BPE (Sennrich et al., 2016) starts from characters and repeatedly **merges the most frequent adjacent pair**
// into a new symbol. We use the five-word corpus of the Hugging Face course so you can compare with it:
// `hug`×10, `pug`×5, `pun`×12, `bun`×4, `hugs`×5.

// %% [markdown] lang=ko
// 학습 텍스트의 단어를 *전부* 담은 어휘 집합조차 떼어 둔 단어 가운데 일부(위에 나온 수치)를 놓쳐요. 이름, 드문
// 굴절형(inflection), 오타, 숫자 같은 것들이에요. 실제 텍스트에는 늘 처음 보는 단어가 있어요(지프의 법칙(Zipf's law): 단어
// 유형(word type)은 대부분 드물게 나와요). 서브워드 어휘 집합은 자주 나오는 단어는 통째로 두고, 드문 단어는 조각들로,
// 필요하면 낱글자까지 내려가서 적는 방식으로 이 문제를 해결해요.
//
// ## 2. 바이트 쌍 인코딩, 병합 한 번씩
//
// BPE(Sennrich et al., 2016)는 문자에서 시작해 **가장 자주 나오는 인접한 쌍을 병합**해서 새 기호 하나로 만드는 일을
// 되풀이해요. 그 결과와 비교해 볼 수 있도록 Hugging Face 강좌의 다섯 단어짜리 말뭉치를 써요.
// `hug`×10, `pug`×5, `pun`×12, `bun`×4, `hugs`×5.

// %%
const toyCounts: Array<[string, number]> = [["hug", 10], ["pug", 5], ["pun", 12], ["bun", 4], ["hugs", 5]];
const toyText = toyCounts.map(([w, n]) => Array(n).fill(w).join(" ")).join(" ");
toyText.split(" ").length

// %% [markdown]
// Each word starts as its list of characters. A pair's frequency is the sum, over words, of how often the pair
// occurs in the word times the word's count.

// %% [markdown] lang=ko
// 처음에 각 단어는 자기 문자들의 목록이에요. 한 쌍의 빈도는 단어마다 (그 단어 안에서 쌍이 나오는 횟수) × (그 단어가
// 나오는 횟수)를 구해, 모든 단어에 대해 더한 값이에요.

// %%
type Splits = Map<string, string[]>;
const toySplits = (): Splits => new Map(toyCounts.map(([w]) => [w, [...w]]));

function pairFrequencies(splits: Splits, counts: Map<string, number>): Map<string, number> {
  const freqs = new Map<string, number>();
  for (const [word, symbols] of splits) {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = `${symbols[i]} ${symbols[i + 1]}`;
      freqs.set(key, (freqs.get(key) ?? 0) + (counts.get(word) ?? 0));
    }
  }
  return freqs;
}
const toyCountMap = new Map(toyCounts);
const firstPairs = pairFrequencies(toySplits(), toyCountMap);
Object.fromEntries(firstPairs)

// %% [markdown]
// **Predict:** which pair does BPE merge first? The chart below colours the winner.

// %% [markdown] lang=ko
// **예측해 보세요:** BPE는 어떤 쌍을 가장 먼저 병합할까요? 아래 차트는 이긴 쌍에 색을 칠해 보여 줘요.

// %%
const firstBest = [...firstPairs.entries()].sort((a, b) => b[1] - a[1])[0];
display(barChart({ labels: [...firstPairs.keys()], values: [...firstPairs.values()], title: localize({ en: "Pair frequencies before the first merge", ko: "첫 병합 전 쌍의 빈도" }), valueTitle: localize({ en: "frequency", ko: "빈도" }), valueFormat: "d", highlight: [firstBest[0]] }));
firstBest

// %% [markdown]
// Now the whole loop. `bpeStep` finds the best pair, replaces it everywhere by the merged symbol, and returns
// what it did. On a tie the pair whose left symbol, then right symbol, appeared first wins (the rule bertlab's
// trainer uses, so the two can be compared merge for merge). A pair seen fewer than 2 times is never merged.
// Each step prints its merge and the split corpus, as the HF course does; the vocabulary follows the loop.

// %% [markdown] lang=ko
// 이제 반복문 전체예요. `bpeStep`은 가장 좋은 쌍을 찾아 그 쌍을 모든 곳에서 병합한 기호로 바꾸고, 자기가 한 일을
// 돌려줘요. 동점(tie)이면 왼쪽 기호가 먼저 나타난 쌍이, 그것도 같으면 오른쪽 기호가 먼저 나타난 쌍이 이겨요(bertlab의
// 트레이너가 쓰는 규칙이라서 둘을 병합 하나하나 비교할 수 있어요). 2번보다 적게 나온 쌍은 절대 병합하지 않아요.
// HF 강좌처럼 단계마다 그 단계의 병합과 나뉜 말뭉치를 출력하고, 어휘 집합은 반복문 뒤에 나와요.

// %%
function bpeStep(splits: Splits, counts: Map<string, number>, order: string[]): { pair: [string, string]; frequency: number } | undefined {
  const freqs = pairFrequencies(splits, counts);
  let best: [string, string] | undefined;
  let bestFreq = 0;
  const rank = (p: [string, string]) => [order.indexOf(p[0]), order.indexOf(p[1])];
  for (const [key, f] of freqs) {
    const pair = key.split(" ") as [string, string];
    const better = f > bestFreq || (f === bestFreq && best !== undefined && (rank(pair)[0] < rank(best)[0] || (rank(pair)[0] === rank(best)[0] && rank(pair)[1] < rank(best)[1])));
    if (better) [best, bestFreq] = [pair, f];
  }
  if (best === undefined || bestFreq < 2) return undefined;
  const merged = best[0] + best[1];
  for (const [word, symbols] of splits) {
    const out: string[] = [];
    for (let i = 0; i < symbols.length; i++) {
      if (i + 1 < symbols.length && symbols[i] === best[0] && symbols[i + 1] === best[1]) (out.push(merged), i++);
      else out.push(symbols[i]);
    }
    splits.set(word, out);
  }
  if (!order.includes(merged)) order.push(merged);
  return { pair: best, frequency: bestFreq };
}

const bpeSplits = toySplits();
// Symbols in order of first appearance: the alphabet as the words spell it, then each merge's result.
const bpeOrder = [...new Set(toyCounts.flatMap(([w]) => [...w]))];
const handMerges: Array<[string, string]> = [];
for (let step = 1; step <= 8; step++) {
  const did = bpeStep(bpeSplits, toyCountMap, bpeOrder);
  if (!did) break;
  handMerges.push(did.pair);
  console.log(`step ${step}: merge ${did.pair.join(" + ")} (seen ${did.frequency}×)  ->  ${[...bpeSplits.values()].map((s) => s.join(" ")).join(" | ")}`);
}
console.log(`vocabulary: ${bpeOrder.join(", ")}`);

// %% [markdown]
// The same steps as a picture: the pair frequencies before each merge, redrawn in place (the merged pair in red).
// Re-run the cell to watch it again.

// %% [markdown] lang=ko
// 같은 단계를 그림으로 봐요. 병합하기 전마다의 쌍 빈도를 같은 자리에 다시 그려요(병합되는 쌍은 빨간색).
// 셀을 다시 실행하면 다시 볼 수 있어요.

// %%
const replaySplits = toySplits();
const replayOrder = [...bpeOrder.slice(0, new Set(toyCounts.flatMap(([w]) => [...w])).size)];
const mergesAnimation = new FigureDisplay();
for (const [step, pair] of handMerges.entries()) {
  const freqs = pairFrequencies(replaySplits, toyCountMap);
  mergesAnimation.render(barChart({ labels: [...freqs.keys()], values: [...freqs.values()], title: localize({ en: `Step ${step + 1}: merge ${pair.join(" + ")}`, ko: `${step + 1}단계: ${pair.join(" + ")} 병합` }), valueTitle: localize({ en: "frequency", ko: "빈도" }), valueFormat: "d", highlight: [pair.join(" ")] }));
  const did = bpeStep(replaySplits, toyCountMap, replayOrder);
  assert.deepStrictEqual(did?.pair, pair);
  await new Promise((resolve) => setTimeout(resolve, 400));
}
[...replaySplits.values()].map((s) => s.join(" "))

// %% [markdown]
// Now the library. `trainBpe` takes raw text and a target vocabulary size (special tokens and alphabet
// included). The original BPE marks the end of each word with `</w>`; we switch that off here so the tokens look
// like ours. The next cell stops with an error if our merges and the library's disagree.

// %% [markdown] lang=ko
// 이제 라이브러리 차례예요. `trainBpe`는 원시 텍스트와 목표 어휘 집합 크기(특수 토큰과 기본 문자 집합(alphabet) 포함)를
// 받아요. 원래 BPE는 각 단어의 끝을 `</w>`로 표시하는데, 토큰이 우리 것과 같은 모양이 되도록 여기서는 그 기능을 꺼요.
// 다음 셀은 우리 병합과 라이브러리의 병합이 다르면 오류를 내며 멈춰요.

// %%
const libBpe = trainBpe(toyText, { vocabSize: 5 + bpeOrder.length, endOfWordSuffix: "", specialTokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] });
assert.deepStrictEqual(libBpe.merges.slice(0, handMerges.length), handMerges);
libBpe.history.map((h) => `${h.step}: ${h.pair.join(" + ")} = ${h.token} (${h.frequency})`)

// %% [markdown]
// **Predict:** how does the trained BPE tokenizer cut `unhug`, `hugs` and `bug`? All their characters are in the
// alphabet, so none of them can be `[UNK]`. What about `mug`?

// %% [markdown] lang=ko
// **예측해 보세요:** 학습한 BPE 토크나이저는 `unhug`, `hugs`, `bug`를 어떻게 자를까요? 이 단어들의 문자는 모두 기본 문자
// 집합에 있으니, 어느 것도 `[UNK]`가 될 수 없어요. `mug`는 어떨까요?

// %%
({ unhug: libBpe.tokenizer.tokenize("unhug"), hugs: libBpe.tokenizer.tokenize("hugs"), bug: libBpe.tokenizer.tokenize("bug"), mug: libBpe.tokenizer.tokenize("mug") })

// %% [markdown]
// `m` never occurs in the corpus, so it is not in the alphabet and becomes `[UNK]`; the rest of `mug` still gets
// its pieces. (GPT-2 avoids even this by running BPE over *bytes*, so every string is spellable.)
//
// ## 3. WordPiece: merge the pair that belongs together
//
// WordPiece (Schuster & Nakajima, 2012; Wu et al., 2016) grows its vocabulary the same way but chooses the pair
// that most increases the likelihood of the training text instead of the most frequent one. Google never released
// the trainer that built BERT's vocabulary; the score below is the usual reconstruction of that idea (taught in
// Hugging Face's course, and bertlab's `trainWordPiece` default), not Google's code:
//
// $$\text{score}(a, b) = \frac{\text{freq}(ab)}{\text{freq}(a)\,\text{freq}(b)}$$
//
// A pair scores high when its parts rarely occur *apart*. WordPiece also writes a symbol that continues a word
// with `##`: `hugs` starts as `h ##u ##g ##s`. Here is the first step's score for every pair, computed from the
// counts.

// %% [markdown] lang=ko
// `m`은 말뭉치에 한 번도 나오지 않아서 기본 문자 집합에 없고, 그래서 `[UNK]`가 돼요. `mug`의 나머지 부분은 그래도 제
// 조각들을 얻어요. (GPT-2는 BPE를 *바이트* 단위로 돌려서 이런 경우조차 피해요. 그러면 어떤 문자열이든 적을 수 있어요.)
//
// ## 3. WordPiece: 함께 붙어 다니는 쌍을 병합하기
//
// WordPiece(Schuster & Nakajima, 2012; Wu et al., 2016)도 같은 방식으로 어휘 집합을 키우지만, 가장 자주 나오는 쌍 대신
// 학습 텍스트의 가능도를 가장 크게 높이는 쌍을 골라요. Google은 BERT의 어휘 집합을 만든 트레이너를 공개하지 않았어요.
// 아래 점수는 그 아이디어를 흔히 재구성한 것이고(Hugging Face 강좌에서 가르치는 방식이자 bertlab `trainWordPiece`의
// 기본값이에요), Google의 코드는 아니에요.
//
// $$\text{score}(a, b) = \frac{\text{freq}(ab)}{\text{freq}(a)\,\text{freq}(b)}$$
//
// 쌍을 이루는 두 부분이 *따로* 나오는 일이 드물수록 그 쌍의 점수가 높아요. WordPiece는 또 단어 중간에서 이어지는 기호
// 앞에 `##`를 붙여 적어요. 그래서 `hugs`는 `h ##u ##g ##s`에서 시작해요. 아래는 첫 단계에서 모든 쌍의 점수를 개수로부터
// 계산한 결과예요.

// %%
const wpSplits: Splits = new Map(toyCounts.map(([w]) => [w, [...w].map((c, i) => (i > 0 ? "##" + c : c))]));
function symbolFrequencies(splits: Splits, counts: Map<string, number>): Map<string, number> {
  const freqs = new Map<string, number>();
  for (const [word, symbols] of splits) for (const s of symbols) freqs.set(s, (freqs.get(s) ?? 0) + (counts.get(word) ?? 0));
  return freqs;
}
function wordPieceScores(splits: Splits, counts: Map<string, number>): Map<string, { freq: number; score: number }> {
  const single = symbolFrequencies(splits, counts);
  const out = new Map<string, { freq: number; score: number }>();
  for (const [key, f] of pairFrequencies(splits, counts)) {
    const [a, b] = key.split(" ");
    out.set(key, { freq: f, score: f / ((single.get(a) as number) * (single.get(b) as number)) });
  }
  return out;
}
const wpFirst = wordPieceScores(wpSplits, toyCountMap);
[...wpFirst.entries()].map(([pair, v]) => ({ pair, frequency: v.freq, score: +v.score.toFixed(4) }))

// %% [markdown]
// **Predict:** BPE merged the most frequent pair first. Which pair does WordPiece merge first, and how often does
// that pair occur?

// %% [markdown] lang=ko
// **예측해 보세요:** BPE는 가장 자주 나오는 쌍을 먼저 병합했어요. WordPiece는 어떤 쌍을 먼저 병합할까요? 그리고 그 쌍은
// 몇 번 나올까요?

// %%
const wpBest = [...wpFirst.entries()].sort((a, b) => b[1].score - a[1].score)[0];
display(barChart({ labels: [...wpFirst.keys()], values: [...wpFirst.values()].map((v) => v.score), title: localize({ en: "WordPiece scores before the first merge (same corpus)", ko: "첫 병합 전 WordPiece 점수(같은 말뭉치)" }), valueTitle: localize({ en: "freq(ab) / (freq(a)·freq(b))", ko: "빈도(ab) / (빈도(a)·빈도(b))" }), valueFormat: ".4f", highlight: [wpBest[0]] }));
({ pair: wpBest[0], frequency: wpBest[1].freq, score: wpBest[1].score })

// %% [markdown]
// WordPiece picks a pair BPE ranked near the bottom: `##s` only ever follows `##g`, so `##g ##s` "belongs
// together" although it occurs only a few times. The library's trainer reports the same first step; the next
// cell checks that our score equals the library's.

// %% [markdown] lang=ko
// WordPiece는 BPE가 거의 꼴찌로 매긴 쌍을 골라요. `##s`는 언제나 `##g` 뒤에만 나오므로, `##g ##s`는 몇 번밖에 나오지
// 않는데도 "belongs together"(함께 붙어 다니는) 쌍이에요. 라이브러리의 트레이너도 같은 첫 단계를 보고해요. 다음 셀은
// 우리 점수가 라이브러리의 점수와 같은지 확인해요.

// %%
const libWp = trainWordPiece(toyText, { vocabSize: 30 });
assert.deepStrictEqual(libWp.history[0].pair, wpBest[0].split(" "));
assert.ok(Math.abs(libWp.history[0].score - wpBest[1].score) < 1e-12, `library score ${libWp.history[0].score}, ours ${wpBest[1].score}`);
libWp.history.map((h) => `${h.step}: ${h.pair.join(" + ")} = ${h.token}  score ${h.score.toFixed(4)}  (seen ${h.frequency}×)`)

// %% [markdown]
// Compare the two merge lists. BPE built `ug` and `un` first, the pairs frequent everywhere. WordPiece began with
// the rare ending `##gs`. At the second and the third step several pairs tied for the best score: a pair whose
// other symbol occurs only next to `##u` (`p` is always followed by `##u`, and so is `h`) scores exactly
// freq(ab) / (freq(a)·freq(b)) = 1 / freq(##u). The tie rule (the more frequent pair) then chose `p ##u` at step 2
// and `h ##u` at step 3; compare the scores and counts in the list.
//
// ## 4. Greedy longest-match-first
//
// WordPiece does not replay its merges when it tokenizes. It takes the **longest prefix of the word that is in
// the vocabulary**, then the longest `##`-continuation of the rest, and so on. If some rest matches nothing,
// the *whole word* becomes `[UNK]`.
//
// **Predict:** with the WordPiece vocabulary just trained, what is `hugs`? And `unhug`?

// %% [markdown] lang=ko
// 두 병합 목록을 비교해 보세요. BPE는 어디서나 자주 나오는 쌍인 `ug`와 `un`을 먼저 만들었어요. WordPiece는 단어 끝에
// 오는 드문 조각 `##gs`로 시작했어요. 두 번째와 세 번째 단계에서는 여러 쌍이 최고 점수로 동점이었어요. 짝이 되는
// 기호가 `##u` 옆에서만 나오는 쌍(`p` 뒤에는 언제나 `##u`가 오고, `h`도 마찬가지예요)은 점수가 정확히
// freq(ab) / (freq(a)·freq(b)) = 1 / freq(##u)가 돼요. 그래서 동점 규칙(더 자주 나오는 쌍)에 따라 2단계에서는 `p ##u`,
// 3단계에서는 `h ##u`가 골라졌어요. 목록의 점수와 개수를 비교해 보세요.
//
// ## 4. 탐욕적 최장 일치
//
// WordPiece는 토큰화할 때 병합 과정을 되풀이하지 않아요. **어휘 집합에 있는 단어의 가장 긴 접두사**(prefix)를 잡고, 그다음
// 나머지에서 가장 긴 `##` 이어짐 조각을 잡고, 이런 식으로 계속해요. 남은 부분이 어느 조각과도 맞지 않으면 *단어 전체*가
// `[UNK]`가 돼요.
//
// **예측해 보세요:** 방금 학습한 WordPiece 어휘 집합으로 `hugs`는 어떻게 될까요? `unhug`는요?

// %%
function greedyLongestMatch(word: string, has: (t: string) => boolean): string[] {
  const cs = [...word];
  const pieces: string[] = [];
  let start = 0;
  while (start < cs.length) {
    let end = cs.length;
    let piece: string | undefined;
    for (; end > start; end--) {
      const candidate = (start > 0 ? "##" : "") + cs.slice(start, end).join("");
      if (has(candidate)) {
        piece = candidate;
        break;
      }
    }
    if (piece === undefined) return ["[UNK]"];
    pieces.push(piece);
    start = end;
  }
  return pieces;
}
const wpVocab = libWp.tokenizer.vocab;
const probeWords = ["hugs", "unhug", "pugs", "bunhug"];
const ours = probeWords.map((w) => greedyLongestMatch(w, (t) => wpVocab.has(t)));
for (const [i, w] of probeWords.entries()) {
  assert.deepStrictEqual(ours[i], maxMatch(w, wpVocab), `textbook maxMatch disagrees on ${w}`);
  assert.deepStrictEqual(ours[i], libWp.tokenizer.tokenize(w), `BertTokenizer (LinMaxMatch trie) disagrees on ${w}`);
}
Object.fromEntries(probeWords.map((w, i) => [w, ours[i]]))

// %% [markdown]
// `unhug` is `[UNK]`: the vocabulary has `##u` (a `u` inside a word) but no word-initial `u`, so the very first
// step fails. BPE, which replays merges over characters, never fails this way when the characters are known.
//
// This loop tries every end position for every start, so a word of *n* characters costs up to *n²/2* lookups.
// bertlab's `BertTokenizer` gets the same pieces in one left-to-right pass with a trie and failure links
// (LinMaxMatch, Song et al., 2021); the cell above checked all three agree.
//
// A known confusion (google-research/bert#560): `##` pieces are not words. To label words (for NER, say), map
// each piece back to its word with the encoding's `wordIds`:

// %% [markdown] lang=ko
// `unhug`는 `[UNK]`예요. 어휘 집합에 `##u`(단어 안쪽의 `u`)는 있지만 단어 맨 앞에 오는 `u`는 없어서, 바로 첫 단계에서
// 실패해요. 문자들 위에서 병합을 재현하는 BPE는 문자를 알고 있는 한 이런 식으로 실패하지 않아요.
//
// 이 반복문은 시작 위치마다 모든 끝 위치를 시도하므로, 문자 *n*개짜리 단어에는 최대 *n²/2*번 조회가 들어요. bertlab의
// `BertTokenizer`는 트라이(trie)와 실패 링크(failure link)를 써서 왼쪽에서 오른쪽으로 한 번만 훑고도 같은 조각을
// 얻어요(LinMaxMatch, Song et al., 2021). 위 셀에서 셋 다 결과가 같은지 확인했어요.
//
// 흔히 헷갈리는 점(google-research/bert#560): `##` 조각은 단어가 아니에요. 단어에 레이블을 붙이려면(예를 들어 개체명
// 인식(NER)에서) 인코딩의 `wordIds`로 각 조각을 자기 단어에 다시 연결하세요.

// %%
const wpRealDemo = libWp.tokenizer.encode("hugs pun");
({ tokens: wpRealDemo.tokens, wordIds: wpRealDemo.wordIds })

// %% [markdown]
// ## 5. Real text: `[UNK]` rate and tokens per word against vocabulary size
//
// Now the real trainer on the real corpus. For several vocabulary sizes we train WordPiece on the English
// training text and measure, on the held-out text, the share of words that become `[UNK]` and the average number
// of tokens per word. The word-level vocabulary of the same size is the baseline. (This takes a few seconds.)

// %% [markdown] lang=ko
// ## 5. 실제 텍스트: 어휘 집합 크기에 따른 `[UNK]` 비율과 단어당 토큰 수
//
// 이제 실제 말뭉치에 실제 트레이너를 써요. 여러 어휘 집합 크기마다 영어 학습 텍스트로 WordPiece를 학습하고, 떼어 둔
// 텍스트에서 `[UNK]`가 되는 단어의 비율과 단어당 평균 토큰 수를 재요. 같은 크기의 단어 단위 어휘 집합이
// 기준선(baseline)이에요. (몇 초 걸려요.)

// %%
const sizes = [300, 600, 1000, 2000, 4000, 8000];
const curve = sizes.map((size) => {
  const tok = trainWordPiece(en.train, { vocabSize: size }).tokenizer;
  let unk = 0;
  let pieces = 0;
  for (const w of enHeldOutWords) {
    const t = tok.tokenize(w);
    pieces += t.length;
    if (t.includes("[UNK]")) unk++;
  }
  return { size, wordUnk: wordUnkRate(enWordCounts, size, enHeldOutWords), wpUnk: unk / enHeldOutWords.length, tokensPerWord: pieces / enHeldOutWords.length };
});
curve.map((c) => ({ size: c.size, wordUnk: +c.wordUnk.toFixed(3), wordPieceUnk: +c.wpUnk.toFixed(4), tokensPerWord: +c.tokensPerWord.toFixed(2) }))

// %%
display(lineChart({ title: localize({ en: "Held-out English: [UNK] rate by vocabulary size", ko: "떼어 둔 영어 텍스트: 어휘 집합 크기별 [UNK] 비율" }), xTitle: localize({ en: "vocabulary size", ko: "어휘 집합 크기" }), yTitle: localize({ en: "share of words that are [UNK]", ko: "[UNK]가 된 단어의 비율" }), series: [{ name: localize({ en: "word vocabulary", ko: "단어 어휘 집합" }), x: sizes, y: curve.map((c) => c.wordUnk) }, { name: "WordPiece", x: sizes, y: curve.map((c) => c.wpUnk) }] }));
display(lineChart({ title: localize({ en: "Held-out English: WordPiece tokens per word", ko: "떼어 둔 영어 텍스트: 단어당 WordPiece 토큰 수" }), xTitle: localize({ en: "vocabulary size", ko: "어휘 집합 크기" }), yTitle: localize({ en: "tokens per word", ko: "단어당 토큰 수" }), series: [{ name: "WordPiece", x: sizes, y: curve.map((c) => c.tokensPerWord) }] }));

// %% [markdown]
// The word vocabulary trades `[UNK]`s for size; WordPiece's `[UNK]` rate stays near zero at every size (a word is
// `[UNK]` only when some character of it never appeared in that position in training, at the start of a word or as
// a `##` continuation, as `unhug` showed), and what the size buys is *shorter* sequences: fewer tokens per
// word. `bert-base-uncased` uses 30,522 WordPieces for English (`bert-base-cased` 28,996); multilingual BERT 119,547
// for 104 languages.
//
// ## 6. Korean, Japanese and English in one vocabulary
//
// Google's multilingual BERT (mBERT) has one WordPiece vocabulary for the Wikipedias of 104 languages
// (102 in the first release), Korean among them. The course ships without it, so by default this lesson trains a
// **cased** WordPiece vocabulary on the course's English + Korean corpus. If you have the real
// `bert-base-multilingual-cased.txt` (its vocab.txt, renamed), point `BERTLAB_VOCAB_DIR` at its folder (or put it
// in `../shared/fixtures/vocab/` next to the checkout) and this section uses it instead.

// %% [markdown] lang=ko
// 단어 어휘 집합은 크기를 키운 만큼 `[UNK]`를 줄여요. WordPiece의 `[UNK]` 비율은 모든 크기에서 0 가까이에 머물러요(학습
// 때 그 자리, 곧 단어의 첫머리나 `##` 이음 조각으로 한 번도 보지 못한 문자가 단어에 있을 때만 그 단어가 `[UNK]`가
// 돼요. `unhug`에서 본 그대로예요). 크기를 키워서 얻는 것은 *더 짧은* 시퀀스, 곧 단어당 더 적은
// 토큰이에요. `bert-base-uncased`는 영어에 WordPiece 30,522개를 쓰고(`bert-base-cased`는 28,996개), 다국어 BERT는
// 104개 언어에 119,547개를 써요.
//
// ## 6. 한 어휘 집합에 담은 한국어, 일본어, 영어
//
// Google의 다국어 BERT(multilingual BERT, mBERT)는 104개 언어(첫 공개 때는 102개)의 위키백과에 대해 WordPiece 어휘 집합
// 하나를 쓰고, 그 언어들 중에 한국어도 있어요. 이 코스에는 그 어휘 집합이 들어 있지 않아서, 이 레슨은 기본적으로 코스의
// 영어 + 한국어 말뭉치로 **대소문자를 구분하는**(cased) WordPiece 어휘 집합을 학습해요. 실제
// `bert-base-multilingual-cased.txt`(그 모델의 vocab.txt 이름을 바꾼 것)가 있다면 `BERTLAB_VOCAB_DIR`가 그 폴더를
// 가리키게 하세요(또는 체크아웃 옆의 `../shared/fixtures/vocab/`에 넣어 두세요). 그러면 이 절은 그 어휘 집합을 대신 써요.

// %%
// BERTLAB_VOCAB_DIR, when set, is the only place looked at (set it to an empty folder to see the fallback).
const vocabDirs = process.env.BERTLAB_VOCAB_DIR !== undefined ? [process.env.BERTLAB_VOCAB_DIR] : [path.resolve(courseDir, "../shared/fixtures/vocab")];
const findVocab = (file: string) => vocabDirs.map((d) => path.join(d, file)).find((f) => fs.existsSync(f));
const mbertFile = findVocab("bert-base-multilingual-cased.txt");
const ownCased = trainWordPiece([...en.train, ...ko.train], { vocabSize: 8000, lowercase: false }).tokenizer;
const multi = mbertFile ? BertTokenizer.fromVocabFileSync(mbertFile, { lowercase: false }) : ownCased;
const multiName = mbertFile ? "bert-base-multilingual-cased" : "the course's own cased WordPiece (8,000)";
({ using: multiName, vocabSize: multi.vocabSize })

// %% [markdown]
// **Predict:** which of the three sentences needs the most tokens? Which one has `[UNK]`s with the course's
// own vocabulary (trained without any Japanese)?

// %% [markdown] lang=ko
// **예측해 보세요:** 세 문장 가운데 토큰이 가장 많이 필요한 문장은 어느 것일까요? 코스의 자체 어휘 집합(일본어는 전혀
// 없이 학습한 것)으로는 어느 문장에 `[UNK]`가 나올까요?

// %%
const samples = { ko: "오늘 날씨가 정말 좋네요.", ja: "今日はとても良い天気ですね。", en: "The weather is lovely today." };
const perLanguage = Object.entries(samples).map(([lang, text]) => {
  const t = multi.tokenize(text);
  return { lang, tokens: t.length, unk: t.filter((x) => x === "[UNK]").length, pieces: t.join(" ") };
});
perLanguage

// %% [markdown]
// The course's own vocabulary (used above when the real mBERT vocabulary is not on this machine) does something
// surprising: the English sentence falls apart into single characters, although half of its training text is
// English. The likelihood score is why. freq(ab) / (freq(a)·freq(b)) is large when `a` and `b` are *rare*: Korean
// has well over a thousand distinct syllables, each rare, while each of the 26 Latin letters is very frequent. So
// nearly all of the merges that fill the 8,000 slots (after the alphabet) go to Korean, and English words are never
// built. Hugging Face's `WordPieceTrainer` (and
// the vocabulary of the course's checkpoint) rank merges by **frequency** instead. Both, trained on the same text:

// %% [markdown] lang=ko
// 코스의 자체 어휘 집합(이 컴퓨터에 실제 mBERT 어휘 집합이 없을 때 위에서 쓴 것)은 뜻밖의 모습을 보여요. 학습 텍스트의
// 절반이 영어인데도 영어 문장이 낱글자로 흩어져요. 이유는 가능도 점수에 있어요. freq(ab) / (freq(a)·freq(b))는 `a`와
// `b`가 *드물* 때 커져요. 한국어에는 서로 다른 음절이 천 개를 훌쩍 넘고 하나하나는 드물지만, 라틴 문자 26개는 저마다
// 아주 자주 나와요. 그래서 알파벳 다음으로 8,000개 자리를 채우는 병합의 거의 전부가 한국어에 돌아가고, 영어 단어는 끝내
// 만들어지지 않아요. Hugging Face의
// `WordPieceTrainer`(그리고 이 코스 체크포인트(checkpoint)의 어휘 집합)는 대신 **빈도**로 병합 순위를 매겨요. 같은
// 텍스트로 학습한 두 방식을 나란히 봐요.

// %%
const ownCasedByFrequency = trainWordPiece([...en.train, ...ko.train], { vocabSize: 8000, lowercase: false, scoring: "frequency" }).tokenizer;
const latinPieces = (tok: BertTokenizer) => tok.vocab.tokens.filter((t) => t !== undefined && /^(##)?[A-Za-z]+$/.test(t) && t.replace("##", "").length > 1).length;
({
  likelihood: { english: ownCased.tokenize(samples.en).join(" "), multiLetterLatinPieces: latinPieces(ownCased) },
  frequency: { english: ownCasedByFrequency.tokenize(samples.en).join(" "), korean: ownCasedByFrequency.tokenize(samples.ko).join(" "), multiLetterLatinPieces: latinPieces(ownCasedByFrequency) },
})

// %%
const koEnc = multi.encode(samples.ko, samples.en);
display(tokenTable({ tokens: koEnc.tokens, inputIds: koEnc.inputIds, segmentIds: koEnc.segmentIds, title: localize({ en: `Korean + English as one BERT input (${multiName})`, ko: `한국어 + 영어를 BERT 입력 하나로 (${multiName})` }) }));

// %% [markdown]
// Emoji and rare scripts are the other classic `[UNK]` (transformers#7648, bert#1034): a WordPiece vocabulary
// only knows the characters it was built from.

// %% [markdown] lang=ko
// 이모지와 드문 문자 체계(script)도 `[UNK]`가 생기는 또 하나의 전형적인 경우예요(transformers#7648, bert#1034).
// WordPiece 어휘 집합은 자기를 만들 때 쓴 문자만 알아요.

// %%
({ emoji: multi.tokenize("I love it 😀"), mongolian: multi.tokenize("Монгол ᠮᠣᠩᠭᠣᠯ") })

// %% [markdown]
// ## 7. Why the uncased vocabulary shreds Hangul into jamo
//
// An *uncased* BERT lowercases and **strips accents**: it decomposes every character into its Unicode canonical
// form (NFD) and drops the combining marks. That is right for `é` → `e` + ◌́ → `e`. But NFD also decomposes
// every precomposed Hangul syllable into its conjoining jamo (`한` → `ᄒ` + `ᅡ` + `ᆫ`), and jamo are not marks, so
// they stay, as separate characters. Your screen may draw the jamo joined again; count the code points:

// %% [markdown] lang=ko
// ## 7. 대소문자 구분 없는 어휘 집합이 한글을 자모로 잘게 부수는 이유
//
// *uncased* BERT는 소문자로 바꾸고 **악센트를 제거해요**(strip accents). 모든 문자를 유니코드 정준 분해 형태(NFD)로
// 분해한 뒤 결합 부호(combining mark)를 버리는 거예요. `é` → `e` + ◌́ → `e` 같은 경우라면 이게 맞는 처리예요. 그런데 NFD는 미리 조합된
// 한글 음절(완성형 음절)도 모두 조합용 자모(conjoining jamo)로 분해해요(`한` → 초성 `ᄒ` + 중성 `ᅡ` + 종성 `ᆫ`). 자모는
// 결합 부호가 아니라서 버려지지 않고, 각각 별개의 문자로 남아요. 화면에서는 자모가 다시 한 글자로 합쳐져 보일 수도
// 있으니, 코드 포인트(code point) 수를 세어 보세요.

// %%
const hangul = "한국어";
const normalizedUncased = new BasicTokenizer({ lowercase: true }).normalize(hangul);
const normalizedCased = new BasicTokenizer({ lowercase: false }).normalize(hangul);
assert.strictEqual(normalizedUncased, hangul.normalize("NFD"));
({ cased: [...normalizedCased].length, uncased: [...normalizedUncased].length, uncasedCodePoints: [...normalizedUncased].map((c) => "U+" + c.codePointAt(0)!.toString(16).toUpperCase()) })

// %% [markdown]
// A vocabulary trained on uncased text is then made of jamo pieces, so a Korean sentence costs many more tokens
// (the ratio is computed below). Stripping accents also removes the Japanese voicing mark: `で` (de) becomes `て` (te). Here is the
// course's own vocabulary trained both ways on the same text:

// %% [markdown] lang=ko
// 그러면 uncased 텍스트로 학습한 어휘 집합은 자모 조각들로 이루어지고, 한국어 문장 하나에 토큰이 훨씬 많이 들어요(그
// 비율은 아래에서 계산해요). 악센트 제거는 일본어의 탁점(voicing mark)도 없애서, `で`(de)가 `て`(te)가 돼요. 다음은
// 코스의 자체 어휘 집합을 같은 텍스트로 두 방식 모두 학습한 결과예요.

// %%
const ownUncased = trainWordPiece([...en.train, ...ko.train], { vocabSize: 8000, lowercase: true }).tokenizer;
const koHeld = ko.heldOut.slice(0, 200);
const tokensPer = (tok: BertTokenizer) => koHeld.reduce((n, s) => n + tok.tokenize(s).length, 0) / koHeld.length;
({ casedTokensPerSentence: +tokensPer(ownCased).toFixed(1), uncasedTokensPerSentence: +tokensPer(ownUncased).toFixed(1), ratio: +(tokensPer(ownUncased) / tokensPer(ownCased)).toFixed(2), uncasedExample: ownUncased.tokenize("날씨"), japanese: new BasicTokenizer({ lowercase: true }).normalize("です") })

// %% [markdown]
// With the real `bert-base-uncased` vocabulary (English, 30,522 pieces) a Korean sentence becomes a string of
// jamo and `[UNK]`; and the cased multilingual vocabulary run *with* lowercasing (a common configuration
// mistake: `do_lower_case=True` with a cased model) turns every Hangul word into `[UNK]`, because its pieces are
// syllables, not jamo. (Skipped when the real vocabularies are not on this machine.)

// %% [markdown] lang=ko
// 실제 `bert-base-uncased` 어휘 집합(영어, 조각 30,522개)으로는 한국어 문장이 자모와 `[UNK]`의 나열이 돼요. 그리고
// 대소문자를 구분하는 다국어 어휘 집합을 소문자 변환과 *함께* 쓰면(흔한 설정 실수: cased 모델에 `do_lower_case=True`),
// 모든 한글 단어가 `[UNK]`가 돼요. 그 어휘 집합의 조각은 자모가 아니라 음절이기 때문이에요. (이 컴퓨터에 실제 어휘
// 집합들이 없으면 건너뛰어요.)

// %%
const uncasedFile = findVocab("bert-base-uncased.txt");
if (uncasedFile && mbertFile) {
  const bertUncased = BertTokenizer.fromVocabFileSync(uncasedFile, { lowercase: true });
  const mbertLowered = BertTokenizer.fromVocabFileSync(mbertFile, { lowercase: true });
  console.log("bert-base-uncased:              ", bertUncased.tokenize(samples.ko).join(" "));
  console.log("mBERT cased, lowercased by mistake:", mbertLowered.tokenize(samples.ko).join(" "));
} else {
  console.log("real vocabularies not found in", vocabDirs.join(", "), "- skipped");
}

// %% [markdown]
// ## 8. The tokenizer pipeline, stage by stage
//
// `BertTokenizer.encode` is the pieces of this lesson run one after the other (the order of Hugging Face's
// `tokenizers`, which bertlab matches id for id):
//
// 1. cut out *added tokens* written in the raw text (`[MASK]`, `[SEP]`...), so that they are never split;
// 2. **normalise**: drop control characters, put spaces around CJK ideographs, and, for an uncased model, lowercase
//    and strip accents (NFD, then drop the nonspacing marks);
// 3. **pre-tokenise**: split on whitespace and split off every punctuation character;
// 4. **WordPiece** each word by greedy longest match, `##` marking a piece that continues a word (section 4);
// 5. add the **template** `[CLS]` … `[SEP]`, and look up the **ids**.
//
// We take one English and one Korean sentence through the stages with the tokenizer of the course's checkpoint
// (`models/bertlab-mini`, a cased vocabulary of 16,000 pieces; without it, section 6's frequency-trained vocabulary).
//
// **Predict:** what does the uncased normaliser make of `Zoë's café`? And how many code points does the Korean
// sentence gain under it?

// %% [markdown] lang=ko
// ## 8. 토크나이저 파이프라인(pipeline), 단계별로 보기
//
// `BertTokenizer.encode`는 이 레슨에서 본 조각들을 차례로 실행하는 것이에요(Hugging Face `tokenizers`의 순서이고,
// bertlab은 ID 하나하나까지 그 결과와 같아요).
//
// 1. 원시 텍스트에 적힌 *추가 토큰*(added token, `[MASK]`, `[SEP]` 등)을 먼저 잘라 내서 절대 쪼개지지 않게 해요.
// 2. **정규화**(normalization): 제어 문자를 버리고, 한자 같은 CJK 표의 문자(ideograph) 앞뒤에 공백을 넣고, uncased
//    모델이라면 소문자로 바꾸고 악센트를 제거해요(NFD 뒤에 비간격 결합 부호(nonspacing mark)를 버려요).
// 3. **사전 토큰화**(pre-tokenization): 공백에서 나누고, 문장 부호는 한 글자씩 떼어 내요.
// 4. 단어마다 탐욕적 최장 일치로 **WordPiece**를 적용해요. `##`는 단어에 이어지는 조각을 표시해요(4절).
// 5. **템플릿**(template) `[CLS]` … `[SEP]`를 붙이고 **ID**를 찾아요.
//
// 코스 체크포인트(`models/bertlab-mini`, 16,000 조각짜리 cased 어휘 집합)의 토크나이저로 영어 문장 하나와 한국어
// 문장 하나를 이 단계들에 통과시켜 봐요(체크포인트가 없으면 6절에서 빈도로 학습한 어휘 집합을 써요).
//
// **예측해 보세요:** uncased 정규화는 `Zoë's café`를 무엇으로 바꿀까요? 그리고 한국어 문장은 코드 포인트가 몇 개
// 늘어날까요?

// %%
const checkpointTokenizerDir = path.join(courseDir, "models/bertlab-mini");
const pipelineTok = fs.existsSync(path.join(checkpointTokenizerDir, "tokenizer.json")) || fs.existsSync(path.join(checkpointTokenizerDir, "vocab.txt"))
  ? await BertTokenizer.fromPretrained(checkpointTokenizerDir)
  : ownCasedByFrequency;
const pipelineTexts = { en: "Zoë's café opens at 9:30, unbelievably early!", ko: "‘大學’은 대학을 한자로 쓴 말이에요." };
const uncasedBasic = new BasicTokenizer({ lowercase: true });
const normalized = Object.fromEntries(Object.entries(pipelineTexts).map(([lang, text]) => {
  const cased = pipelineTok.basic.normalize(text); // stage 2, as this (cased) tokenizer runs it
  const uncased = uncasedBasic.normalize(text); // stage 2 of an uncased model
  return [lang, { cased, codePoints: [...text].length, casedCodePoints: [...cased].length, uncased, uncasedCodePoints: [...uncased].length }];
}));
// The uncased Korean is jamo (NFD) and stays so: recomposing (NFC) would give back the cased text's syllables.
assert.strictEqual(normalized.ko.uncased.normalize("NFC"), normalized.ko.cased);
assert.notStrictEqual(normalized.ko.uncased, normalized.ko.cased);
({ vocabSize: pipelineTok.vocabSize, lowercase: pipelineTok.basic.lowercase, stripAccents: pipelineTok.basic.stripAccents, ...normalized })

// %% [markdown]
// The checkpoint's tokenizer is cased (`lowercase: false`, `stripAccents: false`), so normalisation changes only one
// thing: a space on each side of `大` and `學`, the CJK ideographs (Hangul is not in those Unicode blocks, so Korean
// words stay whole). The uncased normaliser also turns `Zoë's café` into `zoe's cafe` and rewrites every Hangul
// syllable as two or three jamo: the Korean sentence grows by the code points printed above (on screen the jamo may
// look joined again). bertlab does **not**
// recompose them: `stripAndLowercase` (in `src/tokenization/unicode.ts`) applies NFD, drops the nonspacing marks and
// lowercases, and never applies NFC afterwards, as Google's `_run_strip_accents` and Hugging Face's `BertNormalizer`
// do not. Nothing is lost (the `assert` recomposed the syllables with NFC), but an uncased vocabulary was built
// from jamo, so a tokenizer that recomposed would no longer match its own vocabulary.
//
// Now stages 3 to 5 with the library's own pieces: the tokenizer's `BasicTokenizer` (`basic`), its WordPiece model
// (`model.tokenizeWord`, the LinMaxMatch trie), then the template and `convertTokensToIds`. The cell stops with an
// error if the composition differs from `encode`, or from section 4's textbook `maxMatch`.

// %% [markdown] lang=ko
// 체크포인트의 토크나이저는 cased예요(`lowercase: false`, `stripAccents: false`). 그래서 정규화가 바꾸는 것은 하나뿐이에요.
// CJK 표의 문자인 `大`와 `學` 양쪽에 공백이 하나씩 들어가요(한글은 그 유니코드 블록에 들어 있지 않아서 한국어 단어는
// 통째로 남아요). uncased 정규화는 여기에 더해 `Zoë's café`를 `zoe's cafe`로 바꾸고, 한글 음절을 모두 자모 두세 개로
// 다시 적어요. 그래서 한국어 문장의 코드 포인트가 위에 출력된 만큼 늘어나요(화면에서는 자모가 다시 합쳐져 보일 수
// 있어요). bertlab은 자모를 다시 **조합하지
// 않아요**. `src/tokenization/unicode.ts`의 `stripAndLowercase`는 NFD를 적용하고 비간격 결합 부호를 버리고 소문자로
// 바꿀 뿐, 그 뒤에 NFC를 적용하지 않아요. Google의 `_run_strip_accents`와 Hugging Face의 `BertNormalizer`도
// 마찬가지예요. 잃어버리는 정보는 없지만(`assert`가 NFC로 음절을 다시 조합해 확인했어요), uncased 어휘 집합은 자모로
// 만들어졌기 때문에 다시 조합하는 토크나이저는 자기 어휘 집합과 맞지 않게 돼요.
//
// 이제 3~5단계를 라이브러리의 조각들로 실행해요. 토크나이저의 `BasicTokenizer`(`basic`), WordPiece 모델
// (`model.tokenizeWord`, LinMaxMatch 트라이), 그다음 템플릿과 `convertTokensToIds`예요. 이렇게 조합한 결과가
// `encode`나 4절의 교과서식 `maxMatch`와 다르면 셀은 오류를 내며 멈춰요.

// %%
const wordPieceModel = pipelineTok.model;
if (wordPieceModel.type !== "WordPiece") throw new Error(`expected a WordPiece tokenizer, got ${wordPieceModel.type}`);
for (const [lang, text] of Object.entries(pipelineTexts)) {
  const words = pipelineTok.basic.tokenize(text); // stages 2-3: normalise, split on whitespace and punctuation
  const pieces = words.map((w) => wordPieceModel.tokenizeWord(w)); // stage 4: greedy longest match per word
  const tokens = ["[CLS]", ...pieces.flat(), "[SEP]"]; // stage 5: the template...
  const ids = pipelineTok.convertTokensToIds(tokens); // ...and the ids
  assert.deepStrictEqual(pieces, words.map((w) => maxMatch(w, pipelineTok.vocab)), `${lang}: the trie and maxMatch disagree`);
  const lib = pipelineTok.encode(text);
  assert.deepStrictEqual(tokens, lib.tokens, `${lang}: tokens differ from encode`);
  assert.deepStrictEqual(ids, lib.inputIds, `${lang}: ids differ from encode`);
  console.log(`${lang} words:     ${words.join(" | ")}`);
  console.log(`${lang} WordPiece: ${pieces.map((p) => p.join(" ")).join(" | ")}`);
  console.log(`${lang} template:  ${tokens.join(" ")}`);
  console.log(`${lang} ids:       ${ids.join(" ")}\n`);
}
console.log("in the vocabulary:", Object.fromEntries(["ë", "##ë", "大", "學"].map((t) => [t, pipelineTok.vocab.has(t)])));

// %% [markdown]
// Read the stages. The apostrophe, the colon, the comma and `!` become words of their own, so `9:30` is three words;
// the quotes `‘ ’` too, which leaves the particle `은` as a word by itself. Frequent words stay whole (`at`, `early`,
// `쓴`); others split into stem and ending (`open ##s`, `대학 ##을`, `말이 ##에요`) or are spelled from smaller pieces
// (`ca ##f ##é`, `un ##be ##l ##ie ##v ##ably`). A word with a character the vocabulary has no piece for becomes one
// `[UNK]`: `Zoë`, and `大` and `學` (the last line checks those pieces). Only now are `[CLS]` and `[SEP]` added, with
// their own ids.
//
// Decoding goes back: `##` pieces are glued to the piece before, other tokens get a space, and Hugging Face's cleanup
// removes the space before `,`, `.`, `!` and a few contractions. It cannot restore what the earlier stages threw
// away. For the exact source text of a token, use its character offsets in the original string instead.

// %% [markdown] lang=ko
// 단계들을 읽어 봐요. 아포스트로피, 콜론, 쉼표, `!`는 저마다 단어 하나가 되고, 그래서 `9:30`은 단어 세 개예요.
// 따옴표 `‘ ’`도 마찬가지라서 조사 `은`이 혼자 단어 하나로 남아요. 자주 나오는 단어는 통째로 남고(`at`, `early`,
// `쓴`), 다른 단어는 어간과 어미로 나뉘거나(`open ##s`, `대학 ##을`, `말이 ##에요`) 더 작은 조각들로 적혀요
// (`ca ##f ##é`, `un ##be ##l ##ie ##v ##ably`). 어휘 집합에 조각이 없는 문자가 들어 있는 단어는 `[UNK]` 하나가
// 돼요. `Zoë`, 그리고 `大`와 `學`이 그래요(마지막 줄이 그 조각들을 확인해요). `[CLS]`와 `[SEP]`는 이 마지막
// 단계에서야 자기 ID와 함께 붙어요.
//
// 디코딩(decoding)은 거꾸로 가요. `##` 조각은 앞 조각에 붙이고, 다른 토큰 앞에는 공백을 넣고, Hugging Face의 정리
// 규칙(cleanup)이 `,`, `.`, `!`와 몇몇 축약형 앞의 공백을 지워요. 앞 단계에서 버린 것은 되살릴 수 없어요. 토큰의
// 원래 텍스트가 정확히 필요하면 원래 문자열에서의 문자 오프셋(offset)을 쓰세요.

// %%
Object.fromEntries(Object.entries(pipelineTexts).map(([lang, text]) => {
  const enc = pipelineTok.encode(text);
  const unk = enc.tokens.findIndex((t) => t === "[UNK]");
  return [lang, {
    original: text,
    decoded: pipelineTok.decode(enc.inputIds),
    decodedWithoutSpecials: pipelineTok.decode(enc.inputIds, { skipSpecialTokens: true }),
    roundTrip: pipelineTok.decode(enc.inputIds, { skipSpecialTokens: true }) === text,
    firstUnkFromOffsets: unk < 0 ? null : text.slice(...enc.offsets[unk]),
  }];
}))

// %% [markdown]
// Neither sentence survives the round trip. `[UNK]` is a special token, so `skipSpecialTokens` drops it together
// with `[CLS]` and `[SEP]`, and `Zoë` and the Hanja vanish; the spaces that pre-tokenisation put around `'` and `:`
// stay. The offsets still point at the original characters (`Zoë` above): that is how a span found by a model
// (a named entity, an answer) is cut out of the user's text.

// %% [markdown] lang=ko
// 두 문장 모두 왕복(round trip)하면 원래대로 돌아오지 않아요. `[UNK]`는 특수 토큰이라서 `skipSpecialTokens`가
// `[CLS]`, `[SEP]`와 함께 지우고, 그래서 `Zoë`와 한자가 사라져요. 사전 토큰화가 `'`와 `:` 앞뒤에 넣은 공백은 그대로
// 남아요. 오프셋은 여전히 원래 문자를 가리켜요(위의 `Zoë`). 모델이 찾은 구간(개체명, 질문의 답)을 사용자의 텍스트에서
// 잘라 낼 때 이렇게 해요.

// %% [markdown]
// ## Summary
//
// - Characters never miss but make long sequences; words make short ones but miss every unseen word (`[UNK]`).
//   Subwords keep frequent words whole and spell rare ones from pieces.
// - **BPE** merges the most *frequent* adjacent pair; **WordPiece** merges the pair with the highest
//   freq(ab) / (freq(a)·freq(b)), preferring pieces that belong together. Same loop, different score; you
//   checked both against bertlab's trainers.
// - BERT tokenizes with **greedy longest-match-first**; if any rest of a word matches nothing, the whole word is
//   `[UNK]` (`unhug` above). `##` marks a piece that continues a word; pieces are not words.
// - A larger vocabulary buys fewer tokens per word; WordPiece's `[UNK]` rate stays near zero.
// - One vocabulary can hold Korean, Japanese and English. An *uncased* vocabulary decomposes Hangul into jamo and
//   drops Japanese voicing marks: for Korean, use a cased model (or a Korean one).
// - `encode` = normalise → pre-tokenise → WordPiece per word → `[CLS]`/`[SEP]` → ids; you composed the stages by hand
//   and matched it. Decoding does not give the text back (`[UNK]`, lowercasing, spacing); offsets do.
//
// **Exercises:** `exercises/02-tokenization.ipynb` (BPE with a different tie-break, longest-match-first with
// offsets, one answer in words). **Next:** `03-bert-inputs.ipynb` turns token lists into BERT's three inputs.

// %% [markdown] lang=ko
// ## 요약
//
// - 문자는 놓치는 일이 없지만 시퀀스가 길어지고, 단어는 시퀀스가 짧지만 처음 보는 단어를 모두 놓칩니다(`[UNK]`).
//   서브워드는 자주 나오는 단어를 통째로 두고 드문 단어는 조각들로 적습니다.
// - **BPE**는 가장 *자주 나오는* 인접한 쌍을 병합하고, **WordPiece**는 freq(ab) / (freq(a)·freq(b))가 가장 높은 쌍을
//   병합해 함께 붙어 다니는 조각을 선호합니다. 반복문은 같고 점수만 다릅니다. 둘 다 bertlab의 트레이너와 맞춰 보았습니다.
// - BERT는 **탐욕적 최장 일치**로 토큰화합니다. 단어의 남은 부분이 어느 조각과도 맞지 않으면 단어 전체가 `[UNK]`가
//   됩니다(위의 `unhug`). `##`는 단어에 이어지는 조각을 표시하며, 조각은 단어가 아닙니다.
// - 어휘 집합이 클수록 단어당 토큰 수가 줄어듭니다. WordPiece의 `[UNK]` 비율은 0 가까이에 머뭅니다.
// - 어휘 집합 하나에 한국어, 일본어, 영어를 모두 담을 수 있습니다. *uncased* 어휘 집합은 한글을 자모로 분해하고 일본어
//   탁점을 없앱니다. 그러므로 한국어에는 cased 모델(또는 한국어 모델)을 써야 합니다.
// - `encode` = 정규화 → 사전 토큰화 → 단어마다 WordPiece → `[CLS]`/`[SEP]` → ID입니다. 단계들을 직접 조합해 그 결과와
//   일치시켰습니다. 디코딩은 원래 텍스트를 돌려주지 않습니다(`[UNK]`, 소문자 변환, 띄어쓰기). 원래 텍스트는 오프셋이
//   돌려줍니다.
//
// **연습 문제:** `exercises/02-tokenization.ipynb`(동점 규칙이 다른 BPE, 오프셋을 돌려주는 최장 일치, 글로 답하는 문항
// 하나).
// **다음:** `03-bert-inputs.ipynb`에서는 토큰 목록을 BERT의 세 가지 입력으로 바꿉니다.
