/**
 * Process-wide error handlers that come with the wasm backend, and what bertlab does about them.
 *
 * tfjs-backend-wasm's Emscripten glue, when its module starts in Node, adds
 *   process.on("uncaughtException", (ex) => { if (!(ex instanceof ExitStatus)) throw ex; })
 *   process.on("unhandledRejection", (reason) => { throw reason; })
 * and never removes them. Inside a tslab kernel, where tslab's own handlers print the error and keep the kernel
 * alive (as IPython does), they turn one stray rejection into the death of the kernel. Outside a kernel they only
 * duplicate what Node does by default (print and exit), so removing them changes nothing there: a CLI run or a
 * script still fails loudly on a real bug.
 */

const EVENTS = ["uncaughtException", "unhandledRejection"] as const;
type Listener = (...args: unknown[]) => void;

/** Emscripten's two handlers, recognised by their source (they are anonymous). */
export function isEmscriptenRethrow(listener: Listener): boolean {
  const source = Function.prototype.toString.call(listener).replace(/\s+/g, " ");
  return /^function ?\(reason\) ?\{ ?throw reason;? ?\}$/.test(source) || /instanceof ExitStatus\)\) ?\{ ?throw ex;? ?\}/.test(source);
}

/** True inside a tslab kernel process (`node .../tslab/bin/tslab kernel ...`). */
export function inTslabKernel(argv: readonly string[] = process.argv): boolean {
  return argv.some((a) => /[\\/]tslab[\\/]bin[\\/]tslab$/.test(a)) && argv.includes("kernel");
}

/**
 * Runs `start` (which may start Emscripten's module) and then removes the rethrowing handlers it added.
 * Handlers that were there before, or that anyone else added meanwhile, are left alone.
 */
export async function withoutEmscriptenHandlers<T>(start: () => Promise<T>): Promise<T> {
  const before = new Map(EVENTS.map((event) => [event, new Set(process.listeners(event as "uncaughtException"))]));
  try {
    return await start();
  } finally {
    removeEmscriptenHandlers(before);
  }
}

function removeEmscriptenHandlers(before: Map<string, Set<unknown>>): void {
  for (const event of EVENTS) {
    for (const listener of process.listeners(event as "uncaughtException") as Listener[]) {
      if (!before.get(event)?.has(listener) && isEmscriptenRethrow(listener)) process.removeListener(event, listener);
    }
  }
  // A kernel whose own handlers are missing (an unpatched or other kernel) still must not die of a stray rejection.
  if (inTslabKernel() && process.listenerCount("unhandledRejection") === 0) {
    process.on("unhandledRejection", (reason) => {
      const text = reason instanceof Error ? reason.stack ?? String(reason) : String(reason);
      process.stderr.write(`\u001b[0;31mUnhandled promise rejection\u001b[0m (the kernel keeps running):\n${text}\n`);
    });
  }
}
