/**
 * Next Sentence Prediction pairs (BERT, section 3.1 "Task #2").
 *
 * Each training example is a pair of segments A and B. Half of the time B is the text
 * that actually follows A in the same document ("IsNext"), half of the time it is
 * taken from a random other document ("NotNext"). Segments are runs of whole
 * sentences packed up to the target length, as in BERT's create_pretraining_data.py.
 */
import { Random } from "./random";

/** A tokenized document: its sentences in order, each a list of token ids. */
export type TokenizedDocument = number[][];

export interface NspPair {
  tokensA: number[];
  tokensB: number[];
  /** True when B was drawn from another document (HF's next_sentence_label 1). */
  isRandomNext: boolean;
}

export interface NspOptions {
  /** Length of [CLS] A [SEP] B [SEP]; segments are packed and truncated to fit. */
  maxSeqLength: number;
  /** Share of pairs packed to a random shorter length, so fine-tuning's short inputs are seen too (default 0.1). */
  shortSeqProbability?: number;
  /** Share of pairs whose B is a random next segment (default 0.5). */
  randomNextProbability?: number;
}

/** Builds NSP pairs from all documents, one pass over each. */
export function createNspPairs(documents: readonly TokenizedDocument[], rng: Random, options: NspOptions): NspPair[] {
  const maxSeqLength = options.maxSeqLength;
  if (!Number.isInteger(maxSeqLength) || maxSeqLength < 5) throw new Error(`createNspPairs: maxSeqLength must be an integer ≥ 5, got ${maxSeqLength}`);
  const nonEmpty = documents.map((d) => d.filter((s) => s.length > 0)).filter((d) => d.length > 0);
  if (nonEmpty.length < 2) throw new Error(`createNspPairs: need at least 2 non-empty documents to draw random next sentences, got ${nonEmpty.length}`);
  const shortSeqProbability = options.shortSeqProbability ?? 0.1;
  const randomNextProbability = options.randomNextProbability ?? 0.5;
  const maxTokens = maxSeqLength - 3; // [CLS] A [SEP] B [SEP]

  const pairs: NspPair[] = [];
  // A chunk holding a single one-token sentence cannot give an actual next B, so it is forced
  // to NotNext; the debt makes a later free choice IsNext to keep the 50/50 balance.
  let isNextDebt = 0;
  for (let docIndex = 0; docIndex < nonEmpty.length; docIndex++) {
    const doc = nonEmpty[docIndex];
    const targetLength = rng.next() < shortSeqProbability ? 2 + rng.int(maxTokens - 1) : maxTokens;
    let chunk: number[][] = [];
    let chunkLength = 0;
    for (let i = 0; i < doc.length; i++) {
      chunk.push(doc[i]);
      chunkLength += doc[i].length;
      if (i !== doc.length - 1 && chunkLength < targetLength) continue;

      // A takes the first aEnd sentences of the chunk.
      let aEnd = chunk.length >= 2 ? 1 + rng.int(chunk.length - 1) : 1;
      let isRandomNext: boolean;
      if (chunk.length === 1 && chunk[0].length < 2) {
        isRandomNext = true;
        isNextDebt++;
      } else if (isNextDebt > 0) {
        isRandomNext = false;
        isNextDebt--;
      } else {
        isRandomNext = rng.next() < randomNextProbability;
      }
      if (chunk.length === 1 && !isRandomNext) {
        // One long sentence filled the chunk: its second part is the text that really follows
        // its first, so split it rather than always drawing a random B (which would skew the
        // labels towards NotNext when sentences are long relative to maxSeqLength).
        const cut = 1 + rng.int(chunk[0].length - 1);
        chunk = [chunk[0].slice(0, cut), chunk[0].slice(cut)];
        aEnd = 1;
      }
      const tokensA = chunk.slice(0, aEnd).flat();

      let tokensB: number[] = [];
      if (isRandomNext) {
        const targetB = targetLength - tokensA.length;
        let other = rng.int(nonEmpty.length - 1);
        if (other >= docIndex) other++;
        const otherDoc = nonEmpty[other];
        // At least one sentence, even when A already fills the target; truncation trims it.
        for (let j = rng.int(otherDoc.length); j < otherDoc.length; j++) {
          tokensB.push(...otherDoc[j]);
          if (tokensB.length >= targetB) break;
        }
        // The sentences of this chunk that B did not use go back into the stream.
        i -= chunk.length - aEnd;
      } else {
        tokensB = chunk.slice(aEnd).flat();
      }
      truncatePair(tokensA, tokensB, maxTokens, rng);
      if (tokensA.length > 0 && tokensB.length > 0) pairs.push({ tokensA, tokensB, isRandomNext });
      chunk = [];
      chunkLength = 0;
    }
  }
  return pairs;
}

/** Trims the longer segment one token at a time, from a random end, until both fit. */
export function truncatePair(a: number[], b: number[], maxTokens: number, rng: Random): void {
  while (a.length + b.length > maxTokens) {
    const longer = a.length > b.length ? a : b;
    if (rng.next() < 0.5) longer.shift();
    else longer.pop();
  }
}

export interface PairInput {
  inputIds: number[];
  segmentIds: number[];
}

/** [CLS] A [SEP] B [SEP] with segment ids 0 for A and 1 for B. */
export function buildPairInput(pair: { tokensA: readonly number[]; tokensB: readonly number[] }, clsId: number, sepId: number): PairInput {
  const inputIds = [clsId, ...pair.tokensA, sepId, ...pair.tokensB, sepId];
  const segmentIds = inputIds.map((_, i) => (i < pair.tokensA.length + 2 ? 0 : 1));
  return { inputIds, segmentIds };
}
