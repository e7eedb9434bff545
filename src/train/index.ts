/** Pretraining (MLM + NSP) and intent fine-tuning: data preparation, optimizer, loops, metrics. */
export * from "./random";
export * from "./masking";
export * from "./nsp";
export * from "./collate";
export * from "./adamw";
export * from "./early-stopping";
export * from "./metrics";
export * from "./corpus";
export * from "./pretrain";
export * from "./pretrain-from-corpus";
export * from "./intent-classifier";
export * from "./evaluate-intents";
export * from "./finetune";
export * from "./finetune-defaults";
export * from "./load-pretrained";
export * from "./tokenizer-files";
export * from "./auto";
