import type {Hook} from '@oclif/core/hooks'

import {EXIT_CODES} from '../core/errors.js'
import {detectLocale, t} from '../core/i18n/index.js'
import {nearest} from '../core/nearest.js'

/**
 * An unknown command (`egov cloud foo`, `egov units lst`) fails like every other bad
 * input: exit 2, a message in the user's language with the nearest command, and with
 * --json the error envelope on stdout, so a script never gets an empty stdout.
 */
const hook: Hook<'command_not_found'> = function (options) {
  const locale = detectLocale()
  const command = options.id.replaceAll(':', ' ')
  const ids = [...options.config.commandIDs, ...options.config.topics.map((topic) => topic.name)]
  const near = nearest(options.id, ids)
  const suggestion = near ? `${options.config.bin} ${near.replaceAll(':', ' ')}` : undefined
  const key = suggestion ? 'input.unknownCommandNear' : 'input.unknownCommand'
  const message = t(key, {command: `${options.config.bin} ${command}`, suggestion}, locale)
  process.exitCode = EXIT_CODES.invalid_input
  if (options.argv?.includes('--json')) {
    const details = {key: 'input.unknownCommand', field: 'COMMAND', command, ...(suggestion ? {suggestion} : {})}
    process.stdout.write(JSON.stringify({error: {code: 'invalid_input', message, details}}) + '\n')
    return Promise.resolve()
  }
  const first = command.split(' ')[0]!
  const helpFor = near ? near.replaceAll(':', ' ') : ids.includes(first) ? first : ''
  const hint = t('error.hintHelp', {command: helpFor}, locale).replace('  ', ' ')
  process.stderr.write(`${t('label.error', {}, locale)}: ${message}\n${hint}\n`)
  return Promise.resolve()
}

export default hook
