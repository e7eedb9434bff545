/**
 * Training a WordPiece vocabulary: start from the characters ("h", "##e", "##l"...) and repeatedly
 * add the pair with the highest likelihood score freq(ab) / (freq(a) * freq(b)). Unlike BPE's raw
 * frequency, the score prefers pairs whose parts are rare on their own, i.e. pairs that belong
 * together. The result is a vocabulary for greedy longest-match WordPiece (the merge order itself
 * is not used when tokenizing). `scoring: "frequency"` gives Hugging Face's WordPieceTrainer rule.
 */
import { BasicTokenizer } from "./basic-tokenizer";
import { BertTokenizer } from "./bert-tokenizer";
import { DEFAULT_SPECIAL_TOKENS, MergeStep, PairMerger, Texts, TrainerOptions, checkTrainerOptions, countWords, growVocabulary } from "./merge-trainer";
import { Merge, Vocab } from "./vocab";

export interface WordPieceTrainerOptions extends TrainerOptions {
  /** Continuation prefix (default "##"). */
  continuingSubwordPrefix?: string;
  /**
   * How the next pair is chosen (default "likelihood"):
   * - "likelihood": freq(ab) / (freq(a) * freq(b)), WordPiece as Schuster & Nakajima describe it;
   * - "frequency": freq(ab), BPE's rule with "##" pieces, which is what Hugging Face's
   *   WordPieceTrainer does. On a corpus mixing scripts, likelihood favours the rare pairs of the
   *   script with the larger alphabet (Hangul) and leaves the other spelled out; frequency
   *   shares the budget by how often the pieces occur.
   */
  scoring?: "likelihood" | "frequency";
  /**
   * Keep only this many of the most frequent characters (Hugging Face's `limit_alphabet`); words
   * holding any other character are left out of training and become [UNK] later. Real text (a
   * movie review corpus, say) holds thousands of one-off symbols, emoji and Hanja whose initial and
   * "##" forms would otherwise take a large share of a small vocabulary. Default: no limit.
   */
  limitAlphabet?: number;
}

export interface WordPieceTrainingResult {
  tokenizer: BertTokenizer;
  /** The merged pairs in order. */
  merges: Merge[];
  history: MergeStep[];
}

export function trainWordPiece(texts: Texts, options: WordPieceTrainerOptions): WordPieceTrainingResult {
  checkTrainerOptions(options, "trainWordPiece");
  const prefix = options.continuingSubwordPrefix ?? "##";
  const lowercase = options.lowercase ?? true;
  const basic = new BasicTokenizer({ lowercase });
  const words = limitToAlphabet(countWords(texts, basic), options.limitAlphabet);
  const split = (word: string): string[] => [...word].map((c, i) => (i > 0 ? prefix + c : c));
  const join = (a: string, b: string): string => a + (b.startsWith(prefix) ? b.slice(prefix.length) : b);
  const scoring = options.scoring ?? "likelihood";
  if (scoring !== "likelihood" && scoring !== "frequency") {
    throw new RangeError(`trainWordPiece: scoring must be "likelihood" or "frequency", got ${JSON.stringify(scoring)}`);
  }
  const score = scoring === "likelihood" ? (pair: number, fa: number, fb: number): number => pair / (fa * fb) : (pair: number): number => pair;
  const merger = new PairMerger(words, split, join, score, options.minFrequency ?? 2, true);

  const specials = options.specialTokens ?? DEFAULT_SPECIAL_TOKENS;
  for (const t of ["[UNK]", "[CLS]", "[SEP]"]) {
    if (!specials.includes(t)) throw new Error(`trainWordPiece: specialTokens must include ${t} for a BERT tokenizer`);
  }
  const { tokens, merges, history } = growVocabulary(merger, specials, options.vocabSize, options.onStep);
  const tokenizer = BertTokenizer.fromVocab(Vocab.fromTokens(tokens, "trained WordPiece vocabulary"), { lowercase });
  return { tokenizer, merges, history };
}

/** Drops the words that use a character outside the `limit` most frequent ones. */
function limitToAlphabet(words: Map<string, number>, limit: number | undefined): Map<string, number> {
  if (limit === undefined) return words;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`trainWordPiece: limitAlphabet must be a positive integer, got ${limit}`);
  const charCounts = new Map<string, number>();
  for (const [word, count] of words) for (const c of word) charCounts.set(c, (charCounts.get(c) ?? 0) + count);
  if (charCounts.size <= limit) return words;
  // Ties broken by code point, so the alphabet does not depend on the order the text came in.
  const kept = new Set(
    [...charCounts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([c]) => c),
  );
  const out = new Map<string, number>();
  for (const [word, count] of words) if ([...word].every((c) => kept.has(c))) out.set(word, count);
  return out;
}
