import { HubError, resolveHubCheckpoint, resolveHubFile } from "../hub";
import type { Command } from "./main";

const USAGE = `usage: bertlab download <repo-id> [--revision REV] [--cache-dir DIR] [--file NAME]... [--json]

Downloads a BERT checkpoint from the Hugging Face Hub into the shared cache (HF_HOME/hub, as
Python's huggingface_hub uses), so that fromPretrained(<repo-id>) later works offline.
Without --file: config.json and the weights (model.safetensors, its shards, or pytorch_model.bin),
plus vocab.txt and tokenizer.json when the repo has them. HF_ENDPOINT and HF_TOKEN are honoured.`;

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

export const command: Command = {
  summary: "download a checkpoint from the Hugging Face Hub into the cache",
  async run(argv) {
    const repoId = argv.find((a, i) => !a.startsWith("--") && !["--revision", "--cache-dir", "--file"].includes(argv[i - 1]));
    if (argv.includes("--help") || !repoId) {
      console.log(USAGE);
      return repoId || argv.includes("--help") ? 0 : 2;
    }
    const opts = { revision: option(argv, "--revision"), cacheDir: option(argv, "--cache-dir"), progress: !argv.includes("--json") };
    const files = argv.flatMap((a, i) => (argv[i - 1] === "--file" ? [a] : []));
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
    console.log(argv.includes("--json") ? JSON.stringify({ repoId, paths }) : paths.join("\n"));
    return 0;
  },
};
