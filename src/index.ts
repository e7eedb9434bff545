/**
 * bertlab: BERT in TypeScript on TensorFlow.js, the library behind the course.
 * Importing it picks a backend (see backend/select.ts); `await ready()` to see which.
 */
import { ready } from "./backend";

export * from "./backend";
export { version } from "./version";
export * from "./progress";
import "./progress/notebook"; // registers the live notebook progress bar used inside tslab
export * from "./notebook";
export * from "./runner";
export * from "./check/index";
export * from "./data";
export * from "./tokenization";
export * from "./model";
export * from "./checkpoint";
export * from "./hub";
export * from "./display";
export * from "./viz";
export * from "./train";

ready();
