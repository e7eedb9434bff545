/**
 * Masked language modelling inputs (BERT, Devlin et al. 2019, section 3.1 "Task #1").
 *
 * 15% of the token positions are chosen for prediction. Of those, 80% are replaced by
 * [MASK], 10% by a random token and 10% are left unchanged, so the model cannot
 * learn that only [MASK] positions matter (the fine-tuning inputs never contain [MASK]).
 * With whole-word masking, a word split into WordPieces ("em ##bed ##ding") is chosen
 * or skipped as a unit, so the model cannot recover a piece from its siblings.
 */
import { Random } from "./random";

export interface MaskingVocab {
  /** Id of [MASK]. */
  maskId: number;
  /** Size of the vocabulary; random replacements are drawn from [0, vocabSize). */
  vocabSize: number;
  /** Ids that are never chosen for prediction nor drawn as random replacements ([CLS], [SEP], [PAD], ...). */
  specialIds: ReadonlySet<number>;
  /**
   * True for ids that continue the previous word (WordPiece "##" pieces). Needed only
   * for whole-word masking.
   */
  isContinuation?: (id: number) => boolean;
}

export interface MaskingOptions {
  /** Share of the candidate positions chosen for prediction (default 0.15). */
  maskProbability?: number;
  /** Of the chosen positions, the share replaced by [MASK] (default 0.8). */
  maskTokenRate?: number;
  /** Of the chosen positions, the share replaced by a random token (default 0.1); the rest stay unchanged. */
  randomTokenRate?: number;
  /** Cap on chosen positions per sequence (BERT's max_predictions_per_seq; default unlimited). */
  maxPredictions?: number;
  /** Choose whole words instead of single WordPieces (default false). */
  wholeWord?: boolean;
}

export interface MaskedSequence {
  /** The corrupted ids the model sees. */
  inputIds: number[];
  /** Positions chosen for prediction, ascending. */
  positions: number[];
  /** The original ids at `positions`: the MLM targets. */
  labels: number[];
}

/** The rates with BERT's defaults filled in; throws, naming the rate, when they are impossible. */
export function checkMaskingRates(options: MaskingOptions): { maskProbability: number; maskTokenRate: number; randomTokenRate: number } {
  const maskProbability = options.maskProbability ?? 0.15;
  const maskTokenRate = options.maskTokenRate ?? 0.8;
  const randomTokenRate = options.randomTokenRate ?? 0.1;
  if (!(maskProbability > 0 && maskProbability <= 1)) throw new Error(`maskTokens: maskProbability must be in (0, 1], got ${maskProbability}`);
  if (maskTokenRate < 0 || randomTokenRate < 0 || maskTokenRate + randomTokenRate > 1) {
    throw new Error(`maskTokens: maskTokenRate (${maskTokenRate}) + randomTokenRate (${randomTokenRate}) must be within [0, 1]`);
  }
  return { maskProbability, maskTokenRate, randomTokenRate };
}

/** Applies BERT's 80/10/10 masking to one sequence of token ids. */
export function maskTokens(ids: readonly number[], vocab: MaskingVocab, rng: Random, options: MaskingOptions = {}): MaskedSequence {
  const { maskProbability, maskTokenRate, randomTokenRate } = checkMaskingRates(options);
  if (options.wholeWord && !vocab.isContinuation) throw new Error("maskTokens: wholeWord masking needs vocab.isContinuation to find word boundaries");
  if (!Number.isInteger(vocab.maskId) || vocab.maskId < 0 || vocab.maskId >= vocab.vocabSize) {
    throw new Error(`maskTokens: maskId ${vocab.maskId} is outside the vocabulary of size ${vocab.vocabSize}`);
  }

  // Candidate units: single positions, or runs of positions forming one word.
  const words: number[][] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (vocab.specialIds.has(id)) continue;
    const continues = options.wholeWord && words.length > 0 && vocab.isContinuation!(id) && words[words.length - 1][words[words.length - 1].length - 1] === i - 1;
    if (continues) words[words.length - 1].push(i);
    else words.push([i]);
  }
  const candidateCount = words.reduce((n, w) => n + w.length, 0);
  if (candidateCount === 0) return { inputIds: ids.slice(), positions: [], labels: [] };

  // A fixed count (as in BERT's create_pretraining_data.py), not a coin per token:
  // every sequence then carries a predictable number of targets.
  const budget = Math.min(options.maxPredictions ?? Infinity, Math.max(1, Math.round(candidateCount * maskProbability)));
  const chosen: number[] = [];
  for (const word of rng.shuffle(words.slice())) {
    if (chosen.length >= budget) break;
    // A word that would overshoot the budget is skipped, so the rate stays near 15%.
    if (chosen.length + word.length > budget) continue;
    chosen.push(...word);
  }
  chosen.sort((x, y) => x - y);

  const inputIds = ids.slice();
  for (const position of chosen) {
    const r = rng.next();
    if (r < maskTokenRate) inputIds[position] = vocab.maskId;
    else if (r < maskTokenRate + randomTokenRate) inputIds[position] = randomNonSpecialId(vocab, rng);
    // else: left unchanged, but still predicted.
  }
  return { inputIds, positions: chosen, labels: chosen.map((p) => ids[p]) };
}

function randomNonSpecialId(vocab: MaskingVocab, rng: Random): number {
  if (vocab.specialIds.size >= vocab.vocabSize) throw new Error("maskTokens: every vocabulary id is special; no random replacement exists");
  for (;;) {
    const id = rng.int(vocab.vocabSize);
    if (!vocab.specialIds.has(id)) return id;
  }
}
