#!/usr/bin/env node
// A committed shim, so the bin link is valid before `tsc` has produced dist/.
require("../dist/cli/main.js").runCli();
