// Counting a vitest run from its JSON reporter file (jest-compatible format).
import { readFileSync } from 'node:fs';

/** vitest args that keep the normal console output and also write JSON to `file`. */
export function reporterArgs(file) {
  return ['--reporter=default', '--reporter=json', `--outputFile=${file}`];
}

/**
 * Counts for one suite: { name, passed, failed, skipped, notes[] }.
 * A test file that failed without any failed test (import error, failing
 * hook) counts as one failure, and so does a non-zero exit status that the
 * counts do not explain (unhandled errors) or a missing report (the suite
 * could not run at all).
 */
export function countSuite(name, file, exitStatus) {
  const c = { name, passed: 0, failed: 0, skipped: 0, notes: [] };
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    c.failed = 1;
    c.notes.push(`${name} suite did not run (exit status ${exitStatus}, no report)`);
    return c;
  }
  for (const f of report.testResults ?? []) {
    let fileFailed = 0;
    for (const t of f.assertionResults ?? []) {
      if (t.status === 'passed') c.passed++;
      else if (t.status === 'failed') (c.failed++, fileFailed++);
      else c.skipped++; // skipped, pending, todo
    }
    if (f.status === 'failed' && fileFailed === 0) {
      c.failed++;
      c.notes.push(`${name}: ${f.name} failed outside any test: ${firstLine(f.message)}`);
    }
  }
  if (exitStatus !== 0 && c.failed === 0) {
    c.failed = 1;
    c.notes.push(`${name} suite exited with status ${exitStatus} without a failed test (see its output)`);
  }
  if (exitStatus === 0 && c.passed + c.failed + c.skipped === 0) c.notes.push(`${name} suite ran no test`);
  return c;
}

function firstLine(s) {
  return String(s ?? '').trim().split('\n')[0] || 'no message';
}
