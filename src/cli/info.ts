import type { Command } from "./main";
import { parseCommand } from "./options";

export const command: Command = {
  summary: "print versions and the TensorFlow.js backend bertlab chose",
  async run(argv) {
    const parsed = parseCommand(argv, {
      command: "info",
      help: "usage: bertlab info [--json]\n\nSet BERTLAB_BACKEND=node-gpu|node|wasm|cpu to force a backend.",
      options: { json: { type: "boolean", default: false } },
    });
    if ("exitCode" in parsed) return parsed.exitCode;
    const { json } = parsed.values;
    if (json) process.env.BERTLAB_QUIET = "1";
    const bertlab = await import("../index");
    const tf = await import("@tensorflow/tfjs");
    const choice = await bertlab.ready();
    const info = { bertlab: bertlab.version, tfjs: tf.version.tfjs, node: process.version, backend: choice.name, reason: choice.reason, skipped: choice.skipped };
    console.log(json ? JSON.stringify(info) : JSON.stringify(info, null, 2));
    return 0;
  },
};
