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
//   vocabulary turns Hangul into jamo.
//
// Run the cells top to bottom (Shift+Enter). Where a cell asks you to **predict**, write your guess down first.

// %%
import assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { BasicTokenizer, BertTokenizer, trainBpe, trainWordPiece, maxMatch, readCorpus, barChart, lineChart, tokenTable, display, FigureDisplay } from "bertlab";

// %% [markdown]
// ## 1. Three ways to cut a sentence
//
// The course's pretraining corpus (`data/corpus/`) has English and Korean everyday prose, one sentence per line.
// We keep every tenth document aside as *held-out* text: a vocabulary is always built on some text and then
// used on other text, and the held-out part plays "the other text".

// %%
const enDocs = readCorpus("../data/corpus/en");
const koDocs = readCorpus("../data/corpus/ko");
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

// %%
const toyCounts: Array<[string, number]> = [["hug", 10], ["pug", 5], ["pun", 12], ["bun", 4], ["hugs", 5]];
const toyText = toyCounts.map(([w, n]) => Array(n).fill(w).join(" ")).join(" ");
toyText.split(" ").length

// %% [markdown]
// Each word starts as its list of characters. A pair's frequency is the sum, over words, of how often the pair
// occurs in the word times the word's count.

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

// %%
const firstBest = [...firstPairs.entries()].sort((a, b) => b[1] - a[1])[0];
display(barChart({ labels: [...firstPairs.keys()], values: [...firstPairs.values()], title: "Pair frequencies before the first merge", valueTitle: "frequency", valueFormat: "d", highlight: [firstBest[0]] }));
firstBest

// %% [markdown]
// Now the whole loop. `bpeStep` finds the best pair, replaces it everywhere by the merged symbol, and returns
// what it did. On a tie the pair whose left symbol, then right symbol, appeared first wins (the rule bertlab's
// trainer uses, so the two can be compared merge for merge). A pair seen fewer than 2 times is never merged.
// The table printed after each step is the vocabulary and the split corpus, as in the HF course.

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

// %%
const replaySplits = toySplits();
const replayOrder = [...bpeOrder.slice(0, new Set(toyCounts.flatMap(([w]) => [...w])).size)];
const mergesAnimation = new FigureDisplay();
for (const [step, pair] of handMerges.entries()) {
  const freqs = pairFrequencies(replaySplits, toyCountMap);
  mergesAnimation.render(barChart({ labels: [...freqs.keys()], values: [...freqs.values()], title: `Step ${step + 1}: merge ${pair.join(" + ")}`, valueTitle: "frequency", valueFormat: "d", highlight: [pair.join(" ")] }));
  const did = bpeStep(replaySplits, toyCountMap, replayOrder);
  assert.deepStrictEqual(did?.pair, pair);
  await new Promise((resolve) => setTimeout(resolve, 400));
}
[...replaySplits.values()].map((s) => s.join(" "))

// %% [markdown]
// Now the library. `trainBpe` takes raw text and a target vocabulary size (special tokens and alphabet
// included). The original BPE marks the end of each word with `</w>`; we switch that off here so the tokens look
// like ours. The next cell stops with an error if our merges and the library's disagree.

// %%
const libBpe = trainBpe(toyText, { vocabSize: 5 + bpeOrder.length, endOfWordSuffix: "", specialTokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] });
assert.deepStrictEqual(libBpe.merges.slice(0, handMerges.length), handMerges);
libBpe.history.map((h) => `${h.step}: ${h.pair.join(" + ")} = ${h.token} (${h.frequency})`)

// %% [markdown]
// **Predict:** how does the trained BPE tokenizer cut `unhug`, `hugs` and `bug`? All their characters are in the
// alphabet, so none of them can be `[UNK]`. What about `mug`?

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

// %%
const wpBest = [...wpFirst.entries()].sort((a, b) => b[1].score - a[1].score)[0];
display(barChart({ labels: [...wpFirst.keys()], values: [...wpFirst.values()].map((v) => v.score), title: "WordPiece scores before the first merge (same corpus)", valueTitle: "freq(ab) / (freq(a)·freq(b))", valueFormat: ".4f", highlight: [wpBest[0]] }));
({ pair: wpBest[0], frequency: wpBest[1].freq, score: wpBest[1].score })

// %% [markdown]
// WordPiece picks a pair BPE ranked near the bottom: `##s` only ever follows `##g`, so `##g ##s` "belongs
// together" although it occurs only a few times. The library's trainer reports the same first step; the next
// cell checks that our score equals the library's.

// %%
const libWp = trainWordPiece(toyText, { vocabSize: 30 });
assert.deepStrictEqual(libWp.history[0].pair, wpBest[0].split(" "));
assert.ok(Math.abs(libWp.history[0].score - wpBest[1].score) < 1e-12, `library score ${libWp.history[0].score}, ours ${wpBest[1].score}`);
libWp.history.map((h) => `${h.step}: ${h.pair.join(" + ")} = ${h.token}  score ${h.score.toFixed(4)}  (seen ${h.frequency}×)`)

// %% [markdown]
// Compare the two merge lists. BPE built `ug` and `un` first, the pairs frequent everywhere. WordPiece began with
// the rare ending `##gs`. At the second step the remaining pairs with `##u` were tied (each contains `##u`, and
// the table above shows their counts), so the tie rule (the more frequent pair) chose `p ##u`; from the third step
// on the merges change the counts and the scores differ again (compare the scores in the list).
//
// ## 4. Greedy longest-match-first
//
// WordPiece does not replay its merges when it tokenizes. It takes the **longest prefix of the word that is in
// the vocabulary**, then the longest `##`-continuation of the rest, and so on. If some rest matches nothing,
// the *whole word* becomes `[UNK]`.
//
// **Predict:** with the WordPiece vocabulary just trained, what is `hugs`? And `unhug`?

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

// %%
const wpRealDemo = libWp.tokenizer.encode("hugs pun");
({ tokens: wpRealDemo.tokens, wordIds: wpRealDemo.wordIds })

// %% [markdown]
// ## 5. Real text: `[UNK]` rate and tokens per word against vocabulary size
//
// Now the real trainer on the real corpus. For several vocabulary sizes we train WordPiece on the English
// training text and measure, on the held-out text, the share of words that become `[UNK]` and the average number
// of tokens per word. The word-level vocabulary of the same size is the baseline. (This takes a few seconds.)

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
display(lineChart({ title: "Held-out English: [UNK] rate by vocabulary size", xTitle: "vocabulary size", yTitle: "share of words that are [UNK]", series: [{ name: "word vocabulary", x: sizes, y: curve.map((c) => c.wordUnk) }, { name: "WordPiece", x: sizes, y: curve.map((c) => c.wpUnk) }] }));
display(lineChart({ title: "Held-out English: WordPiece tokens per word", xTitle: "vocabulary size", yTitle: "tokens per word", series: [{ name: "WordPiece", x: sizes, y: curve.map((c) => c.tokensPerWord) }] }));

// %% [markdown]
// The word vocabulary trades `[UNK]`s for size; WordPiece's `[UNK]` rate stays near zero at every size (only
// characters never seen in training are unknown), and what the size buys is *shorter* sequences: fewer tokens per
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

// %%
// BERTLAB_VOCAB_DIR, when set, is the only place looked at (set it to an empty folder to see the fallback).
const vocabDirs = process.env.BERTLAB_VOCAB_DIR !== undefined ? [process.env.BERTLAB_VOCAB_DIR] : [path.resolve("../../shared/fixtures/vocab")];
const findVocab = (file: string) => vocabDirs.map((d) => path.join(d, file)).find((f) => fs.existsSync(f));
const mbertFile = findVocab("bert-base-multilingual-cased.txt");
const ownCased = trainWordPiece([...en.train, ...ko.train], { vocabSize: 8000, lowercase: false }).tokenizer;
const multi = mbertFile ? BertTokenizer.fromVocabFileSync(mbertFile, { lowercase: false }) : ownCased;
const multiName = mbertFile ? "bert-base-multilingual-cased" : "the course's own cased WordPiece (8,000)";
({ using: multiName, vocabSize: multi.vocabSize })

// %% [markdown]
// **Predict:** which of the three sentences needs the most tokens? Which one has `[UNK]`s with the course's
// own vocabulary (trained without any Japanese)?

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
// has thousands of distinct syllables, each rare, while each of the 26 Latin letters is very frequent. So nearly
// all of the 8,000 merges go to Korean, and English words are never built. Hugging Face's `WordPieceTrainer` (and
// the vocabulary of the course's checkpoint) rank merges by **frequency** instead. Both, trained on the same text:

// %%
const ownCasedByFrequency = trainWordPiece([...en.train, ...ko.train], { vocabSize: 8000, lowercase: false, scoring: "frequency" }).tokenizer;
const latinPieces = (tok: BertTokenizer) => tok.vocab.tokens.filter((t) => t !== undefined && /^(##)?[A-Za-z]+$/.test(t) && t.replace("##", "").length > 1).length;
({
  likelihood: { english: ownCased.tokenize(samples.en).join(" "), multiLetterLatinPieces: latinPieces(ownCased) },
  frequency: { english: ownCasedByFrequency.tokenize(samples.en).join(" "), korean: ownCasedByFrequency.tokenize(samples.ko).join(" "), multiLetterLatinPieces: latinPieces(ownCasedByFrequency) },
})

// %%
const koEnc = multi.encode(samples.ko, samples.en);
display(tokenTable({ tokens: koEnc.tokens, inputIds: koEnc.inputIds, segmentIds: koEnc.segmentIds, title: `Korean + English as one BERT input (${multiName})` }));

// %% [markdown]
// Emoji and rare scripts are the other classic `[UNK]` (transformers#7648, bert#1034): a WordPiece vocabulary
// only knows the characters it was built from.

// %%
({ emoji: multi.tokenize("I love it 😀"), mongolian: multi.tokenize("Монгол ᠮᠣᠩᠭᠣᠯ") })

// %% [markdown]
// ## 7. Why the uncased vocabulary shreds Hangul into jamo
//
// An *uncased* BERT lowercases and **strips accents**: it decomposes every character into its Unicode canonical
// form (NFD) and drops the combining marks. That is right for `é` → `e` + ◌́ → `e`. But NFD also decomposes
// every precomposed Hangul syllable into its conjoining jamo (`한` → `ᄒ` + `ᅡ` + `ᆫ`), and jamo are not marks, so
// they stay, as separate characters. Your screen may draw the jamo joined again; count the code points:

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
//
// **Exercises:** `exercises/02-tokenization.ipynb` (one BPE merge step, WordPiece pair scores, greedy longest
// match, the `[UNK]` rate). **Next:** `03-bert-inputs.ipynb` turns token lists into BERT's three inputs.
