/**
 * Every Unicode scalar value through BERT's normalizer and pre-tokenizer, against HF `tokenizers`.
 * This is what pins down the character tables in src/tokenization/unicode.ts.
 */
import * as assert from "node:assert/strict";
import * as hf from "tokenizers";
import { BasicTokenizer } from "../../src/tokenization";
import { isPunctuation, isWhitespace } from "../../src/tokenization/unicode";

const CHUNK = 128;


/** Code points lo..hi as a string, lone surrogates replaced by U+FFFD as HF's binding would see them. */
function chunk(lo: number, hi: number): string {
  let s = "";
  for (let cp = lo; cp <= hi; cp++) s += String.fromCodePoint(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp);
  return s;
}

function firstDifference(ours: (s: string) => string, theirs: (s: string) => string, lo: number, hi: number): string {
  for (let cp = lo; cp <= hi; cp++) {
    const s = chunk(cp, cp);
    if (ours(s) !== theirs(s)) return `U+${cp.toString(16).toUpperCase()}: ours ${JSON.stringify(ours(s))}, HF ${JSON.stringify(theirs(s))}`;
  }
  return `U+${lo.toString(16)}..U+${hi.toString(16)} differ only together (canonical reordering across characters)`;
}

describe("tokenization: all 1,112,064 code points against HF", function () {
  it("combining marks that survive accent stripping are put in canonical order across characters, with offsets", async function () {
    // HF runs NFD over the whole text, so marks it keeps (spacing marks like U+1D165, marks newer
    // than its tables like Adlam's U+1E944) are sorted by combining class even across characters.
    const ours = new BasicTokenizer({ lowercase: true });
    const theirs = hf.bertNormalizer({ lowercase: true });
    for (const s of ["\u{1D165}\u{1D16D}\u{1D166}", "\u{1E944}\u{1E94A}", "x\u{1E944}\u{200D}\u{1E94A}y", "\u{1D15F}\u{1D16D}\u{1D165}"]) {
      assert.equal(ours.normalize(s), theirs.normalizeString(s), JSON.stringify(s));
    }
    const words = ours.tokenizeWithOffsets("a\u{1E944}\u{1E94A}b c");
    assert.deepEqual(words, [
      { word: "a\u{1E94A}\u{1E944}b", start: 0, end: 6 },
      { word: "c", start: 7, end: 8 },
    ]);
  });

  this.timeout(60000);

  for (const lowercase of [true, false]) {
    it(`BertNormalizer(lowercase: ${lowercase}) output is identical, in runs of ${CHUNK} characters`, function () {
      const ours = new BasicTokenizer({ lowercase });
      const theirs = hf.bertNormalizer({ lowercase });
      const bad: string[] = [];
      for (let lo = 0; lo <= 0x10ffff; lo += CHUNK) {
        const hi = Math.min(lo + CHUNK - 1, 0x10ffff);
        const s = chunk(lo, hi);
        if (ours.normalize(s) !== theirs.normalizeString(s)) {
          bad.push(firstDifference((x) => ours.normalize(x), (x) => theirs.normalizeString(x), lo, hi));
          if (bad.length > 10) break;
        }
      }
      assert.deepEqual(bad, []);
    });
  }

  it("BertPreTokenizer splits on exactly the same whitespace and punctuation", function () {
    const pre = hf.bertPreTokenizer();
    // "a" between characters: a character splits the run iff it is whitespace or punctuation.
    const ourSplit = (s: string): string[] => {
      const words: string[] = [];
      let word = "";
      for (const ch of s) {
        const cp = ch.codePointAt(0) as number;
        if (isWhitespace(cp) || isPunctuation(cp)) {
          if (word) words.push(word);
          word = "";
          if (!isWhitespace(cp)) words.push(ch);
        } else word += ch;
      }
      if (word) words.push(word);
      return words;
    };
    const bad: string[] = [];
    for (let lo = 0; lo <= 0x10ffff; lo += CHUNK) {
      let s = "a";
      for (let cp = lo; cp < lo + CHUNK && cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) s += String.fromCodePoint(cp) + "a";
      const theirs = pre.preTokenizeString(s).map(([w]) => w);
      if (JSON.stringify(theirs) !== JSON.stringify(ourSplit(s))) {
        for (let cp = lo; cp < lo + CHUNK && cp <= 0x10ffff; cp++) {
          if (cp >= 0xd800 && cp <= 0xdfff) continue;
          const one = "a" + String.fromCodePoint(cp) + "a";
          const t = pre.preTokenizeString(one).map(([w]) => w);
          if (JSON.stringify(t) !== JSON.stringify(ourSplit(one))) bad.push(`U+${cp.toString(16).toUpperCase()}: HF ${JSON.stringify(t)}, ours ${JSON.stringify(ourSplit(one))}`);
        }
        if (bad.length > 10) break;
      }
    }
    assert.deepEqual(bad, []);
  });
});
