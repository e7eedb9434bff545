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

if (require.main === module || process.argv[1]?.endsWith("bertlab.js")) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`bertlab: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
