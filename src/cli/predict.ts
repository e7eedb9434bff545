import type { Command } from "./main";
import { intOption, parseCommand, usageError } from "./options";

const HELP = `usage: bertlab predict --model DIR [--top N] [--json] "text" ["text" ...]

Prints the top intents of each utterance with their probabilities, and flags it out of
scope when the top probability is below the model's saved threshold.`;

export const command: Command = {
  summary: "predict the intents of utterances with a fine-tuned classifier",
  async run(argv) {
    const parsed = parseCommand(argv, {
      command: "predict",
      help: HELP,
      allowPositionals: true,
      options: {
        model: { type: "string" },
        top: { type: "string", default: "3" },
        json: { type: "boolean", default: false },
      },
      required: { model: "DIR" },
    });
    if ("exitCode" in parsed) return parsed.exitCode;
    const { values, positionals } = parsed;
    if (positionals.length === 0) return usageError("predict", "give at least one utterance", HELP);
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
