import { HubError, resolveHubCheckpoint, resolveHubFile } from "../hub";
import type { Command } from "./main";
import { parseCommand, usageError } from "./options";

const USAGE = `usage: bertlab download <repo-id> [--revision REV] [--cache-dir DIR] [--file NAME]... [--json]

Downloads a BERT checkpoint from the Hugging Face Hub into the shared cache (HF_HOME/hub, as
Python's huggingface_hub uses), so that fromPretrained(<repo-id>) later works offline.
Without --file: config.json and the weights (model.safetensors, its shards, or pytorch_model.bin),
plus vocab.txt and tokenizer.json when the repo has them. HF_ENDPOINT and HF_TOKEN are honoured.`;

export const command: Command = {
  summary: "download a checkpoint from the Hugging Face Hub into the cache",
  async run(argv) {
    const parsed = parseCommand(argv, {
      command: "download",
      help: USAGE,
      allowPositionals: true,
      options: {
        revision: { type: "string" },
        "cache-dir": { type: "string" },
        file: { type: "string", multiple: true, default: [] },
        json: { type: "boolean", default: false },
      },
    });
    if ("exitCode" in parsed) return parsed.exitCode;
    const { values, positionals } = parsed;
    if (positionals.length !== 1) return usageError("download", positionals.length ? `one repo id at a time, got ${positionals.join(" ")}` : "<repo-id> is required", USAGE);
    const [repoId] = positionals;
    const opts = { revision: values.revision, cacheDir: values["cache-dir"], progress: !values.json };
    const files = values.file;
    const paths: string[] = [];
    if (files.length) {
      for (const f of files) paths.push(await resolveHubFile(repoId, f, opts));
    } else {
      const dir = await resolveHubCheckpoint(repoId, opts);
      for (const optional of ["vocab.txt", "tokenizer.json", "tokenizer_config.json"]) {
        try {
          await resolveHubFile(repoId, optional, opts);
        } catch (error) {
          if (!(error instanceof HubError && error.missing)) throw error;
        }
      }
      paths.push(dir);
    }
    console.log(values.json ? JSON.stringify({ repoId, paths }) : paths.join("\n"));
    return 0;
  },
};
