export * from "./config";
export * from "./weights";
export * from "./inputs";
export * from "./bert";
export * from "./bert-model";
export * from "./bert-for-pretraining";
export * from "./bert-layer";
