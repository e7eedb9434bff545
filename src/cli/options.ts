import { parseArgs, type ParseArgsConfig } from "node:util";

/** Number options of the CLI commands, parsed once: a bad value names its flag. */
export function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got "${value}"`);
  return n;
}

export function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got "${value}"`);
  return n;
}

/** The `options` of node's parseArgs: each long option's type, and optionally multiple, short and default. */
type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;

/** The options of `O` that take a value, the only ones that can be required. */
type StringOption<O extends OptionsConfig> = { [K in keyof O]: O[K]["type"] extends "string" ? K : never }[keyof O] & string;

/** The options of `O` with a default: parseArgs always sets them. */
type DefaultedOption<O extends OptionsConfig> = { [K in keyof O]: O[K] extends { default: NonNullable<unknown> } ? K : never }[keyof O];

/** What node's own parseArgs returns for these options (values typed from `O`; positionals `[]` unless allowed). */
type NodeParsed<O extends OptionsConfig, P extends boolean> = ReturnType<typeof parseArgs<{ args: string[]; options: O & typeof HELP_OPTION; allowPositionals: P; strict: true }>>;

/** parseArgs' values, with the required and the defaulted options known to be set. */
export type CommandValues<O extends OptionsConfig, R extends StringOption<O> = never, P extends boolean = false> = Defined<NodeParsed<O, P>["values"], R | DefaultedOption<O>>;

type Defined<V, K extends PropertyKey> = V & { [S in K & keyof V]: NonNullable<V[S]> };

export interface CommandSpec<O extends OptionsConfig, R extends StringOption<O>, P extends boolean> {
  /** The command's name, as in `bertlab <command>`: every usage error starts `bertlab <command>: `. */
  command: string;
  /** Printed to stdout by --help / -h, and to stderr after a usage error; a function is called only then. */
  help: string | (() => string);
  /** parseArgs' options; --help / -h is added. */
  options: O;
  /** Options that must be given, each with the placeholder its error names: `{ model: "DIR" }` → "--model DIR is required". */
  required?: { readonly [K in R]: string };
  /** Whether the command takes positional arguments (default false: one is a usage error). */
  allowPositionals?: P;
}

/** Either the parsed command line, or the exit code of a command that has already answered (--help, a usage error). */
export type ParsedCommand<O extends OptionsConfig, R extends StringOption<O> = never, P extends boolean = false> =
  | { values: CommandValues<O, R, P>; positionals: NodeParsed<O, P>["positionals"] }
  | { exitCode: number };

/**
 * Parses a command's argv with node's parseArgs (strict), the way every `bertlab` command does:
 * --help / -h prints the help and gives exit code 0; an unknown option, a missing or unexpected value,
 * an unexpected positional argument or a missing required option prints one line naming the command
 * and the option, then the help, to stderr, and gives exit code 2. Otherwise returns the values, typed
 * from the options; required and defaulted options are never undefined.
 *
 *   const parsed = parseCommand(argv, { command: "eval", help: HELP, options: { model: { type: "string" } }, required: { model: "DIR" } });
 *   if ("exitCode" in parsed) return parsed.exitCode;
 *   parsed.values.model; // string
 */
export function parseCommand<O extends OptionsConfig, R extends StringOption<O> = never, P extends boolean = false>(
  argv: string[],
  spec: CommandSpec<O, R, P>,
): ParsedCommand<O, R, P> {
  const options: OptionsConfig = { ...spec.options, ...HELP_OPTION };
  const allowPositionals = spec.allowPositionals ?? false;
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    return { exitCode: usageError(spec.command, explain(argv, options, allowPositionals, error), spec.help) };
  }
  if (parsed.values.help) {
    console.log(text(spec.help));
    return { exitCode: 0 };
  }
  const required: Readonly<Record<string, string>> = spec.required ?? {};
  for (const [name, placeholder] of Object.entries(required)) {
    if (!parsed.values[name]) return { exitCode: usageError(spec.command, `--${name} ${placeholder} is required`, spec.help) };
  }
  // parseArgs ran on exactly these options, so its values and positionals have the types node's declarations give them.
  return parsed as { values: CommandValues<O, R, P>; positionals: NodeParsed<O, P>["positionals"] };
}

/** Prints `bertlab <command>: <message>` (then a blank line and the help, if given) to stderr; returns exit code 2. */
export function usageError(command: string, message: string, help?: string | (() => string)): 2 {
  console.error(`bertlab ${command}: ${message}` + (help === undefined ? "" : `\n\n${text(help)}`));
  return 2;
}

function text(help: string | (() => string)): string {
  return typeof help === "function" ? help() : help;
}

function isParseArgsError(error: unknown): error is Error {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS_");
}

/** One line naming what parseArgs rejected: found again in its tokens, as its own messages differ across node versions. */
function explain(argv: string[], options: OptionsConfig, allowPositionals: boolean, error: Error): string {
  const { tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind === "positional" && !allowPositionals) return `unexpected argument "${token.value}" (this command takes none)`;
    if (token.kind !== "option") continue;
    const declared = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (!declared) return `unknown option ${token.rawName}`;
    if (declared.type === "boolean") {
      if (token.value !== undefined) return `${token.rawName} takes no value, got "${token.rawName}=${token.value}"`;
    } else if (token.value === undefined) {
      return `${token.rawName} needs a value`;
    } else if (!token.inlineValue && token.value.length > 1 && token.value.startsWith("-")) {
      // parseArgs takes `--model --json` for a forgotten value rather than the value "--json".
      return `${token.rawName} needs a value, got the option "${token.value}" (write ${token.rawName}=${token.value} if that is the value)`;
    }
  }
  return error.message.split("\n")[0];
}
