// Read at run time so src/package.json stays the single source of the version.
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const version: string = (require("bertlab/package.json") as { version: string }).version;
