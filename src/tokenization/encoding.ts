/**
 * The result of encoding: BERT's three inputs (ids, segment ids, mask) plus what lessons need to
 * explain them (tokens, offsets into the original text, word ids, which tokens are special).
 */

/** Growable columns the models append tokens to while encoding one sequence. */
export class TokenSink {
  ids: number[] = [];
  starts: number[] = [];
  ends: number[] = [];
  /** Index of the pre-tokenized word each token came from. */
  wordIds: number[] = [];

  get length(): number {
    return this.ids.length;
  }

  push(id: number, start: number, end: number, wordId: number): void {
    this.ids.push(id);
    this.starts.push(start);
    this.ends.push(end);
    this.wordIds.push(wordId);
  }

  truncate(n: number): void {
    this.ids.length = n;
    this.starts.length = n;
    this.ends.length = n;
    this.wordIds.length = n;
  }
}

export interface EncodingParts {
  ids: number[];
  typeIds: number[];
  attentionMask: number[];
  /** Flat [start0, end0, start1, end1, ...] UTF-16 offsets; [0, 0] for special and padding tokens. */
  offsets: number[];
  /** null exactly for the tokens the template and padding added. */
  wordIds: Array<number | null>;
  /** Where the tokens of text A and text B are: [aStart, aEnd, bStart, bEnd], -1 for no text B. */
  spans: [number, number, number, number];
  idToToken: (id: number) => string;
}

export class Encoding {
  /** Token ids: [CLS] A [SEP] (B [SEP]) [PAD]... */
  readonly inputIds: number[];
  /** 0 for [CLS], A and its [SEP]; 1 for B and its [SEP] (BERT's token type ids). */
  readonly segmentIds: number[];
  /** 1 for real tokens, 0 for padding (the attention mask). */
  readonly inputMask: number[];
  /** The pre-tokenized word each token belongs to, null for special tokens. Numbered per text. */
  readonly wordIds: Array<number | null>;
  private readonly spans: [number, number, number, number];
  private readonly flatOffsets: number[];
  private readonly idToToken: (id: number) => string;
  private tokensCache: string[] | undefined;
  private offsetsCache: Array<[number, number]> | undefined;
  private specialCache: number[] | undefined;
  private sequenceCache: Array<number | null> | undefined;

  constructor(parts: EncodingParts) {
    this.inputIds = parts.ids;
    this.segmentIds = parts.typeIds;
    this.inputMask = parts.attentionMask;
    this.wordIds = parts.wordIds;
    this.spans = parts.spans;
    this.flatOffsets = parts.offsets;
    this.idToToken = parts.idToToken;
  }

  /** 1 for tokens the post-processor added ([CLS], [SEP], [PAD]); an added token in the text is 0. */
  get specialTokensMask(): number[] {
    return (this.specialCache ??= this.wordIds.map((w) => (w === null ? 1 : 0)));
  }

  /** 0 or 1 for tokens of text A or B, null for special tokens. */
  get sequenceIds(): Array<number | null> {
    if (this.sequenceCache === undefined) {
      const [a0, a1, b0, b1] = this.spans;
      this.sequenceCache = this.inputIds.map((_, i) => (i >= a0 && i < a1 ? 0 : i >= b0 && i < b1 ? 1 : null));
    }
    return this.sequenceCache;
  }

  /** Flat offsets, for code that builds on an Encoding (padding). */
  get flatOffsetArray(): ReadonlyArray<number> {
    return this.flatOffsets;
  }

  /** @internal Where text A's and text B's tokens are. */
  get sequenceSpans(): [number, number, number, number] {
    return this.spans;
  }

  get length(): number {
    return this.inputIds.length;
  }

  /** The token strings, "##" continuations included. */
  get tokens(): string[] {
    return (this.tokensCache ??= this.inputIds.map(this.idToToken));
  }

  /**
   * [start, end) of each token in the text it came from, in UTF-16 units, so
   * `text.slice(start, end)` is the token's source (for text B, index into text B); [0, 0] for
   * special and padding tokens. HF's JS binding reports code point offsets instead (they differ
   * after an emoji or other astral character); UTF-16 is what JS string methods and a notebook's
   * highlighting need.
   */
  get offsets(): Array<[number, number]> {
    if (this.offsetsCache === undefined) {
      const o = this.flatOffsets;
      const out: Array<[number, number]> = new Array(o.length / 2);
      for (let i = 0; i < out.length; i++) out[i] = [o[2 * i], o[2 * i + 1]];
      this.offsetsCache = out;
    }
    return this.offsetsCache;
  }

  // Hugging Face names.
  get input_ids(): number[] {
    return this.inputIds;
  }

  get token_type_ids(): number[] {
    return this.segmentIds;
  }

  get attention_mask(): number[] {
    return this.inputMask;
  }

  get special_tokens_mask(): number[] {
    return this.specialTokensMask;
  }

  /** The index of the token covering UTF-16 position `pos` of text `sequence`, or null. */
  charToToken(pos: number, sequence = 0): number | null {
    const o = this.flatOffsets;
    const seq = this.sequenceIds;
    for (let i = 0; i < this.inputIds.length; i++) {
      if (seq[i] === sequence && o[2 * i] <= pos && pos < o[2 * i + 1]) return i;
    }
    return null;
  }
}
