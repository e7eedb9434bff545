/**
 * BertConfig: the hyper-parameters of a BERT encoder, read and written as Hugging Face `config.json`.
 *
 * Field names are camelCase here and snake_case on disk, exactly as `transformers.BertConfig`
 * spells them, so a config.json from the Hub loads unchanged and ours loads in Python.
 */
import * as fs from "node:fs";

export type HiddenAct = "gelu" | "gelu_new" | "gelu_pytorch_tanh" | "relu";

export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  /** "gelu" is BERT's exact erf form; "gelu_new"/"gelu_pytorch_tanh" the tanh approximation. */
  hiddenAct: HiddenAct;
  hiddenDropoutProb: number;
  attentionProbsDropoutProb: number;
  maxPositionEmbeddings: number;
  /** Number of segment (token type) embeddings: 2 for sentence A / B. */
  typeVocabSize: number;
  layerNormEps: number;
  initializerRange: number;
  padTokenId: number;
}

export type BertPresetName = "tiny" | "mini" | "small" | "medium" | "base";

/** The defaults of bert-base-uncased; presets and custom configs override the sizes. */
export const BERT_BASE_DEFAULTS: BertConfig = {
  vocabSize: 30522,
  hiddenSize: 768,
  numHiddenLayers: 12,
  numAttentionHeads: 12,
  intermediateSize: 3072,
  hiddenAct: "gelu",
  hiddenDropoutProb: 0.1,
  attentionProbsDropoutProb: 0.1,
  maxPositionEmbeddings: 512,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  initializerRange: 0.02,
  padTokenId: 0,
};

/** The compact models of Turc et al. 2019 ("Well-Read Students Learn Better"): heads = H/64, FF = 4H. */
function compact(layers: number, hidden: number): BertConfig {
  return { ...BERT_BASE_DEFAULTS, numHiddenLayers: layers, hiddenSize: hidden, numAttentionHeads: hidden / 64, intermediateSize: 4 * hidden };
}

export const BERT_PRESETS: Readonly<Record<BertPresetName, BertConfig>> = {
  tiny: compact(2, 128),
  mini: compact(4, 256),
  small: compact(4, 512),
  medium: compact(8, 512),
  base: compact(12, 768),
};

/** A preset by name, or a custom config: any field left out takes bert-base's value. */
export function bertConfig(preset?: BertPresetName | Partial<BertConfig>, overrides: Partial<BertConfig> = {}): BertConfig {
  let base: BertConfig = BERT_BASE_DEFAULTS;
  if (typeof preset === "string") {
    if (!(preset in BERT_PRESETS)) {
      throw new Error(`unknown BERT preset "${preset}"; known presets: ${Object.keys(BERT_PRESETS).join(", ")}`);
    }
    base = BERT_PRESETS[preset];
  } else if (preset) {
    overrides = { ...preset, ...overrides };
  }
  return validateConfig({ ...base, ...overrides });
}

const INTEGER_FIELDS = [
  "vocabSize",
  "hiddenSize",
  "numHiddenLayers",
  "numAttentionHeads",
  "intermediateSize",
  "maxPositionEmbeddings",
  "typeVocabSize",
] as const;

export function validateConfig(config: BertConfig, source = "BERT config"): BertConfig {
  for (const key of INTEGER_FIELDS) {
    const v = config[key];
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${source}: ${snake(key)} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  if (config.hiddenSize % config.numAttentionHeads !== 0) {
    throw new Error(
      `${source}: hidden_size ${config.hiddenSize} is not a multiple of num_attention_heads ${config.numAttentionHeads}`,
    );
  }
  if (!["gelu", "gelu_new", "gelu_pytorch_tanh", "relu"].includes(config.hiddenAct)) {
    throw new Error(`${source}: hidden_act "${config.hiddenAct}" is not supported (use gelu, gelu_new, gelu_pytorch_tanh or relu)`);
  }
  for (const key of ["hiddenDropoutProb", "attentionProbsDropoutProb"] as const) {
    const p = config[key];
    if (typeof p !== "number" || !(p >= 0 && p < 1)) throw new Error(`${source}: ${snake(key)} must be in [0, 1), got ${JSON.stringify(p)}`);
  }
  if (typeof config.layerNormEps !== "number" || !(config.layerNormEps > 0)) {
    throw new Error(`${source}: layer_norm_eps must be a positive number, got ${JSON.stringify(config.layerNormEps)}`);
  }
  return config;
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The Hugging Face config.json object: snake_case keys, plus model_type and architectures. */
export type HfConfigJson = Record<string, unknown>;

/** Parses a Hugging Face config.json object; unknown keys are ignored, missing ones take bert-base defaults. */
export function configFromJson(json: HfConfigJson, source = "config.json"): BertConfig {
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new Error(`${source}: expected a JSON object`);
  if (json.model_type !== undefined && json.model_type !== "bert") {
    throw new Error(`${source}: model_type is "${String(json.model_type)}", not "bert"`);
  }
  const config: BertConfig = { ...BERT_BASE_DEFAULTS };
  const writable = config as unknown as Record<string, unknown>;
  for (const key of Object.keys(BERT_BASE_DEFAULTS)) {
    const value = json[snake(key)];
    if (value !== undefined && value !== null) writable[key] = value;
  }
  return validateConfig(config, source);
}

export function configToJson(config: BertConfig, architecture = "BertModel"): HfConfigJson {
  const json: HfConfigJson = { architectures: [architecture], model_type: "bert" };
  for (const [key, value] of Object.entries(config)) json[snake(key)] = value;
  return json;
}

export function readConfigFile(path: string): BertConfig {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read BERT config ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return configFromJson(json as HfConfigJson, path);
}

export function writeConfigFile(path: string, config: BertConfig, architecture = "BertModel"): void {
  fs.writeFileSync(path, JSON.stringify(configToJson(config, architecture), null, 2) + "\n");
}

/** Accepts camelCase keys too (as BertLayer's serialized config carries them). */
export function configFromAnyCase(json: Record<string, unknown>): BertConfig {
  const normalised: HfConfigJson = {};
  for (const [k, v] of Object.entries(json)) normalised[snake(camel(k))] = v;
  return configFromJson(normalised, "BertLayer config");
}
