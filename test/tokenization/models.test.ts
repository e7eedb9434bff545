/** WordPiece (LinMaxMatch against textbook MaxMatch), the BertTokenizer API and its tensor helper. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { BasicTokenizer, BertTokenizer, WordPiece, maxMatch, trainWordPiece } from "../../src/tokenization";
import { mulberry32 } from "./fixtures/corpus";
import { FIXTURES, MULTILINGUAL, UNCASED, haveVocab, needVocab } from "./hf-reference";

const trainingText = fs.readFileSync(path.join(FIXTURES, "train-en-ko.txt"), "utf8");

describe("tokenization: WordPiece and BertTokenizer", function () {
  this.timeout(60000);

  it("the lesson's example: unaffable -> una ##ffa ##ble", function () {
    needVocab(this, UNCASED);
    const tok = BertTokenizer.fromVocabFileSync(UNCASED, { lowercase: true });
    assert.deepEqual(tok.tokenize("unaffable"), ["una", "##ffa", "##ble"]);
    const e = tok.encode("How old are you?", "I'm 6 years old.", { maxLength: 16, padding: "max_length" });
    assert.deepEqual(e.tokens, ["[CLS]", "how", "old", "are", "you", "?", "[SEP]", "i", "'", "m", "6", "years", "old", ".", "[SEP]", "[PAD]"]);
    assert.deepEqual(e.segmentIds, [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    assert.deepEqual(e.inputMask, [...new Array(15).fill(1), 0]);
    assert.equal(e.input_ids, e.inputIds);
    assert.equal(e.token_type_ids, e.segmentIds);
    assert.equal(e.attention_mask, e.inputMask);
    // HF cleans up per token, so " ' " (three tokens) stays spaced.
    assert.equal(tok.decode(e.inputIds, { skipSpecialTokens: true }), "how old are you? i ' m 6 years old.");
    assert.equal(tok.decode(e.inputIds), "[CLS] how old are you? [SEP] i ' m 6 years old. [SEP] [PAD]");
  });

  it("offsets are UTF-16 spans of the original text, ready for text.slice", function () {
    needVocab(this, UNCASED);
    const tok = BertTokenizer.fromVocabFileSync(UNCASED);
    const text = "Crème 😀 brûlée, naïvely!";
    const e = tok.encode(text);
    const pieces = e.offsets.map(([s, t], i) => (e.specialTokensMask[i] ? "" : text.slice(s, t)));
    assert.deepEqual(e.tokens, ["[CLS]", "cr", "##eme", "[UNK]", "br", "##ule", "##e", ",", "naive", "##ly", "!", "[SEP]"]);
    assert.deepEqual(pieces, ["", "Cr", "ème", "😀", "br", "ûlé", "e", ",", "naïve", "ly", "!", ""]);
    assert.equal(e.charToToken(text.indexOf("ly")), 9);
  });

  it("Hangul: the uncased vocab decomposes syllables into jamo, multilingual-cased keeps them", function () {
    needVocab(this, UNCASED, MULTILINGUAL);
    const uncased = BertTokenizer.fromVocabFileSync(UNCASED);
    const cased = BertTokenizer.fromVocabFileSync(MULTILINGUAL, { lowercase: false });
    assert.deepEqual(uncased.tokenize("한국어"), ["ᄒ", "##ᅡ", "##ᆫ", "##ᄀ", "##ᅮ", "##ᆨ", "##ᄋ", "##ᅥ"]);
    assert.deepEqual(cased.tokenize("한국어"), ["한국", "##어"]);
  });

  it("LinMaxMatch gives the same tokens as textbook greedy MaxMatch on random words", function () {
    const vocabs = [trainWordPiece(trainingText, { vocabSize: 900, minFrequency: 1 }).tokenizer.vocab];
    if (haveVocab(UNCASED)) vocabs.push(BertTokenizer.fromVocabFileSync(UNCASED).vocab);
    const rand = mulberry32(99);
    for (const vocab of vocabs) {
      const wp = new WordPiece(vocab);
      // Words from vocabulary pieces glued together (so long matches happen), plus stray characters and '#'.
      const pieces = vocab.tokens.filter((t): t is string => t !== undefined && !t.startsWith("[")).map((t) => t.replace(/^##/, ""));
      for (let i = 0; i < 4000; i++) {
        let word = "";
        const n = 1 + Math.floor(rand() * 5);
        for (let j = 0; j < n; j++) word += rand() < 0.15 ? "#~é한"[Math.floor(rand() * 4)] : pieces[Math.floor(rand() * pieces.length)];
        if (rand() < 0.05) word = "##" + word;
        assert.deepEqual(wp.tokenizeWord(word), maxMatch(word, vocab), JSON.stringify(word));
      }
    }
  });

  it("maxInputCharsPerWord is configurable (HF's 100 by default, Google's 200)", function () {
    const tok = BertTokenizer.fromVocab(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "##a"]);
    assert.deepEqual(tok.tokenize("a".repeat(101)), ["[UNK]"]);
    const google = BertTokenizer.fromVocab(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "##a"], { maxInputCharsPerWord: 200 });
    assert.equal(google.tokenize("a".repeat(150)).length, 150);
  });

  it("BasicTokenizer on its own: normalize and split words", function () {
    const basic = new BasicTokenizer({ lowercase: true });
    assert.equal(basic.normalize("Héllo\tWörld\u0000 中文"), "hello world  中  文 ");
    assert.deepEqual(basic.tokenize("Hello, World! 中文"), ["hello", ",", "world", "!", "中", "文"]);
    assert.deepEqual(new BasicTokenizer({ lowercase: false }).tokenize("Héllo"), ["Héllo"]);
    assert.deepEqual(basic.tokenizeWithOffsets("a 😀b"), [
      { word: "a", start: 0, end: 1 },
      { word: "😀b", start: 2, end: 5 },
    ]);
  });

  it("encodeBatch pads to the longest; toTensors gives int32 [batch, length] tensors", function () {
    const { tokenizer } = trainWordPiece(trainingText, { vocabSize: 900, minFrequency: 1 });
    const batch = tokenizer.encodeBatch(["the model", ["a tokenizer turns text into tokens", "and back"]], { padding: "longest" });
    assert.equal(batch[0].length, batch[1].length);
    const t = tokenizer.toTensors(["the model", ["a tokenizer turns text into tokens", "and back"]]);
    try {
      assert.equal(t.inputIds.dtype, "int32");
      assert.deepEqual(t.inputIds.shape, [2, batch[1].length]);
      assert.deepEqual(t.inputIds.arraySync(), batch.map((e) => e.inputIds));
      assert.deepEqual(t.inputMask.arraySync(), batch.map((e) => e.inputMask));
      assert.deepEqual(t.segmentIds.arraySync(), batch.map((e) => e.segmentIds));
      assert.throws(() => tokenizer.toTensors([tokenizer.encode("a"), tokenizer.encode("a b c")]), /encoding 1 has \d+ tokens but encoding 0 has \d+/);
    } finally {
      tf.dispose([t.inputIds, t.inputMask, t.segmentIds]);
    }
  });
});
