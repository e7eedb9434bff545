/**
 * BERT's BasicTokenizer: the normalizer (clean text, isolate CJK ideographs, strip accents,
 * lowercase) and the pre-tokenizer (split on whitespace, isolate punctuation), with the semantics
 * of Hugging Face's BertNormalizer + BertPreTokenizer.
 *
 * Both run in one pass over the text. Every normalized UTF-16 unit remembers the span of the
 * original character it came from, so subword tokens can be mapped back to the user's string
 * (offsets are UTF-16 indices: `text.slice(start, end)` is the token's source text).
 */
import { isChineseChar, isPunctuation, isRemovedControl, isReorderedMark, isWhitespace, stripAndLowercase } from "./unicode";

export interface BasicTokenizerOptions {
  /** Lowercase the text (uncased models). Default true. */
  lowercase?: boolean;
  /** NFD, then drop nonspacing marks. Default: same as `lowercase` (HF's rule). */
  stripAccents?: boolean;
  /** Drop NUL, U+FFFD and control characters; map whitespace to a space. Default true. */
  cleanText?: boolean;
  /** Put spaces around CJK ideographs so each is a word. Default true. */
  handleChineseChars?: boolean;
}

/** Words of one text, normalized, with each unit's source span. Reused across calls to avoid garbage. */
export class PreTokenized {
  units = new Uint16Array(256);
  /** Source span (UTF-16 indices into the original text) of each normalized unit. */
  origStart = new Int32Array(256);
  origEnd = new Int32Array(256);
  nUnits = 0;
  /** Words as [wordStart, wordEnd) ranges of `units`, plus their length in code points. */
  wordStart = new Int32Array(64);
  wordEnd = new Int32Array(64);
  wordChars = new Int32Array(64);
  nWords = 0;

  reset(): void {
    this.nUnits = 0;
    this.nWords = 0;
  }

  growUnits(): void {
    const n = this.units.length * 2;
    const u = new Uint16Array(n);
    u.set(this.units);
    this.units = u;
    const s = new Int32Array(n);
    s.set(this.origStart);
    this.origStart = s;
    const e = new Int32Array(n);
    e.set(this.origEnd);
    this.origEnd = e;
  }

  growWords(): void {
    const n = this.wordStart.length * 2;
    for (const key of ["wordStart", "wordEnd", "wordChars"] as const) {
      const a = new Int32Array(n);
      a.set(this[key]);
      this[key] = a;
    }
  }

  /** The normalized text of word w. */
  word(w: number): string {
    return String.fromCharCode(...this.units.subarray(this.wordStart[w], this.wordEnd[w]));
  }
}

// Per-code-point behaviour, computed once per character and cached.
const UNKNOWN = 0;
const KEEP = 1; // part of a word, unchanged
const ISOLATE = 2; // unchanged, a word by itself (punctuation)
const SPACE = 3; // word boundary
const DROP = 4; // removed
const MAP_KEEP = 5; // becomes one BMP unit (mapTo), part of a word
const MAP_ISOLATE = 6; // becomes one BMP unit (mapTo) that is punctuation
const COMPLEX = 7; // anything else: see complexMap

interface ComplexMapping {
  /** Output code points. */
  cps: number[];
  /** Whether each output code point is punctuation (a word by itself). */
  punct: boolean[];
  /** A CJK ideograph: the output is surrounded by word boundaries. */
  cjk: boolean;
}

export class BasicTokenizer {
  readonly lowercase: boolean;
  readonly stripAccents: boolean;
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  private readonly kind = new Uint8Array(0x110000);
  private readonly mapTo = new Uint16Array(0x10000);
  private readonly complex = new Map<number, ComplexMapping>();
  private readonly scratch = new PreTokenized();
  /** 0 unknown, 1 starter, 2 non-starter (canonical combining class > 0), for output characters. */
  private readonly combining = new Uint8Array(0x110000);
  /** Set once an output character is a non-starter: only then can a word need reordering. */
  private sawNonStarter = false;

  constructor(options: BasicTokenizerOptions = {}) {
    this.lowercase = options.lowercase ?? true;
    this.stripAccents = options.stripAccents ?? this.lowercase;
    this.cleanText = options.cleanText ?? true;
    this.handleChineseChars = options.handleChineseChars ?? true;
    for (let cp = 0; cp < 128; cp++) this.classify(cp);
  }

  /** The normalized text (what BertNormalizer outputs). */
  normalize(text: string): string {
    checkText(text);
    let out = "";
    for (let i = 0; i < text.length; ) {
      const cp = codePointAt(text, i, text.length);
      i += cp > 0xffff ? 2 : 1;
      out += this.normalizeChar(cp);
    }
    // HF's NFD runs over the whole text: surviving combining marks end up in canonical order.
    return this.stripAccents ? this.reorderRuns(out) : out;
  }

  /** Puts each run of adjacent non-starters of `s` in canonical order (what NFD does to them). */
  private reorderRuns(s: string): string {
    if (s.length < 2) return s;
    let out = "";
    let run = "";
    for (const ch of s) {
      if (this.isNonStarter(ch.codePointAt(0) as number)) run += ch;
      else {
        out += run.length > 1 ? run.normalize("NFD") : run;
        run = "";
        out += ch;
      }
    }
    return out + (run.length > 1 ? run.normalize("NFD") : run);
  }

  /** Whether cp is a non-starter that HF's NFD puts in canonical order (cached). */
  private isNonStarter(cp: number): boolean {
    let v = this.combining[cp];
    if (v === 0) this.combining[cp] = v = isReorderedMark(cp) ? 2 : 1;
    return v === 2;
  }

  /** Words after normalization and pre-tokenization: `tokenize("Hello, World!")` is ["hello", ",", "world", "!"]. */
  tokenize(text: string): string[] {
    checkText(text);
    const pre = this.scratch;
    pre.reset();
    this.split(text, 0, text.length, pre);
    const words: string[] = [];
    for (let w = 0; w < pre.nWords; w++) words.push(pre.word(w));
    return words;
  }

  /** Words with their spans in `text` (UTF-16 offsets). */
  tokenizeWithOffsets(text: string): Array<{ word: string; start: number; end: number }> {
    checkText(text);
    const pre = this.scratch;
    pre.reset();
    this.split(text, 0, text.length, pre);
    const out: Array<{ word: string; start: number; end: number }> = [];
    for (let w = 0; w < pre.nWords; w++) {
      out.push({ word: pre.word(w), start: pre.origStart[pre.wordStart[w]], end: pre.origEnd[pre.wordEnd[w] - 1] });
    }
    return out;
  }

  /** Appends the words of text[from, to) to `out`. The hot loop of encoding. */
  split(text: string, from: number, to: number, out: PreTokenized): void {
    const firstWord = out.nWords;
    this.splitWords(text, from, to, out);
    if (this.sawNonStarter) for (let w = firstWord; w < out.nWords; w++) this.reorderWord(out, w);
  }

  /**
   * Canonical reordering inside a word, as HF's whole-text NFD does it: the code points of a run
   * of non-starters are sorted by combining class, while each position keeps its source span.
   */
  private reorderWord(out: PreTokenized, w: number): void {
    const start = out.wordStart[w];
    const end = out.wordEnd[w];
    const units = out.units;
    let runStart = -1;
    let runCount = 0;
    for (let i = start; i <= end; ) {
      let cp = -1;
      let width = 1;
      if (i < end) {
        cp = units[i];
        if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < end) {
          cp = ((cp - 0xd800) << 10) + (units[i + 1] - 0xdc00) + 0x10000;
          width = 2;
        }
      }
      if (cp >= 0 && this.isNonStarter(cp)) {
        if (runStart < 0) runStart = i;
        runCount++;
      } else {
        if (runCount > 1) this.reorderRun(out, runStart, i);
        runStart = -1;
        runCount = 0;
      }
      i += width;
    }
  }

  private reorderRun(out: PreTokenized, start: number, end: number): void {
    const text = String.fromCharCode(...out.units.subarray(start, end));
    const sorted = text.normalize("NFD");
    if (sorted === text) return;
    // Spans stay with positions (k-th code point keeps the k-th source span), as HF's transform does.
    const spans: Array<[number, number]> = [];
    for (let i = start; i < end; ) {
      spans.push([out.origStart[i], out.origEnd[i]]);
      i += out.units[i] >= 0xd800 && out.units[i] <= 0xdbff ? 2 : 1;
    }
    let i = start;
    let k = 0;
    for (const ch of sorted) {
      for (let j = 0; j < ch.length; j++) {
        out.units[i] = ch.charCodeAt(j);
        out.origStart[i] = spans[k][0];
        out.origEnd[i] = spans[k][1];
        i++;
      }
      k++;
    }
  }

  private splitWords(text: string, from: number, to: number, out: PreTokenized): void {
    const kind = this.kind;
    let inWord = false;
    let chars = 0;
    for (let i = from; i < to; ) {
      let cp = text.charCodeAt(i);
      let width = 1;
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < to) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
          width = 2;
        }
      }
      let k = kind[cp];
      if (k === UNKNOWN) k = this.classify(cp);
      const end = i + width;
      if (k === KEEP || k === MAP_KEEP) {
        if (!inWord) {
          if (out.nWords === out.wordStart.length) out.growWords();
          out.wordStart[out.nWords] = out.nUnits;
          inWord = true;
          chars = 0;
        }
        if (out.nUnits + 2 > out.units.length) out.growUnits();
        let n = out.nUnits;
        if (k === MAP_KEEP) {
          out.units[n] = this.mapTo[cp];
        } else if (width === 1) {
          out.units[n] = cp;
        } else {
          out.units[n] = text.charCodeAt(i);
          out.origStart[n] = i;
          out.origEnd[n] = end;
          n++;
          out.units[n] = text.charCodeAt(i + 1);
        }
        out.origStart[n] = i;
        out.origEnd[n] = end;
        out.nUnits = n + 1;
        chars++;
      } else if (k === SPACE || k === DROP) {
        if (k === SPACE && inWord) {
          closeWord(out, chars);
          inWord = false;
        }
      } else if (k === ISOLATE || k === MAP_ISOLATE) {
        if (inWord) closeWord(out, chars);
        inWord = false;
        if (out.nWords === out.wordStart.length) out.growWords();
        out.wordStart[out.nWords] = out.nUnits;
        if (out.nUnits + 2 > out.units.length) out.growUnits();
        let n = out.nUnits;
        if (k === MAP_ISOLATE) out.units[n] = this.mapTo[cp];
        else if (width === 1) out.units[n] = cp;
        else {
          out.units[n] = text.charCodeAt(i);
          out.origStart[n] = i;
          out.origEnd[n] = end;
          n++;
          out.units[n] = text.charCodeAt(i + 1);
        }
        out.origStart[n] = i;
        out.origEnd[n] = end;
        out.nUnits = n + 1;
        closeWord(out, 1);
      } else {
        const m = this.complex.get(cp) as ComplexMapping;
        if (m.cjk && inWord) {
          closeWord(out, chars);
          inWord = false;
        }
        for (let j = 0; j < m.cps.length; j++) {
          const c = m.cps[j];
          if (m.punct[j] && inWord) {
            closeWord(out, chars);
            inWord = false;
          }
          if (!inWord) {
            if (out.nWords === out.wordStart.length) out.growWords();
            out.wordStart[out.nWords] = out.nUnits;
            inWord = true;
            chars = 0;
          }
          if (out.nUnits + 2 > out.units.length) out.growUnits();
          let n = out.nUnits;
          if (c > 0xffff) {
            out.units[n] = 0xd800 + ((c - 0x10000) >> 10);
            out.origStart[n] = i;
            out.origEnd[n] = end;
            n++;
            out.units[n] = 0xdc00 + ((c - 0x10000) & 0x3ff);
          } else {
            out.units[n] = c;
          }
          out.origStart[n] = i;
          out.origEnd[n] = end;
          out.nUnits = n + 1;
          chars++;
          if (m.punct[j]) {
            closeWord(out, chars);
            inWord = false;
          }
        }
        if (m.cjk && inWord) {
          closeWord(out, chars);
          inWord = false;
        }
      }
      i = end;
    }
    if (inWord) closeWord(out, chars);
  }

  /** The normalizer's output for one character (spaces included), for `normalize`. */
  private normalizeChar(cp: number): string {
    if (this.cleanText) {
      if (isRemovedControl(cp)) return "";
      if (isWhitespace(cp)) return " ";
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      return "\ufffd";
    }
    const body = this.stripAccents || this.lowercase ? stripAndLowercase(cp, this.stripAccents, this.lowercase) : String.fromCodePoint(cp);
    return this.handleChineseChars && isChineseChar(cp) ? ` ${body} ` : body;
  }

  private classify(cp: number): number {
    let k: number;
    const normalized = this.normalizeChar(cp);
    const cjk = this.handleChineseChars && isChineseChar(cp) && !(this.cleanText && (isRemovedControl(cp) || isWhitespace(cp)));
    const body = cjk ? normalized.slice(1, -1) : normalized;
    const cps = Array.from(body, (c) => c.codePointAt(0) as number);
    if (this.stripAccents && cps.some((c) => this.isNonStarter(c))) this.sawNonStarter = true;
    if (cps.length === 0) k = DROP;
    else if (cps.length === 1 && isWhitespace(cps[0])) k = SPACE;
    else if (cps.length === 1 && cps[0] === cp) {
      // A CJK ideograph is a word by itself, exactly like punctuation.
      k = cjk || isPunctuation(cp) ? ISOLATE : KEEP;
    } else if (cps.length === 1 && cp <= 0xffff && cps[0] <= 0xffff) {
      this.mapTo[cp] = cps[0];
      k = cjk || isPunctuation(cps[0]) ? MAP_ISOLATE : MAP_KEEP;
    } else {
      // Whitespace inside a multi-character mapping cannot occur for BERT's normalizer; drop it if it did.
      const kept = cps.filter((c) => !isWhitespace(c));
      this.complex.set(cp, { cps: kept, punct: kept.map(isPunctuation), cjk });
      k = COMPLEX;
    }
    this.kind[cp] = k;
    return k;
  }
}

function closeWord(out: PreTokenized, chars: number): void {
  out.wordEnd[out.nWords] = out.nUnits;
  out.wordChars[out.nWords] = chars;
  out.nWords++;
}

/** The code point at i, with a lone surrogate returned as itself. */
export function codePointAt(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
    const lo = text.charCodeAt(i + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) return ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
  }
  return c;
}

/** Rejects non-strings with a message naming the type. */
export function checkText(text: unknown, what = "text"): asserts text is string {
  if (typeof text !== "string") {
    const got = text === null ? "null" : Array.isArray(text) ? "an array" : typeof text;
    throw new TypeError(`${what} must be a string, got ${got}`);
  }
}
