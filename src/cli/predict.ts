import { parseArgs } from "node:util";
import type { Command } from "./main";
import { intOption } from "./options";

const HELP = `usage: bertlab predict --model DIR [--top N] [--json] "text" ["text" ...]

Prints the top intents of each utterance with their probabilities, and flags it out of
scope when the top probability is below the model's saved threshold.`;

export const command: Command = {
  summary: "predict the intents of utterances with a fine-tuned classifier",
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        model: { type: "string" },
        top: { type: "string", default: "3" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!values.model || positionals.length === 0) {
      console.error(`bertlab predict: ${values.model ? "give at least one utterance" : "--model DIR is required"}\n\n` + HELP);
      return 2;
    }
    const top = intOption(values.top, "--top")!;
    if (top < 1) throw new Error(`--top must be at least 1, got ${top}`);
    if (values.json) process.env.BERTLAB_QUIET = "1";
    const { IntentClassifier } = require("../train/intent-classifier") as typeof import("../train/intent-classifier");
    const classifier = await IntentClassifier.fromPretrained(values.model);
    const predictions = classifier.predict(positionals, top);
    classifier.dispose();
    if (values.json) {
      for (const p of predictions) console.log(JSON.stringify(p));
      return 0;
    }
    for (const p of predictions) {
      console.log(`${p.text}${p.outOfScope ? "   [out of scope]" : ""}`);
      for (const i of p.intents) console.log(`  ${i.intent.padEnd(28)} ${(100 * i.probability).toFixed(1).padStart(5)}%`);
    }
    return 0;
  },
};
