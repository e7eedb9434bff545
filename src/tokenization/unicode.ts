/**
 * Character classes of BERT's normalizer and pre-tokenizer, as Hugging Face `tokenizers` defines them.
 *
 * The JS engine answers most questions (`\p{P}`, `\p{Mn}`, `normalize("NFD")`), but HF's Rust code
 * looks some of them up in tables of an older Unicode version than the engine's. Characters
 * assigned or re-classified since then behave differently, so they are listed here. The lists
 * state what HF does for those code points (not a delta against one engine), so they stay right on
 * any engine whose Unicode version is at least HF's; test/tokenization/unicode.test.ts checks all
 * 1,112,064 scalar values against the `tokenizers` package.
 */

/** Parses "0x41-0x5a 0x61" into sorted [start, end] pairs. */
function ranges(spec: string): Array<[number, number]> {
  return spec.split(/\s+/).filter(Boolean).map((part) => {
    const [a, b] = part.split("-");
    return [parseInt(a, 16), parseInt(b ?? a, 16)];
  });
}

function inRanges(table: Array<[number, number]>, cp: number): boolean {
  let lo = 0;
  let hi = table.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < table[mid][0]) hi = mid - 1;
    else if (cp > table[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Format characters (Cf) newer than HF's tables: HF keeps them instead of dropping them as control. */
const NOT_CONTROL = ranges("0x890-0x891 0x8e2 0x110cd 0x13430-0x1343f");

/**
 * Marks newer than HF's tables (or re-classified away from Mn): with accent stripping HF keeps them
 * unchanged, and since HF lowercases them to themselves too, they pass through untouched.
 */
const KEPT_WHEN_STRIPPING = ranges(`0x7fd 0x890-0x891 0x897-0x89f 0x8ca-0x8e2 0x9fe 0xafa-0xaff 0xb55 0xc04 0xc3c
  0xd00 0xd3b-0xd3c 0xd81 0xeba 0xece 0x180f 0x1885-0x1886 0x1abf-0x1add 0x1ae0-0x1aeb 0x1df6-0x1dfb 0xa82c
  0xa8c5 0xa8ff 0xa9bd 0x105c9 0x105e4 0x10d24-0x10d27 0x10d69-0x10d6d 0x10eab-0x10eac 0x10efa-0x10eff
  0x10f46-0x10f50 0x10f82-0x10f85 0x11070 0x11073-0x11074 0x110c2 0x110cd 0x111c9 0x111cf 0x1123e 0x11241
  0x1133b 0x11383 0x11385 0x1138e 0x11391 0x113bb-0x113c0 0x113c5 0x113c7-0x113c8 0x113ce 0x113d0 0x113d2
  0x113e1-0x113e2 0x11438-0x1143f 0x11442-0x11444 0x11446 0x1145e 0x1182f-0x11837 0x11839-0x1183a 0x11938
  0x1193b-0x1193c 0x1193e 0x11943 0x119d4-0x119d7 0x119da-0x119db 0x119e0 0x11a01-0x11a0a 0x11a33-0x11a38
  0x11a3b-0x11a3e 0x11a47 0x11a51-0x11a56 0x11a59-0x11a5b 0x11a8a-0x11a96 0x11a98-0x11a99 0x11b60
  0x11b62-0x11b64 0x11b66 0x11c30-0x11c36 0x11c38-0x11c3d 0x11c3f 0x11c92-0x11ca7 0x11caa-0x11cb0
  0x11cb2-0x11cb3 0x11cb5-0x11cb6 0x11d31-0x11d36 0x11d3a 0x11d3c-0x11d3d 0x11d3f-0x11d45 0x11d47
  0x11d90-0x11d91 0x11d95 0x11d97 0x11ef3-0x11ef4 0x11f00-0x11f01 0x11f36-0x11f3a 0x11f40 0x11f42 0x11f5a
  0x13430-0x13440 0x13447-0x13455 0x1611e-0x16129 0x1612d-0x1612f 0x16d68-0x16d6a 0x16f4f 0x16fe4
  0x1cf00-0x1cf2d 0x1cf30-0x1cf46 0x1e000-0x1e006 0x1e008-0x1e018 0x1e01b-0x1e021 0x1e023-0x1e024
  0x1e026-0x1e02a 0x1e08f 0x1e130-0x1e136 0x1e2ae 0x1e2ec-0x1e2ef 0x1e4ec-0x1e4ef 0x1e5ee-0x1e5ef 0x1e6e3
  0x1e6e6 0x1e6ee-0x1e6ef 0x1e6f5 0x1e944-0x1e94a`);

/** Spacing marks that HF's tables still call Mn, so accent stripping drops them. */
const DROPPED_WHEN_STRIPPING = ranges("0x1734 0x1171e");

/**
 * Combining marks whose canonical combining class HF's (older) NFD tables do not know: for HF they
 * are starters, so canonical reordering does not move them.
 */
const NOT_REORDERED = ranges(`0x7fd 0x897-0x89f 0x8ca-0x8d3 0x9fe 0xc3c 0xd3b-0xd3c 0xeba 0x1715 0x1abf-0x1add
  0x1ae0-0x1aeb 0x1df6-0x1dfa 0xa82c 0x10d24-0x10d27 0x10d69-0x10d6d 0x10eab-0x10eac 0x10efa-0x10efb
  0x10efd-0x10eff 0x10f46-0x10f50 0x10f82-0x10f85 0x11070 0x1133b 0x113ce-0x113d0 0x1145e 0x11839-0x1183a
  0x1193d-0x1193e 0x11943 0x119e0 0x11a34 0x11a47 0x11a99 0x11d42 0x11d44-0x11d45 0x11d97 0x11f41-0x11f42
  0x1612f 0x16ff0-0x16ff1 0x1e08f 0x1e130-0x1e136 0x1e2ae 0x1e2ec-0x1e2ef 0x1e4ec-0x1e4ef 0x1e5ee-0x1e5ef
  0x1e6e3 0x1e6e6 0x1e6ee-0x1e6ef 0x1e6f5`);

/** Whether HF's NFD would reorder cp (a nonzero combining class it knows). */
export function isReorderedMark(cp: number): boolean {
  if (cp < 0x300 || inRanges(NOT_REORDERED, cp)) return false;
  const c = String.fromCodePoint(cp);
  if (c.normalize("NFD") !== c) return false;
  const reorders = (x: string): boolean => x.normalize("NFD") !== x;
  // U+0301 has class 230 and U+0316 class 220: any other nonzero class reorders against one of them.
  return reorders(c + "\u0301") || reorders("\u0301" + c) || reorders(c + "\u0316");
}

/** Punctuation (P*) newer than HF's tables: HF does not split on it. */
const NOT_PUNCTUATION = ranges(`0x61d 0x9fd 0xa76 0xc77 0xc84 0x1b4e-0x1b4f 0x1b7d-0x1b7f 0x2e43-0x2e4f
  0x2e52-0x2e5d 0x10d6e 0x10ead 0x10ed0 0x10f55-0x10f59 0x10f86-0x10f89 0x113d4-0x113d5 0x113d7-0x113d8
  0x1144b-0x1144f 0x1145a-0x1145b 0x1145d 0x11660-0x1166c 0x116b9 0x1183b 0x11944-0x11946 0x119e2
  0x11a3f-0x11a46 0x11a9a-0x11a9c 0x11a9e-0x11aa2 0x11b00-0x11b09 0x11be1 0x11c41-0x11c45 0x11c70-0x11c71
  0x11ef7-0x11ef8 0x11f43-0x11f4f 0x11fff 0x12ff1-0x12ff2 0x16d6d-0x16d6f 0x16e97-0x16e9a 0x16fe2 0x1e5ff
  0x1e95e-0x1e95f`);

/** Characters HF's tables still call punctuation though Unicode no longer does. */
const EXTRA_PUNCTUATION = ranges("0x166d 0x111c9");

const CONTROL_RE = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u;
const WHITE_SPACE_RE = /^\p{White_Space}$/u;
const PUNCTUATION_RE = /^\p{P}$/u;
const NONSPACING_MARK_RE = /^\p{Mn}$/u;

/** Dropped by clean_text: NUL, U+FFFD, and control/format/private-use characters other than \t \n \r. */
export function isRemovedControl(cp: number): boolean {
  if (cp === 0 || cp === 0xfffd) return true;
  if (cp === 9 || cp === 10 || cp === 13) return false;
  // Lone surrogates reach HF as U+FFFD (the N-API string conversion replaces them), so they go too.
  if (cp >= 0xd800 && cp <= 0xdfff) return true;
  return CONTROL_RE.test(String.fromCodePoint(cp)) && !inRanges(NOT_CONTROL, cp);
}

/** Rust's `char::is_whitespace` (Unicode White_Space); clean_text also maps these to a space. */
export function isWhitespace(cp: number): boolean {
  if (cp === 9 || cp === 10 || cp === 13 || cp === 32) return true;
  if (cp < 128) return cp === 11 || cp === 12;
  return WHITE_SPACE_RE.test(String.fromCodePoint(cp));
}

/** ASCII punctuation (33–47, 58–64, 91–96, 123–126) or Unicode P* as HF's tables have it. */
export function isPunctuation(cp: number): boolean {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
    return true;
  }
  if (cp < 128) return false;
  if (inRanges(EXTRA_PUNCTUATION, cp)) return true;
  return PUNCTUATION_RE.test(String.fromCodePoint(cp)) && !inRanges(NOT_PUNCTUATION, cp);
}

/**
 * The CJK Unified Ideograph blocks BERT isolates. HF's table starts Extension C's neighbour at
 * U+2B920 where Google's starts at U+2B820; we follow HF.
 */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/**
 * What strip-accents-then-lowercase makes of one character: NFD, drop nonspacing marks, then
 * lowercase each remaining character on its own (HF lowercases per char, so no final-sigma rule).
 */
export function stripAndLowercase(cp: number, strip: boolean, lower: boolean): string {
  const ch = String.fromCodePoint(cp);
  if (strip && inRanges(KEPT_WHEN_STRIPPING, cp)) return ch;
  const decomposed = strip ? ch.normalize("NFD") : ch;
  let out = "";
  for (const c of decomposed) {
    const d = c.codePointAt(0) as number;
    if (strip && (inRanges(DROPPED_WHEN_STRIPPING, d) || (NONSPACING_MARK_RE.test(c) && !inRanges(KEPT_WHEN_STRIPPING, d)))) {
      continue;
    }
    out += lower ? c.toLowerCase() : c;
  }
  return out;
}
