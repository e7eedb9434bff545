/**
 * Training a character-level BPE vocabulary: start from the characters, and repeatedly add the
 * most frequent adjacent pair as a new token ("merge the most frequent adjacent pair").
 */
import { BasicTokenizer } from "./basic-tokenizer";
import { BertTokenizer } from "./bert-tokenizer";
import { Bpe } from "./bpe";
import { DEFAULT_SPECIAL_TOKENS, MergeStep, PairMerger, Texts, TrainerOptions, checkTrainerOptions, countWords, growVocabulary } from "./merge-trainer";
import { bertPostProcessor } from "./tokenizer-json";
import { Merge, Vocab } from "./vocab";

export interface BpeTrainerOptions extends TrainerOptions {
  /** Marks a word's last symbol (default "</w>", as in Sennrich et al.); "" for none. */
  endOfWordSuffix?: string;
  /** Marks symbols that continue a word (default none; "##" gives WordPiece-looking tokens). */
  continuingSubwordPrefix?: string;
}

export interface BpeTrainingResult {
  tokenizer: BertTokenizer;
  merges: Merge[];
  history: MergeStep[];
}

export function trainBpe(texts: Texts, options: BpeTrainerOptions): BpeTrainingResult {
  checkTrainerOptions(options, "trainBpe");
  const suffix = options.endOfWordSuffix ?? "</w>";
  const prefix = options.continuingSubwordPrefix ?? "";
  const lowercase = options.lowercase ?? true;
  const basic = new BasicTokenizer({ lowercase });
  const words = countWords(texts, basic);
  const split = (word: string): string[] => {
    const chars = [...word];
    return chars.map((c, i) => (i > 0 ? prefix : "") + c + (i === chars.length - 1 ? suffix : ""));
  };
  // HF drops the prefix from the right symbol's text when joining, whatever it is.
  const join = (a: string, b: string): string => a + b.slice(prefix.length);
  const merger = new PairMerger(words, split, join, (count) => count, options.minFrequency ?? 2, false);

  const specials = options.specialTokens ?? DEFAULT_SPECIAL_TOKENS;
  const { tokens, merges, history } = growVocabulary(merger, specials, options.vocabSize, options.onStep);

  const vocab = Vocab.fromTokens(tokens, "trained BPE vocabulary");
  const unk = specials.includes("[UNK]") ? "[UNK]" : undefined;
  const model = new Bpe(vocab, merges, { unkToken: unk, endOfWordSuffix: suffix || undefined, continuingSubwordPrefix: prefix || undefined });
  const cls = vocab.tokenToId("[CLS]");
  const sep = vocab.tokenToId("[SEP]");
  const tokenizer = new BertTokenizer({
    normalizer: { lowercase, stripAccents: lowercase, cleanText: true, handleChineseChars: true },
    model,
    postProcessor: cls !== undefined && sep !== undefined ? bertPostProcessor(["[CLS]", cls], ["[SEP]", sep]) : null,
    addedTokens: specials.map((t) => ({ id: vocab.tokenToId(t) as number, content: t, special: true, singleWord: false, lstrip: false, rstrip: false, normalized: false })),
    decoder: suffix ? { type: "BPEDecoder", suffix } : { type: "WordPiece", prefix: prefix || "##", cleanup: true },
    padToken: vocab.has("[PAD]") ? "[PAD]" : undefined,
  });
  return { tokenizer, merges, history };
}
