import * as Flags from '@oclif/core/flags'

import {EgovError, InvalidInput} from '../core/errors.js'
import {type Locale, t} from '../core/i18n/index.js'
import {checkOutput} from '../core/io/output-file.js'

/** --force, the same on every command that writes a file (--out, --p12, --svg). */
export const forceFlag = Flags.boolean({description: 'replace a file already at the output path without asking (off a terminal, an existing file is refused without it)'})

/**
 * Before any work, for every file the command will write (by the flag it came from): the
 * folder exists (exit 2 naming it), and a file already there is replaced only with --force
 * or a yes at the prompt on a terminal; off a terminal, exit 2 naming the file and --force,
 * nothing written. The writers themselves write through a temporary file (src/core/io/output-file.ts).
 */
export async function readyToWrite(files: Record<string, string | string[] | undefined>, options: {force?: boolean; interactive: boolean; locale: Locale}): Promise<void> {
  for (const [field, value] of Object.entries(files)) {
    for (const path of value === undefined ? [] : Array.isArray(value) ? value : [value]) {
      try {
        checkOutput(path, {field, force: options.force})
      } catch (error) {
        if (!(error instanceof EgovError) || error.key !== 'io.out.exists' || !options.interactive) throw error
        const {confirm} = await import('@inquirer/prompts')
        if (!(await confirm({message: `${t('io.out.replace', {path}, options.locale)}?`, default: false}))) throw new InvalidInput('input.cancelled', {}, {field: 'force'})
      }
    }
  }
}
