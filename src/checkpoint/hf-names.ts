/**
 * Tensor names in Hugging Face BERT checkpoints, mapped to bertlab's canonical names.
 *
 * bertlab's canonical names are `transformers.BertModel`'s (`embeddings.word_embeddings.weight`,
 * `encoder.layer.0.attention.self.query.weight`, ...) plus `cls.*` for the pretraining heads.
 * Checkpoints spell them in several ways, all accepted:
 * - BertForPreTraining / BertForMaskedLM files put the encoder under a `bert.` prefix;
 * - files converted from Google's TF checkpoints by older transformers versions call the
 *   LayerNorm parameters `gamma` and `beta` instead of `weight` and `bias`.
 */

/** Tensors that carry no weights of their own and are skipped on load. */
const IGNORED = [
  /^(bert\.)?embeddings\.position_ids$/, // a buffer of 0..max_pos-1
  /^cls\.predictions\.decoder\.weight$/, // tied to the word embeddings
];

/** Tensors that are another name for a canonical tensor, used only when the canonical one is absent. */
const ALIASES: Record<string, string> = {
  "cls.predictions.decoder.bias": "cls.predictions.bias",
};

export function canonicalName(fileName: string): string {
  let name = fileName.startsWith("bert.") ? fileName.slice("bert.".length) : fileName;
  name = name.replace(/\.LayerNorm\.gamma$/, ".LayerNorm.weight").replace(/\.LayerNorm\.beta$/, ".LayerNorm.bias");
  return name;
}

/** The name a tensor gets in a saved checkpoint: HF's current names, `bert.`-prefixed for models with heads. */
export function checkpointName(canonical: string, withHeads: boolean): string {
  return withHeads && !canonical.startsWith("cls.") ? `bert.${canonical}` : canonical;
}

/** Maps each canonical name to the name the checkpoint stores it under. */
export function indexCheckpointNames(fileNames: Iterable<string>, source: string): Map<string, string> {
  const index = new Map<string, string>();
  const aliases = new Map<string, string>();
  for (const fileName of fileNames) {
    if (IGNORED.some((re) => re.test(fileName))) continue;
    const canonical = canonicalName(fileName);
    if (canonical in ALIASES) {
      aliases.set(ALIASES[canonical], fileName);
      continue;
    }
    const previous = index.get(canonical);
    if (previous !== undefined) {
      throw new Error(`${source} stores "${canonical}" twice, as "${previous}" and as "${fileName}"`);
    }
    index.set(canonical, fileName);
  }
  for (const [canonical, fileName] of aliases) if (!index.has(canonical)) index.set(canonical, fileName);
  return index;
}

/** The spellings a canonical name may have in a file, for "missing tensor" messages. */
export function acceptedSpellings(canonical: string): string[] {
  const legacy = canonical.replace(/\.LayerNorm\.weight$/, ".LayerNorm.gamma").replace(/\.LayerNorm\.bias$/, ".LayerNorm.beta");
  const forms = new Set([canonical, legacy]);
  if (!canonical.startsWith("cls.")) for (const f of [...forms]) forms.add(`bert.${f}`);
  return [...forms];
}
