/**
 * Parity with Hugging Face `tokenizers`: same ids, tokens, type ids, masks, word ids and offsets
 * (HF reports code point offsets; ours are UTF-16 and are converted for the comparison).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as hf from "tokenizers";
import { BertTokenizer, EncodeOptions, trainWordPiece } from "../../src/tokenization";
import { allCorpusStrings, randomStrings } from "./fixtures/corpus";
import { FIXTURES, MULTILINGUAL, Mismatch, UNCASED, compareEncoding, describeMismatches, haveVocab, hfBert } from "./hf-reference";

const corpus = allCorpusStrings();
const randoms = randomStrings(3000, 20211107);
const trainingText = fs.readFileSync(path.join(FIXTURES, "train-en-ko.txt"), "utf8");
const lines = trainingText.split("\n").filter(Boolean);
const sentences = lines.flatMap((l) => l.split(/(?<=[.!?])\s+/));
/** Pairs for the BERT sentence-pair format: corpus strings with training sentences. */
const pairs: Array<[string, string]> = corpus.map((s, i) => [s, sentences[i % sentences.length]]);

async function compareAll(ours: BertTokenizer, theirs: hf.Tokenizer, inputs: Array<string | [string, string]>, options: EncodeOptions = {}): Promise<Mismatch[]> {
  // The binding's encodeBatch takes single texts only; pairs go one by one.
  const encoded = inputs.every((x) => typeof x === "string")
    ? await theirs.encodeBatch(inputs as string[])
    : await Promise.all(inputs.map((x) => (typeof x === "string" ? theirs.encode(x) : theirs.encode(x[0], x[1]))));
  const ourBatch = ours.encodeBatch(inputs, options);
  const mismatches: Mismatch[] = [];
  inputs.forEach((input, i) => {
    const m = compareEncoding(input, ourBatch[i], encoded[i]);
    if (m) mismatches.push(m);
  });
  return mismatches;
}

interface Case {
  name: string;
  available: () => boolean;
  load: () => Promise<{ ours: BertTokenizer; theirs: hf.Tokenizer }>;
}

const cases: Case[] = [
  {
    name: "bert-base-uncased (lowercase)",
    available: () => haveVocab(UNCASED),
    load: async () => {
      const ours = await BertTokenizer.fromVocabFile(UNCASED, { lowercase: true });
      return { ours, theirs: hfBert(ours, true) };
    },
  },
  {
    name: "bert-base-multilingual-cased",
    available: () => haveVocab(MULTILINGUAL),
    load: async () => {
      const ours = await BertTokenizer.fromVocabFile(MULTILINGUAL, { lowercase: false });
      return { ours, theirs: hfBert(ours, false) };
    },
  },
  {
    name: "a WordPiece vocabulary trained by bertlab (English + Korean fixture)",
    available: () => true,
    load: async () => {
      const { tokenizer } = trainWordPiece(trainingText, { vocabSize: 1500, minFrequency: 1 });
      return { ours: tokenizer, theirs: hfBert(tokenizer, true) };
    },
  },
];

describe("tokenization: parity with HF tokenizers", function () {
  this.timeout(60000);
  for (const c of cases) {
    describe(c.name, function () {
      let ours: BertTokenizer;
      let theirs: hf.Tokenizer;
      before(async function () {
        if (!c.available()) {
          console.log(`    skipped: ${c.name} needs ${path.dirname(UNCASED)} (the shared real BERT vocabularies), which is absent`);
          this.skip();
        }
        ({ ours, theirs } = await c.load());
      });

      it(`matches on the ${corpus.length}-string hand-written corpus`, async function () {
        const ms = await compareAll(ours, theirs, corpus);
        assert.equal(ms.length, 0, `${ms.length} of ${corpus.length} differ:\n${describeMismatches(ms)}`);
      });

      it(`matches on ${randoms.length} seeded random Unicode strings`, async function () {
        const ms = await compareAll(ours, theirs, randoms);
        assert.equal(ms.length, 0, `${ms.length} of ${randoms.length} differ:\n${describeMismatches(ms)}`);
      });

      it(`matches on ${pairs.length} sentence pairs`, async function () {
        const ms = await compareAll(ours, theirs, pairs);
        assert.equal(ms.length, 0, `${ms.length} of ${pairs.length} differ:\n${describeMismatches(ms)}`);
      });

      it("matches with truncation and padding, every strategy", async function () {
        const strategies = [
          ["longest_first", "LongestFirst"],
          ["only_first", "OnlyFirst"],
          ["only_second", "OnlySecond"],
        ] as const;
        let compared = 0;
        for (const maxLength of [3, 5, 8, 13, 32]) {
          for (const [ourStrategy, theirStrategy] of strategies) {
            theirs.setTruncation(maxLength, { strategy: theirStrategy as unknown as hf.TruncationStrategy });
            theirs.setPadding({ maxLength, padId: ours.tokenToId("[PAD]"), padToken: "[PAD]" });
            for (const input of pairs) {
              let expected: hf.Encoding | undefined;
              let hfError: string | undefined;
              try {
                expected = await theirs.encode(input[0], input[1]);
              } catch (error) {
                hfError = String(error);
              }
              const options: EncodeOptions = { maxLength, truncation: ourStrategy, padding: "max_length" };
              if (hfError !== undefined) {
                assert.throws(() => ours.encode(input[0], input[1], options), /truncation/, `HF fails (${hfError}) so we must too, for ${JSON.stringify(input)}`);
                continue;
              }
              const m = compareEncoding(input, ours.encode(input[0], input[1], options), expected as hf.Encoding);
              assert.equal(m, undefined, `maxLength ${maxLength}, ${ourStrategy}:\n${m ? describeMismatches([m]) : ""}`);
              compared++;
            }
          }
        }
        theirs.disableTruncation();
        theirs.disablePadding();
        assert.ok(compared > 100);
      });

      it("decodes like HF, with and without special tokens", async function () {
        const inputs = [...corpus, ...randoms.slice(0, 300)];
        for (const text of inputs) {
          const ids = ours.encode(text).inputIds;
          for (const skip of [true, false]) {
            const expected = await theirs.decode(ids, skip);
            assert.equal(ours.decode(ids, { skipSpecialTokens: skip }), expected, `decode(${JSON.stringify(text)}, skip=${skip})`);
          }
        }
      });
    });
  }
});
