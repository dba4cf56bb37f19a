/**
 * The Dagster snippet's parsing logic, mirrored line for line in TypeScript so a unit test can run it
 * without Dagster or Python (tests/unit/cli-check.test.ts feeds it real `anomaly-lab check --json`
 * runs). The README's "Checks against history" section shows the Python it mirrors:
 *
 * ```python
 * r = subprocess.run([...,"check", path, "--asset", name, "--history", h, "--json"], capture_output=True, text=True)
 * if r.returncode == 2:
 *     raise RuntimeError(r.stderr.strip())
 * report = json.loads(r.stdout)
 * failed = [c for c in report["checks"] if c["status"] == "failed"]
 * return AssetCheckResult(
 *     passed=report["passed"],
 *     metadata={
 *         "materializations": report["materializations"],
 *         "failed": ", ".join(c["metric"] for c in failed) or "none",
 *         "notes": "\n".join(f'{c["metric"]}: {c["note"]}' for c in failed) or "every check passed or was skipped",
 *     },
 * )
 * ```
 */

/** What the snippet hands Dagster's AssetCheckResult(passed=…, metadata=…). */
export interface AssetCheckResultShape {
  passed: boolean;
  metadata: { materializations: number; failed: string; notes: string };
}

interface CheckJson { metric: string; status: string; note: string }

/**
 * The snippet's logic: exit status 2 raises (bad input: the check could not run); otherwise the JSON
 * on stdout becomes the result. Exit status 1 (a check failed) is not an error: Dagster records a
 * failed check.
 */
export function assetCheckResult(run: { status: number | null; stdout: string; stderr: string }): AssetCheckResultShape {
  if (run.status === 2) throw new Error(run.stderr.trim());
  const report = JSON.parse(run.stdout) as { passed: boolean; materializations: number; checks: CheckJson[] };
  const failed = report.checks.filter((c) => c.status === 'failed');
  return {
    passed: report.passed,
    metadata: {
      materializations: report.materializations,
      failed: failed.map((c) => c.metric).join(', ') || 'none',
      notes: failed.map((c) => `${c.metric}: ${c.note}`).join('\n') || 'every check passed or was skipped',
    },
  };
}
