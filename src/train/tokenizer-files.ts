/**
 * The tokenizer files that sit next to a checkpoint in Hugging Face layout: tokenizer.json
 * (the fast tokenizer), vocab.txt and tokenizer_config.json (for the classic BertTokenizer),
 * so `AutoTokenizer.from_pretrained(dir)` and `BertTokenizer.fromPretrained(dir)` both load it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BertTokenizer } from "../tokenization/bert-tokenizer";
import { writeVocabTxt } from "../tokenization/vocab";

export function saveTokenizerFiles(dir: string, tokenizer: BertTokenizer, maxLength = 512): void {
  fs.mkdirSync(dir, { recursive: true });
  tokenizer.saveTokenizerJson(path.join(dir, "tokenizer.json"));
  writeVocabTxt(path.join(dir, "vocab.txt"), tokenizer.vocab);
  const config = {
    tokenizer_class: "BertTokenizer",
    do_lower_case: tokenizer.basic.lowercase,
    strip_accents: tokenizer.basic.stripAccents,
    tokenize_chinese_chars: tokenizer.basic.handleChineseChars,
    model_max_length: maxLength,
    unk_token: "[UNK]",
    cls_token: "[CLS]",
    sep_token: "[SEP]",
    pad_token: "[PAD]",
    mask_token: "[MASK]",
  };
  fs.writeFileSync(path.join(dir, "tokenizer_config.json"), JSON.stringify(config, null, 2) + "\n");
}
