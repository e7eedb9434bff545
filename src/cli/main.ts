/**
 * `npx bertlab <command>`: one entry point, one module per command.
 * Commands are loaded lazily so `bertlab run` does not pay for TensorFlow.js.
 */
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Command> = {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  info: () => require("./info").command as Command,
  run: () => require("./run").command as Command,
  download: () => require("./download").command as Command,
  pretrain: () => require("./pretrain").command as Command,
  finetune: () => require("./finetune").command as Command,
  eval: () => require("./eval").command as Command,
  predict: () => require("./predict").command as Command,
  link: () => require("./link").command as Command,
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, load]) => `  ${name.padEnd(10)} ${load().summary}`);
  return ["usage: bertlab <command> [options]", "", "commands:", ...lines, "", "Run `bertlab <command> --help` for a command's options."].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`bertlab: unknown command "${name}". Known commands: ${Object.keys(COMMANDS).join(", ")}.`);
    return 2;
  }
  return load().run(rest);
}

/** Runs the CLI with this process's arguments and sets the exit code; called by bin/bertlab.js. */
export function runCli(argv: string[] = process.argv.slice(2)): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`bertlab: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) runCli();
