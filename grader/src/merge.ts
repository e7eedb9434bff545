/**
 * `bertlab-grader merge <shard-out>... --out <dir>`: one gradebook and grades.csv from the shards
 * of `grade --shard k/n`. Shards must come from the same assignment; a notebook graded in two
 * shards is an error unless both results agree. Students (with roster names), overrides, manual
 * grades and the late policy travel with the grades.
 */
import { mkdir } from "fs/promises";
import path from "path";
import { Gradebook, type SubmissionRecord } from "./gradebook";
import { writeCsv } from "./report";

export interface MergeSummary {
  notebooks: number;
  csv: string;
  gradebook: string;
}

function same(a: SubmissionRecord, b: SubmissionRecord): boolean {
  return a.score === b.score && a.rows.length === b.rows.length && a.rows.every((r, i) => r.gradeId === b.rows[i].gradeId && r.status === b.rows[i].status && r.points === b.rows[i].points);
}

export async function merge(shardDirs: string[], outDir: string): Promise<MergeSummary> {
  if (shardDirs.length === 0) throw new Error("merge: give at least one shard output folder");
  await mkdir(outDir, { recursive: true });
  const target = new Gradebook(path.join(outDir, "gradebook.sqlite"));
  try {
    const seen = new Map<string, { record: SubmissionRecord; from: string }>();
    for (const dir of shardDirs) {
      const file = path.join(dir, "gradebook.sqlite");
      let shard: Gradebook;
      try {
        shard = new Gradebook(file, { readonly: true });
      } catch (e) {
        throw new Error(`merge: ${file}: cannot open (${(e as Error).message})`);
      }
      try {
        const fingerprint = shard.getMeta("assignment");
        if (!fingerprint) throw new Error(`merge: ${file} has no assignment fingerprint; is it a bertlab-grader gradebook?`);
        target.bindAssignment(fingerprint);
        const policy = shard.latePolicy();
        if (policy) target.setLatePolicy(policy);
        for (const student of shard.students()) target.saveStudent(student);
        for (const adjustment of shard.adjustments()) target.db
          .prepare("INSERT OR REPLACE INTO adjustments (submission, notebook, grade_id, kind, points, reason, by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
          .run(adjustment.submission, adjustment.notebook, adjustment.gradeId, adjustment.kind, adjustment.points, adjustment.reason, adjustment.by, adjustment.at);
        for (const record of shard.records()) {
          const key = `${record.submission}\0${record.notebook}`;
          const prior = seen.get(key);
          if (prior && !same(prior.record, record)) {
            throw new Error(`merge: ${record.submission}/${record.notebook} was graded differently in ${prior.from} and ${dir}`);
          }
          seen.set(key, { record, from: dir });
          target.save(record);
        }
      } finally {
        shard.close();
      }
    }
    const csv = path.join(outDir, "grades.csv");
    await writeCsv(csv, target.rows());
    return { notebooks: seen.size, csv, gradebook: target.file };
  } finally {
    target.close();
  }
}
