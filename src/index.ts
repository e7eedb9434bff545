/**
 * bertlab: BERT in TypeScript on TensorFlow.js, the library behind the course.
 * Importing it has no side effects: the backend is chosen by the first `await ready()` (every async API awaits it;
 * see backend/select.ts).
 */
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

