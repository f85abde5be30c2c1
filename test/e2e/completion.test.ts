import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'

/**
 * Shell completion (issue 19): the scripts egov prints are loaded into a real bash and a
 * real zsh, and their completion function is asked what follows, as the shell would.
 */
describe('egov completion', () => {
  const dir = mkdtempSync(join(tmpdir(), 'egov-completion-'))
  const script = async (shell: 'bash' | 'zsh') => {
    const r = await egov(['completion', shell], isolatedHome())
    expect(r.code, r.stderr).toBe(0)
    const path = join(dir, shell)
    writeFileSync(path, r.stdout)
    return path
  }

  it('bash: topics, commands, flags and a flag’s fixed values', async () => {
    const path = await script('bash')
    const ask = (...words: string[]) =>
      execFileSync('bash', ['-c', `source ${path}; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _egov_complete; echo "\${COMPREPLY[*]}"`, 'bash', ...words], {encoding: 'utf8'}).trim()
    expect(ask('egov', '').split(' ')).toEqual(expect.arrayContaining(['units', 'net', 'cloud', 'cert', 'items', 'kiosk', 'requests']))
    expect(ask('egov', 'un')).toBe('units')
    expect(ask('egov', 'units', '')).toBe('add edit list show')
    expect(ask('egov', 'units', 'add', '市数据局', '--b')).toBe('--budget')
    expect(ask('egov', 'units', 'add', '市数据局', '--budget', '')).toBe('city self')
    expect(ask('egov', 'net', 'pool', 'add', '10.0.0.0/16', '--plane', '')).toBe('1 2')
    expect(ask('egov', 'requests', 'approve', '1', '--')).toContain('--expect')
  })

  const zsh = existsSync('/usr/bin/zsh') || existsSync('/bin/zsh')
  if (!zsh) console.warn('NOTICE: zsh is not installed: the zsh completion test is skipped (apt-get install zsh)')
  it.skipIf(!zsh)('zsh: the same completions through compadd', async () => {
    const path = await script('zsh')
    const ask = (...words: string[]) =>
      execFileSync('zsh', ['-f', '-c', `source ${path}; compadd() { shift; print -r -- "$*" }; words=("$@"); CURRENT=\${#words}; _egov`, 'zsh', ...words], {encoding: 'utf8'}).trim()
    expect(ask('egov', 'units', '')).toBe('add edit list show')
    expect(ask('egov', 'units', 'add', 'x', '--budget', '')).toBe('city self')
    expect(ask('egov', 'cloud', 'system', '')).toBe('list migrate show')
  })

  it('an unknown shell is exit 2 naming the choices', async () => {
    const r = await egov(['completion', 'fish'], isolatedHome())
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('bash, zsh')
  })
})
