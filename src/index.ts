/**
 * bertlab: BERT in TypeScript on TensorFlow.js, the library behind the course.
 * Importing it has no side effects: the backend is chosen by the first `await ready()` (every async API awaits it;
 * see backend/select.ts). The notebooks' test harness is `bertlab/check`, the notebook runner `bertlab/runner`.
 */
export * from "./backend";
export { version } from "./version";
export * from "./progress";
import "./progress/notebook"; // registers the live notebook progress bar used inside tslab
export * from "./notebook";
// The edition's language (metadata bertlab.lang), for texts such as figure titles; the test harness is bertlab/check.
export { checkLang, localize, type CheckLang, type LocalizedText, type Text } from "./check/lang";
export * from "./data";
export * from "./tokenization";
export * from "./model";
export * from "./checkpoint";
export * from "./hub";
export * from "./display";
export * from "./viz";
export * from "./train";
export * from "./memory";

