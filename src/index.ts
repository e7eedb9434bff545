/**
 * bertlab: BERT in TypeScript on TensorFlow.js, the library behind the course.
 * Importing it picks a backend (see backend/select.ts); `await ready()` to see which.
 */
import { ready } from "./backend";

export * from "./backend";
export { version } from "./version";

ready();
