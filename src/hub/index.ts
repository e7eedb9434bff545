/** Fetching checkpoints from the Hugging Face Hub, cached and resumable; offline once cached. */
import * as path from "node:path";
import * as fs from "node:fs";
import { HubOptions } from "./cache";
import { HubError, resolveHubFile } from "./download";

export * from "./cache";
export * from "./download";

/** Weight files in order of preference: safetensors, sharded safetensors, PyTorch's pickle. */
const WEIGHT_FILES = ["model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"];

/**
 * Downloads a BERT checkpoint (config.json and model.safetensors, or its shards, or else
 * pytorch_model.bin) and returns the snapshot directory holding them, ready for `fromPretrained`.
 */
export async function resolveHubCheckpoint(repoId: string, opts: HubOptions = {}): Promise<string> {
  const config = await resolveHubFile(repoId, "config.json", opts);
  const missing: string[] = [];
  for (const file of WEIGHT_FILES) {
    try {
      const local = await resolveHubFile(repoId, file, opts);
      if (file.endsWith(".index.json")) {
        const index = JSON.parse(fs.readFileSync(local, "utf8")) as { weight_map: Record<string, string> };
        for (const shard of new Set(Object.values(index.weight_map))) await resolveHubFile(repoId, shard, opts);
      }
      return path.dirname(config);
    } catch (error) {
      if (!(error instanceof HubError && error.missing)) throw error;
      missing.push(error.message);
    }
  }
  throw new HubError(`no weights for "${repoId}": ${missing.join("; ")}`, 404);
}
