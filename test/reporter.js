// mocha's spec reporter, plus a machine-readable count for .ci/run.
// CI reads "N passed, N failed" from .ci/run, which takes it from this file.
const fs = require("node:fs");
const Mocha = require("mocha");
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const out = process.env.BERTLAB_TEST_SUMMARY;
      if (!out) return;
      const { passes, failures, pending } = runner.stats;
      fs.writeFileSync(out, JSON.stringify({ passes, failures, pending }));
    });
  }
}
module.exports = SpecWithSummary;
