export * from "./dtypes";
export * from "./safetensors";
export * from "./pytorch-bin";
export * from "./hf-names";
export * from "./hf-checkpoint";
