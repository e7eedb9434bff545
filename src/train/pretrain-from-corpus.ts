/**
 * The whole pretraining recipe in one call, as `bertlab pretrain` and `npm run pretrain` run it:
 * read a corpus folder, train a WordPiece vocabulary on it (plus any extra texts), build a fresh
 * BERT of the chosen size, pretrain it with MLM + NSP, and save a Hugging Face layout directory
 * (config.json, model.safetensors, tokenizer.json, vocab.txt, tokenizer_config.json) with the
 * training curves in training_log.json.
 */
import { existsSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ready } from "../backend";
import { bertConfig, BertConfig, BertPresetName } from "../model/config";
import { BertForPreTraining } from "../model/bert-for-pretraining";
import { BertTokenizer } from "../tokenization/bert-tokenizer";
import { trainWordPiece } from "../tokenization/train-wordpiece";
import { pretrainingVocab, readCorpus, TextDocument, tokenizeDocuments } from "./corpus";
import { pretrain, PretrainOptions, PretrainResult } from "./pretrain";
import { saveTokenizerFiles } from "./tokenizer-files";
import { initMlmBiasFromUnigrams } from "./unigram-prior";

export interface PretrainFromCorpusOptions extends Omit<PretrainOptions, "outDir"> {
  /** Folder of .txt files (one sentence per line, blank line between documents). */
  corpusDir: string;
  outDir: string;
  /** Model size preset or a full/partial config (default "mini"). vocab_size comes from the tokenizer. */
  config?: BertPresetName | Partial<BertConfig>;
  /** Use this tokenizer instead of training one. */
  tokenizer?: BertTokenizer;
  /** WordPiece vocabulary size when training one (default 8000). */
  vocabSize?: number;
  /**
   * How the WordPiece trainer picks merges (default "frequency", as Hugging Face's WordPieceTrainer;
   * "likelihood" spends a bilingual budget on rare Hangul pairs and spells English out).
   */
  vocabScoring?: "likelihood" | "frequency";
  /** Lowercase the text (default false: cased, which keeps Korean syllables intact). */
  lowercase?: boolean;
  /** More documents to pretrain on besides the corpus (e.g. intent utterances grouped as pseudo-documents). */
  extraDocuments?: TextDocument[];
  /** Texts used only for training the vocabulary. */
  extraVocabTexts?: string[];
  /** Start the MLM output bias at the corpus's log unigram frequencies (default true; see unigram-prior.ts). */
  unigramBiasInit?: boolean;
  /**
   * Continued pretraining: start from this pretrained checkpoint (a Hugging Face folder with the MLM
   * and NSP heads) instead of random weights, with a fresh optimizer and schedule. Its tokenizer is
   * used unless `tokenizer` is given, and `config` is ignored: the checkpoint's config.json decides.
   */
  initFrom?: string;
}

export interface PretrainFromCorpusResult extends PretrainResult {
  config: BertConfig;
  documents: number;
  sentences: number;
  tokens: number;
  vocabSize: number;
}

/** data/corpus/ of the checkout this module runs from (source via tsx, or src/dist). */
export function builtinCorpusDir(): string {
  let dir = __dirname;
  for (let depth = 0; depth < 6; depth++) {
    const candidate = path.join(dir, "data", "corpus");
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`built-in pretraining corpus not found: no data/corpus in ${__dirname} or its parents`);
}

async function savedTokenizer(outDir: string, purpose: "resume" | "continue" = "resume"): Promise<BertTokenizer> {
  if (!existsSync(path.join(outDir, "tokenizer.json")) && !existsSync(path.join(outDir, "vocab.txt"))) {
    throw new Error(
      purpose === "resume"
        ? `cannot resume: ${outDir} has no tokenizer.json or vocab.txt (is it the --out folder of an earlier pretraining run?)`
        : `cannot continue from ${outDir}: it has no tokenizer.json or vocab.txt (give a pretrained checkpoint folder, e.g. models/bertlab-mini)`,
    );
  }
  return BertTokenizer.fromPretrained(outDir);
}

export async function pretrainFromCorpus(options: PretrainFromCorpusOptions): Promise<PretrainFromCorpusResult> {
  await ready();
  const documents = [...readCorpus(options.corpusDir), ...(options.extraDocuments ?? [])];
  const sentences = documents.flat();
  // A resumed run keeps the vocabulary it started with: the one saved beside its checkpoints.
  const resumeTokenizer = options.resume && !options.tokenizer ? await savedTokenizer(options.outDir) : undefined;
  const initTokenizer = options.initFrom && !options.tokenizer && !resumeTokenizer ? await savedTokenizer(options.initFrom, "continue") : undefined;
  const tokenizer =
    options.tokenizer ??
    resumeTokenizer ??
    initTokenizer ??
    trainWordPiece([...sentences, ...(options.extraVocabTexts ?? [])], {
      vocabSize: options.vocabSize ?? 8000,
      lowercase: options.lowercase ?? false,
      scoring: options.vocabScoring ?? "frequency",
    }).tokenizer;
  const tokenized = tokenizeDocuments(documents, tokenizer);
  const preset = options.config ?? "mini";
  const maxSeqLength = options.maxSeqLength ?? 64;
  const model = options.initFrom ? await BertForPreTraining.fromPretrained(options.initFrom) : undefined;
  const config = model
    ? model.config
    : typeof preset === "string"
      ? bertConfig(preset, { vocabSize: tokenizer.vocabSize, maxPositionEmbeddings: Math.max(128, maxSeqLength) })
      : bertConfig({ maxPositionEmbeddings: Math.max(128, maxSeqLength), ...preset, vocabSize: tokenizer.vocabSize });
  if (model && config.vocabSize !== tokenizer.vocabSize) {
    model.dispose();
    throw new Error(`cannot continue from ${options.initFrom}: its vocab_size is ${config.vocabSize} but the tokenizer has ${tokenizer.vocabSize} tokens (continued pretraining keeps the checkpoint's vocabulary)`);
  }
  const pretrainingModel = model ?? new BertForPreTraining(config, { seed: options.seed ?? 0 });
  try {
    // A continued run keeps the MLM bias it learnt; only a fresh model starts from the unigram prior.
    if (!model && (options.unigramBiasInit ?? true)) initMlmBiasFromUnigrams(pretrainingModel, tokenized.flat());
    const { corpusDir, outDir, tokenizer: _t, vocabSize: _v, vocabScoring: _s, lowercase: _l, extraDocuments: _d, extraVocabTexts: _x, unigramBiasInit: _u, config: _c, initFrom: _i, ...trainOptions } = options;
    // Tokenizer first, so every checkpoint saved during training is a complete, loadable directory.
    if (!resumeTokenizer) saveTokenizerFiles(outDir, tokenizer, config.maxPositionEmbeddings);
    const onSnapshot = (dir: string, step: number): void => {
      saveTokenizerFiles(dir, tokenizer, config.maxPositionEmbeddings);
      options.onSnapshot?.(dir, step);
    };
    const result = await pretrain(pretrainingModel, tokenized, pretrainingVocab(tokenizer), { ...trainOptions, maxSeqLength, outDir, onSnapshot });
    const summary: PretrainFromCorpusResult = {
      ...result,
      config,
      documents: documents.length,
      sentences: sentences.length,
      tokens: tokenized.flat(2).length,
      vocabSize: tokenizer.vocabSize,
    };
    // Relative to the checkpoint, so the log reads the same on every machine.
    const initFrom = options.initFrom ? path.relative(outDir, options.initFrom) || "." : undefined;
    const log = { corpus: path.relative(outDir, corpusDir) || ".", ...(initFrom ? { initFrom } : {}), options: { ...trainOptions, maxSeqLength }, ...summary };
    delete (log.options as { onStep?: unknown }).onStep;
    delete (log.options as { onEvaluation?: unknown }).onEvaluation;
    delete (log.options as { onSnapshot?: unknown }).onSnapshot;
    writeFileSync(path.join(outDir, "training_log.json"), JSON.stringify(log) + "\n");
    return summary;
  } finally {
    pretrainingModel.dispose();
  }
}

