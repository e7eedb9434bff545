export { HeldValues, type Holdable } from "./held-values";
