/**
 * Large classes on a real Slurm: the test starts a single-node cluster of its own (munged,
 * slurmctld -D, slurmd -D, a generated slurm.conf on 127.0.0.1, all state in a temporary folder),
 * submits grader/slurm/submit.sh (a job array of `grade --shard k/N`, then a merge job), checks that
 * the merged grades equal a single-machine run, and stops the daemons it started.
 *
 * Needs Debian's slurm-wlm and munge (.ci/apt-packages) and root (slurmd starts jobs as their user).
 */
import assert from "node:assert";
import { execFileSync, spawn, spawnSync, type ChildProcess } from "child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "fs";
import net from "net";
import os from "os";
import path from "path";
import { randomBytes } from "crypto";
import { parse } from "csv-parse/sync";
import { grade } from "../../grader/src/grade";
import { loadFixture, perfect, removeTmpDirs, tmpDir, withCell, writeSubmission } from "../grader/helpers";

const REPO = path.resolve(__dirname, "../..");
const SOLUTIONS = path.join(REPO, "test/fixtures/grader/solutions");
const TASKS = 2;

type Row = { submission: string; notebook: string; grade_id: string; points: string; max_points: string; status: string; reason: string };

function which(cmd: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(what: string, ms: number, test: () => boolean, logs: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (test()) return;
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}\n${logs()}`);
}

describe("grader on a real single-node Slurm cluster", function () {
  this.timeout(15 * 60_000);
  const daemons: ChildProcess[] = [];
  let dir = "";
  let env: NodeJS.ProcessEnv = {};
  const tail = () =>
    existsSync(path.join(dir, "log"))
      ? readdirSync(path.join(dir, "log"))
          .map((f) => `--- ${f}\n${readFileSync(path.join(dir, "log", f), "utf8").split("\n").slice(-15).join("\n")}`)
          .join("\n")
      : "";

  before(async function () {
    const missing = ["munged", "slurmctld", "slurmd", "sbatch", "sinfo", "squeue"].filter((c) => !which(c));
    if (missing.length) {
      console.log(`      skipped: ${missing.join(", ")} not installed (apt-get install slurm-wlm munge)`);
      this.skip();
    }
    if (process.getuid?.() !== 0) {
      console.log("      skipped: slurmd must run as root to start jobs");
      this.skip();
    }
    // Under /tmp of this machine, short paths: slurm and munge limit socket path lengths.
    dir = tmpDir("slurm");
    for (const sub of ["state", "spool", "log"]) mkdirSync(path.join(dir, sub));
    const key = path.join(dir, "munge.key");
    writeFileSync(key, randomBytes(1024));
    chmodSync(key, 0o600);
    const socket = path.join(dir, "munge.sock");
    const host = os.hostname().split(".")[0];
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    const conf = path.join(dir, "slurm.conf");
    writeFileSync(
      conf,
      [
        "ClusterName=bertlab-test",
        `SlurmctldHost=${host}(127.0.0.1)`,
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${slurmdPort}`,
        "SlurmUser=root",
        "SlurmdUser=root",
        "AuthType=auth/munge",
        `AuthInfo=socket=${socket}`,
        "CredType=cred/munge",
        `StateSaveLocation=${dir}/state`,
        `SlurmdSpoolDir=${dir}/spool`,
        `SlurmctldPidFile=${dir}/slurmctld.pid`,
        `SlurmdPidFile=${dir}/slurmd.pid`,
        `SlurmctldLogFile=${dir}/log/slurmctld.log`,
        `SlurmdLogFile=${dir}/log/slurmd.log`,
        // No cgroups in a CI container: plain process tracking, no task binding, no accounting.
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "JobAcctGatherType=jobacct_gather/none",
        "AccountingStorageType=accounting_storage/none",
        "SchedulerType=sched/builtin",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_CPU",
        "MpiDefault=none",
        "SwitchType=switch/none",
        "ReturnToService=2",
        // The node's real memory, so the script's own --mem-per-cpu default can be satisfied.
        `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${TASKS} RealMemory=${Math.floor(os.totalmem() / 2 ** 20) - 512} State=UNKNOWN`,
        `PartitionName=grading Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
        "",
      ].join("\n"),
    );
    env = { ...process.env, SLURM_CONF: conf };
    const start = (cmd: string, args: string[]) => {
      const p = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "ignore"] });
      daemons.push(p);
      return p;
    };
    start("munged", ["-F", "-f", `--socket=${socket}`, `--key-file=${key}`, `--log-file=${dir}/log/munged.log`, `--pid-file=${dir}/munged.pid`, `--seed-file=${dir}/munged.seed`]);
    await until("munged", 20_000, () => existsSync(socket), tail);
    start("slurmctld", ["-D", "-i"]);
    await until("slurmctld", 60_000, () => spawnSync("sinfo", ["-h"], { env }).status === 0, tail);
    start("slurmd", ["-D"]);
    await until("the node to be idle", 60_000, () => /idle/.test(spawnSync("sinfo", ["-h", "-o", "%T"], { env, encoding: "utf8" }).stdout), tail);
  });

  after(async () => {
    // Only the daemons this test started, by their pids; slurmd and slurmctld first, munged last.
    for (const p of [...daemons].reverse()) {
      if (p.exitCode === null && p.pid) {
        p.kill("SIGTERM");
        await Promise.race([new Promise((r) => p.once("exit", r)), sleep(10_000)]);
        if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
      }
    }
    removeTmpDirs();
  });

  it("grades a class as a job array plus a merge job, equal to a single-machine run", async () => {
    const { source, release } = await loadFixture();
    const subs = path.join(dir, "submissions");
    const good = perfect(source, release);
    const cases = {
      ada: good,
      ben: withCell(good, "q2-solution", "function mean(xs: number[]): number { return xs[0]; }"),
      이서연: withCell(good, "q1-solution", "function double(x: number): number { return x + 2; }"),
      dan: release,
      eve: "{ not json",
      fay: good,
    };
    for (const [student, nb] of Object.entries(cases)) writeSubmission(subs, student, nb);
    const single = path.join(dir, "single");
    const t0 = Date.now();
    const local = await grade({ submissions: subs, assignment: SOLUTIONS, out: single, jobs: TASKS, timeoutMs: 30_000, quiet: true });
    const localMs = Date.now() - t0;

    const out = path.join(dir, "cluster");
    const t1 = Date.now();
    const submitted = execFileSync(path.join(REPO, "grader/slurm/submit.sh"), [String(TASKS), subs, SOLUTIONS, out, "--timeout", "30", "--jobs", "1"], {
      env: { ...env, BERTLAB_GRADER: `${process.execPath} ${path.join(REPO, "grader/bin/bertlab-grader.js")}`, SBATCH_OPTIONS: "--cpus-per-task=1" },
      encoding: "utf8",
    });
    const [, arrayId, mergeId] = /array job (\d+) .* merge job (\d+)/.exec(submitted) ?? [];
    assert.ok(arrayId && mergeId, submitted);
    await until("the array and merge jobs", 12 * 60_000, () => spawnSync("squeue", ["-h", "-j", `${arrayId},${mergeId}`], { env, encoding: "utf8" }).stdout.trim() === "", () => `${tail()}\n${readdirSync(out).join(" ")}`);
    const clusterMs = Date.now() - t1;
    const logs = readdirSync(out).filter((f) => f.startsWith("slurm-")).map((f) => readFileSync(path.join(out, f), "utf8"));
    assert.strictEqual(logs.filter((l) => /bertlab-grade: task \d of 2 on /.test(l)).length, TASKS, logs.join("\n"));
    assert.ok(existsSync(path.join(out, "merged", "grades.csv")), `no merged grades.csv\n${logs.join("\n")}`);

    const rows = (dirName: string) => (parse(readFileSync(path.join(dirName, "grades.csv"), "utf8"), { columns: true }) as Row[]).map((r) => [r.submission, r.notebook, r.grade_id, r.points, r.max_points, r.status].join("|")).sort();
    const merged = rows(path.join(out, "merged"));
    assert.strictEqual(merged.length, Object.keys(cases).length * 3);
    assert.deepStrictEqual(merged, rows(single));
    // Each shard graded a disjoint, non-empty part of the class.
    const shardRows = [1, 2].map((k) => rows(path.join(out, `shard-${k}-of-2`)));
    assert.ok(shardRows.every((r) => r.length > 0));
    assert.strictEqual(shardRows[0].length + shardRows[1].length, merged.length);
    console.log(`      ${Object.keys(cases).length} submissions: single machine ${(localMs / 1000).toFixed(1)} s with ${local.jobs} kernels; Slurm (2 tasks × 1 cpu, incl. scheduling and merge) ${(clusterMs / 1000).toFixed(1)} s; mean ${(local.notebookMs.reduce((a, b) => a + b, 0) / local.notebookMs.length / 1000).toFixed(2)} s per notebook`);
  });
});
