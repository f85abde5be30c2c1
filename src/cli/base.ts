import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import type {Interfaces} from '@oclif/core'
import type {ChalkInstance} from 'chalk'

import {auditKeyPath} from '../core/audit/key-path.js'
import {chinaDate, currentAsOf, parseAsOf, setAsOf} from '../core/clock.js'
import {readUserConfig, resolveOperator} from '../core/config/index.js'
import {EgovError, EXIT_CODES, InvalidInput} from '../core/errors.js'
import {columnKey, detectLocale, type Locale, Localized, type MessageKey, t} from '../core/i18n/index.js'
import type {Store} from '../core/store/index.js'
import {DEFAULT_LOCK_WAIT_SECONDS, isPgLockTimeout, isSqliteBusy, lockTimeout} from '../core/store/lock.js'
import {nearest} from '../core/nearest.js'
import {permitFor} from '../core/operators/roles.js'
import {printableOutput} from '../core/text.js'
import type {AnyKind} from '../core/workflow/index.js'
import {parseErrorReport} from './parse-errors.js'
import {printProblems} from './problems.js'
import {createProgress, type Progress, progressAllowed} from './progress.js'
import {type Column, type OutputFormat, renderRows, renderTable} from './table.js'

export type FlagsOf<T extends typeof Command> = Interfaces.InferredFlags<(typeof EgovCommand)['baseFlags'] & T['flags']>
export type ArgsOf<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** A ChalkInstance stand-in that styles nothing, for output that is not a colour terminal. */
const plain: ChalkInstance = new Proxy((() => {}) as unknown as ChalkInstance, {
  get: (_target, prop) => (prop === 'level' ? 0 : plain),
  apply: (_target, _this, args: unknown[]) => args.join(' '),
})

interface Warning {
  message: string
}

/**
 * The one base every egov command extends. It owns what all commands share: --json and
 * the error envelope, exit codes, the user's language, colour, tables, prompts for what
 * is missing (on a terminal only), confirmation of destructive actions, progress, and
 * the store. A command declares flags, calls one core function and renders its result.
 */
export abstract class EgovCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  /** --as-of, for the reading commands that show what is due or expiring (issue 18): spread into their flags. */
  static asOfFlags = {
    'as-of': Flags.string({description: 'rehearse a day: what will be overdue or expiring then (YYYY-MM-DD, or an ISO date-time); on any database, writing nothing', helpValue: 'DATE'}),
  }

  static override baseFlags = {
    db: Flags.string({
      description: 'SQLite database file [default: egov.db in the data directory]. EGOV_DATABASE_URL=postgres://… uses PostgreSQL instead.',
      env: 'EGOV_DB',
      helpGroup: 'GLOBAL',
    }),
  }

  protected flags!: FlagsOf<T>
  protected args!: ArgsOf<T>
  /** Every positional argument, for commands that take several (strict = false). */
  protected positionals: string[] = []
  protected readonly locale: Locale = detectLocale()
  /** Colour on a terminal only, never with NO_COLOR; chalk is not even loaded otherwise. */
  protected color: ChalkInstance = plain
  private openedStore?: Store

  override async init(): Promise<void> {
    await super.init()
    if (process.stdout.isTTY && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb') {
      // chalk's own detection turns colour off under CI=true even on a terminal; a
      // terminal gets at least basic colour, more where the terminal says it has it.
      const {Chalk, default: detected} = await import('chalk')
      this.color = new Chalk({level: Math.max(1, detected.level) as 1 | 2 | 3})
    }
    const {args, flags, argv} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof EgovCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as FlagsOf<T>
    this.args = args as ArgsOf<T>
    this.positionals = argv as string[]
    // --as-of (reading commands only, issue 18): the day is set before anything asks the clock.
    const asOf = (this.flags as {'as-of'?: string})['as-of']
    if (asOf !== undefined) {
      const instant = parseAsOf(asOf)
      setAsOf(instant)
      if (!this.jsonEnabled()) process.stderr.write(`${this.color.yellow(this.t('store.asOfBanner', {date: chinaDate(instant)}))}\n`)
    }
  }

  /** Written notices go to `egov config set notices DIR`, else notices/ in the data folder. */
  protected defaultNoticesDir(): string {
    return `${this.config.dataDir}/notices`
  }

  /** PostgreSQL when EGOV_DATABASE_URL is set, unless --db on the command line asks for a SQLite file. */
  protected postgresUrl(): string | undefined {
    const explicitDb = this.argv.some((a) => a === '--db' || a.startsWith('--db='))
    return explicitDb ? undefined : process.env.EGOV_DATABASE_URL || undefined
  }

  /** The SQLite file: --db, else EGOV_DB, else egov.db in the data directory. */
  protected sqlitePath(): string {
    return (this.flags as {db?: string}).db ?? `${this.config.dataDir}/egov.db`
  }

  /**
   * Every request kind (src/core/kinds.ts), loaded when first needed and handed to the engine
   * (issue 17) by the store, when it opens or (kindsOnDemand) when the core first reads one; a command that checks a kind's name before it opens the
   * store (config set limit.KIND.STATE) asks for them itself.
   */
  protected async kinds(): Promise<readonly AnyKind[]> {
    return (await import('../core/kinds.js')).KINDS
  }

  /** The database, opened (and migrated) on first use. connectOnly: see StoreOptions (egov db restore). */
  protected async store(options: {connectOnly?: boolean; kindsOnDemand?: boolean} = {}): Promise<Store> {
    if (!this.openedStore) {
      const databaseUrl = this.postgresUrl()
      const named = (this.flags as {db?: string}).db
      // A file named by --db or EGOV_DB must exist: a typo would otherwise start an empty
      // database and every request would seem gone. egov db init creates one.
      if (!databaseUrl && named !== undefined && this.id !== 'db:init') {
        const {existsSync} = await import('node:fs')
        if (!existsSync(named)) throw new InvalidInput('store.noDatabase', {path: named}, {field: 'db', details: {path: named}})
      }
      const {Store} = await import('../core/store/index.js')
      this.openedStore = await Store.open({
        // kindsOnDemand: loaded by the core when it reads one (see StoreOptions).
        kinds: () => this.kinds(),
        kindsOnDemand: options.kindsOnDemand,
        databaseUrl,
        sqlitePath: this.sqlitePath(),
        operator: () => resolveOperator(this.config.configDir),
        noticesDir: readUserConfig(this.config.configDir).notices ?? this.defaultNoticesDir(),
        rehearsal: this.id === 'db:init' && Boolean((this.flags as {rehearsal?: boolean}).rehearsal),
        connectOnly: options.connectOnly,
        auditKeyPath: auditKeyPath(this.config.configDir),
        // A write queued behind another egov writer says so on a terminal (issue 20); a pipe gets nothing.
        lockWait: {onWait: (seconds) => process.stderr.isTTY && process.stderr.write(`${this.color.yellow(this.t('store.lockWaiting', {seconds}))}\n`)},
      })
      if (options.connectOnly) return this.openedStore
      // Who may run this command when it changes something (issue 18; roles in core/operators).
      this.openedStore.permit = permitFor(this.id ?? '')
      // A rehearsal database says so on every output (issue 18): on stderr for people, in the JSON for scripts.
      if (this.openedStore.rehearsal && !this.jsonEnabled()) process.stderr.write(`${this.color.yellow(this.t('store.rehearsalBanner'))}\n`)
    }
    return this.openedStore
  }

  /** Closes the database so the next store() opens it afresh (migrated and checked). */
  protected async closeStore(): Promise<void> {
    await this.openedStore?.close()
    this.openedStore = undefined
  }

  override async finally(err: Error | undefined): Promise<void> {
    await this.openedStore?.close().catch(() => {})
    await super.finally(err)
  }

  /** A message from the catalogue, in the user's language. */
  protected t(key: MessageKey, params: Record<string, unknown> = {}): string {
    return t(key, params, this.locale)
  }

  /** Prompts are for people: stdin and stdout a terminal, and not --json. */
  protected interactive(): boolean {
    return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !this.jsonEnabled()
  }

  /** A required value: the flag's, else a prompt on a terminal, else exit 2 naming the flag. */
  protected async need(value: string | undefined, flag: string, label: string): Promise<string> {
    if (value !== undefined && value.trim() !== '') return value
    if (this.interactive()) {
      const {input} = await import('@inquirer/prompts')
      return input({message: `${label} (--${flag})`, required: true})
    }
    throw new InvalidInput('input.missingFlag', {flag, label}, {field: flag})
  }

  /** Destructive actions: --yes, or a yes at the prompt; off a terminal without --yes, exit 2. */
  protected async confirm(action: string, yes: boolean | undefined): Promise<void> {
    if (yes) return
    if (!this.interactive()) throw new InvalidInput('input.confirmNeeded', {action}, {field: 'yes'})
    const {confirm} = await import('@inquirer/prompts')
    if (!(await confirm({message: `${action}?`, default: false}))) throw new InvalidInput('input.cancelled', {}, {field: 'yes'})
  }

  protected progress(label: string): Progress {
    const progress = createProgress(label, progressAllowed(this.jsonEnabled()))
    this.progresses.push(progress)
    return progress
  }

  /** Progress lines still on the terminal: cleared before a failure is printed. */
  private readonly progresses: Progress[] = []

  /** Every line for people goes out printable: stored text is shown, never obeyed (see printableOutput). */
  override log(message = '', ...args: unknown[]): void {
    super.log(args.length ? message : printableOutput(message), ...args)
  }

  /** Human output that costs something to build (a table of thousands of rows): built only when it is shown. */
  protected show(render: () => string): void {
    if (!this.jsonEnabled()) this.log(render())
  }

  /** The flags every list takes: --columns and --output (see table()). Spread into a list command's flags. */
  static listFlags = {
    columns: Flags.string({description: 'only these columns, by key, in this order: e.g. id,unit,state (keys: the headers of --output csv)', helpGroup: 'OUTPUT'}),
    output: Flags.string({
      description: 'table (default), csv, tsv, json (an array of rows) or value (cells only: one value per line with one column)',
      options: ['table', 'csv', 'tsv', 'json', 'value'],
      helpGroup: 'OUTPUT',
    }),
  }

  /**
   * A list: a table for people, or with --output csv|tsv|json|value the rows for a script,
   * whole and uncoloured, only the --columns named. \`empty\` is said when there are no rows
   * (as a table only: a script gets a header or nothing; '' says nothing at all).
   */
  protected table<R>(rows: R[], columns: Column<R>[], empty?: string): void {
    const {columns: wanted, output = 'table'} = this.flags as {columns?: string; output?: OutputFormat}
    const chosen = this.chosenColumns(columns, wanted)
    // --json prints the result document instead (all fields); --columns is still checked.
    if (this.jsonEnabled()) return
    if (output !== 'table') {
      if (rows.length || output === 'csv' || output === 'tsv') process.stdout.write(renderRows(rows, chosen, output) + '\n')
      return
    }
    if (!rows.length && empty === '') return
    this.log(rows.length || empty === undefined ? renderTable(rows, chosen) : empty)
  }

  /**
   * True with --output csv|tsv|json|value: a report then prints its main table's rows alone,
   * and its headings, summary lines and other tables (which are for people) are left out.
   */
  protected rowsOnly(): boolean {
    const {output} = this.flags as {output?: string}
    return output !== undefined && output !== 'table'
  }

  /** A line of a report for people, beside its rows: left out with --output csv|tsv|json|value (see rowsOnly()). */
  protected aside(message = ''): void {
    if (!this.rowsOnly()) this.log(message)
  }

  /**
   * --columns checked before a command that writes does its work (probes recorded, orders
   * issued, a workbook written), so a typo in a column is refused with nothing done.
   */
  protected checkColumns<R>(columns: Column<R>[]): void {
    this.chosenColumns(columns, (this.flags as {columns?: string}).columns)
  }

  /** The --columns named (by key, in that order; all when none): exit 2 naming an unknown one and the nearest. */
  private chosenColumns<R>(columns: Column<R>[], wanted: string | undefined): Array<Column<R> & {key: string}> {
    const keyed = columns.map((c) => ({...c, key: c.key ?? columnKey(c.header)}))
    let chosen = keyed
    if (wanted) {
      chosen = wanted.split(',').map((name) => {
        const key = name.trim()
        const found = keyed.find((c) => c.key === key || c.key.toLowerCase() === key.toLowerCase())
        if (!found) {
          const suggestion = nearest(
            key,
            keyed.map((c) => c.key),
          )
          const hint = suggestion ? new Localized((locale) => t('input.unknownColumn.hint', {suggestion}, locale)) : ''
          throw new InvalidInput(
            'input.unknownColumn',
            {value: key, known: keyed.map((c) => c.key).join(', '), hint},
            {field: 'columns', details: {known: keyed.map((c) => c.key), ...(suggestion ? {suggestion} : {})}},
          )
        }
        return found
      })
    }
    return chosen
  }

  /** Warnings go to stderr for people; with --json they belong in the result document. */
  protected showWarnings(warnings: Warning[]): void {
    if (this.jsonEnabled()) return
    for (const w of warnings) process.stderr.write(`${this.color.yellow(this.t('label.warning'))}: ${w.message}\n`)
  }

  /**
   * One JSON shape for every success: the result object, with \`warnings\` always present
   * (an array, empty when there are none), so a script tests one field everywhere.
   */
  protected override toSuccessJson(result: unknown): unknown {
    if (result && typeof result === 'object' && !Array.isArray(result)) {
      const shaped = 'warnings' in result ? result : {...result, warnings: []}
      const asOf = currentAsOf()
      const dated = asOf === undefined ? shaped : {...shaped, asOf: chinaDate(asOf)}
      return this.openedStore?.rehearsal ? {...dated, rehearsal: true} : dated
    }
    return result
  }

  /** Indented for a person at a terminal; compact for a pipe, where a script reads it (and large lists halve in size). */
  override logJson(json: unknown): void {
    process.stdout.write((process.stdout.isTTY ? JSON.stringify(json, null, 2) : JSON.stringify(json)) + '\n')
  }

  /** Every failure, mapped once: the exit code of its category, one message, the JSON envelope. */
  // eslint-disable-next-line @typescript-eslint/require-await -- oclif awaits catch(): its throws (EEXIT) stay rejections, as in the base method
  override async catch(err: Error & {oclif?: {exit?: number}; code?: string}): Promise<void> {
    if (err.code === 'EEXIT') throw err
    const envelope = this.envelope(err)
    process.exitCode = EXIT_CODES[envelope.code]
    if (this.jsonEnabled()) {
      this.logJson({error: envelope})
      return
    }
    for (const progress of this.progresses) progress.stop()
    if (err instanceof EgovError) this.showFailure(err)
    process.stderr.write(`${this.color.red(this.t('label.error'))}: ${envelope.message}\n`)
    if (envelope.code === 'invalid_input' && !(err instanceof EgovError)) {
      process.stderr.write(this.t('error.hintHelp', {command: this.id?.replaceAll(':', ' ') ?? ''}) + '\n')
    }
    if (envelope.code === 'internal' && process.env.DEBUG && err.stack) process.stderr.write(err.stack + '\n')
  }

  /**
   * What a failure carries for people, printed (human mode) before its error line: the
   * located problems of a file or form (details.problems), what the reader passed over
   * (details.notes) and the annotated copy written (details.report) — the one printer, so
   * no command catches an error to print it. With --json they are in the envelope's details.
   * A command whose failure carries more (several forms' results) renders that instead.
   */
  protected showFailure(error: EgovError): void {
    printProblems(error, this.locale, this.color, this.positionals.length > 1)
  }

  private envelope(err: Error & {oclif?: {exit?: number}}): {code: keyof typeof EXIT_CODES; message: string; details: Record<string, unknown>} {
    if (err instanceof EgovError) return err.toJSON(this.locale)
    // "database is locked" from anywhere the store's queue did not see it first: the same wait run out, exit 4 (issue 20).
    if (isSqliteBusy(err) || isPgLockTimeout(err)) return lockTimeout(this.openedStore?.lock.seconds ?? DEFAULT_LOCK_WAIT_SECONDS).toJSON(this.locale)
    // oclif's own parse errors (unknown flag, missing argument, bad option value) exit 2,
    // in the user's language and with the field, like every other error.
    if (err.oclif?.exit === 2 || err.constructor.name.endsWith('ParseError') || err.constructor.name.endsWith('OptionError')) {
      return {code: 'invalid_input', ...parseErrorReport(err, {locale: this.locale, flags: {...(this.ctor.flags ?? {}), ...(this.ctor.baseFlags ?? {})}, args: this.ctor.args ?? {}})}
    }
    return {code: 'internal', message: this.t('error.internal', {message: err.message}), details: {}}
  }
}
