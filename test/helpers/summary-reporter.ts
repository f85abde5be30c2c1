import type {Reporter, TestModule} from 'vitest/node'

/**
 * Ends the run with one plain line, "tests: N passed, N failed, N skipped", that CI and
 * people read without knowing vitest's own summary format, then the suite's wall time and
 * its slowest files (issue 17: the pyramid is measured where it runs).
 */
export default class SummaryLine implements Reporter {
  private started = Date.now()

  onTestRunStart(): void {
    this.started = Date.now()
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    let failedSuites = 0
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++
      // A suite whose beforeAll/afterAll threw: its tests are reported skipped, the run fails.
      for (const suite of [module, ...module.children.allSuites()]) if (suite.errors().length > 0) failedSuites++
    }
    const suites = failedSuites === 0 ? '' : `; ${failedSuites} ${failedSuites === 1 ? 'suite' : 'suites'} failed in a hook (see "Failed Suites" above)`
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped${suites}\n`)
    const slowest = [...testModules]
      .map((m) => ({file: m.moduleId.replace(`${process.cwd()}/`, ''), s: m.diagnostic().duration / 1000}))
      .sort((a, b) => b.s - a.s)
      .slice(0, 5)
    process.stdout.write(`wall time: ${((Date.now() - this.started) / 1000).toFixed(0)} s; slowest files (their tests' own time): ${slowest.map((m) => `${m.file} ${m.s.toFixed(0)} s`).join(', ')}\n`)
  }
}
