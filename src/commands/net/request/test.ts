import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {parseWholeNumber} from '../../../core/dates.js'
import {InvalidInput} from '../../../core/errors.js'
import {type ConnectionRequest, type ProbeRecord, recordBusinessTest} from '../../../core/net/index.js'
import {parseProbeTarget, runProbes} from '../../../core/probe/index.js'
import {parseRequestId, type WorkflowResult} from '../../../core/workflow/index.js'

export default class NetRequestTest extends EgovCommand<typeof NetRequestTest> {
  static override summary = 'The business test (业务测试): probe the unit’s services, or record its own result (NET-5)'
  static override description = `--probe runs each target — http(s)://… (status, latency, TLS problems such as a self-signed certificate) or tcp://host:port (connect time) — and records every result on the request. All must pass for the request to go in service; a failing test is recorded and the request stays implemented, to be tested again. --result pass|fail --note records a test the unit ran itself.`
  static override examples = [
    '<%= config.bin %> net request test 3 --probe http://127.0.0.1:8080/ --probe tcp://127.0.0.1:22 --timeout 2',
    '<%= config.bin %> net request test 3 --result pass --note "单位自测：业务系统访问正常"',
  ]

  static override args = {id: Args.string({description: 'request number', required: true})}

  static override flags = {
    probe: Flags.string({description: 'a target to probe (repeatable)', multiple: true}),
    timeout: Flags.string({description: 'seconds per probe', default: '5'}),
    concurrency: Flags.string({description: 'probes at once', default: '4'}),
    result: Flags.string({description: 'record a manual test instead', options: ['pass', 'fail']}),
    note: Flags.string({description: 'what was tested'}),
  }

  async run(): Promise<WorkflowResult<ConnectionRequest> & {passed: boolean; probes?: ProbeRecord[]}> {
    const f = this.flags
    const id = parseRequestId(this.args.id)
    if (Boolean(f.probe?.length) === Boolean(f.result)) throw new InvalidInput('netreq.oneTest', {}, {field: 'probe'})
    const store = await this.store()
    let result: WorkflowResult<ConnectionRequest> & {passed: boolean}
    let probes: ProbeRecord[] | undefined
    if (f.probe?.length) {
      for (const target of f.probe) parseProbeTarget(target)
      const timeoutMs = parseWholeNumber(f.timeout, 'timeout', {min: 1, max: 600}) * 1000
      const concurrency = parseWholeNumber(f.concurrency, 'concurrency', {min: 1, max: 64})
      const progress = this.progress('probes')
      const ran = await runProbes(f.probe, {timeoutMs, concurrency})
      progress.stop()
      probes = ran.map((p) => ({target: p.target, ok: p.ok, status: p.status, latencyMs: p.latencyMs, error: p.error, errorCode: p.errorCode}))
      for (const p of probes) this.log(`${p.ok ? this.color.green('✓') : this.color.red('✗')} ${p.target}  ${p.status ?? ''} ${p.latencyMs ?? ''} ms ${p.error ?? ''}`.trimEnd())
      result = await recordBusinessTest(store, id, {method: 'probe', passed: probes.every((p) => p.ok), probes, note: f.note})
    } else {
      result = await recordBusinessTest(store, id, {method: 'manual', passed: f.result === 'pass', note: f.note})
    }
    this.log(this.t(result.passed ? 'netreq.testPassed' : 'netreq.testFailed', {id}))
    return {...result, ...(probes ? {probes} : {})}
  }
}
