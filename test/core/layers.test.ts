import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve, sep} from 'node:path'

import {describe, expect, it} from 'vitest'

const root = new URL('../../src', import.meta.url).pathname

function sources(dir: string, pattern = /\.ts$/): string[] {
  return readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((e) => e.isFile() && pattern.test(e.name))
    .map((e) => join(e.parentPath, e.name))
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!)
}

/** DESIGN.md layering: the core is a library; it never reaches up into the CLI or its UI packages. */
describe('layers import only downward', () => {
  const core = sources(join(root, 'core'))

  it.each(core.map((f) => relative(root, f)))('%s imports no CLI code or CLI package', (file) => {
    for (const spec of imports(join(root, file))) {
      expect(spec, `${file} imports ${spec}`).not.toMatch(/^@oclif\/|^chalk$|^@inquirer\/|(\.\.\/)+(cli|commands)\//)
    }
  })

  it('commands stay thin: no command reaches into the database directly', () => {
    for (const file of sources(join(root, 'commands'))) {
      const text = readFileSync(file, 'utf8')
      expect(text, relative(root, file)).not.toMatch(/\.(selectFrom|insertInto|updateTable|deleteFrom)\(/)
    }
  })

  it('one use-case shape (issue 17): a command calls (store, input) → result; transactions are opened in core, never in commands or the CLI', () => {
    for (const file of [...sources(join(root, 'commands')), ...sources(join(root, 'cli'))]) {
      const text = readFileSync(file, 'utf8')
      expect(text, relative(root, file)).not.toMatch(/\bstore\.write\(|\.write\(\s*(async\s*)?\(ctx\)/)
    }
  })

  it('one use-case shape (issue 17): a command hands core the store it opened, never its connection (store.db)', () => {
    for (const file of [...sources(join(root, 'commands')), ...sources(join(root, 'cli'))]) {
      const text = readFileSync(file, 'utf8')
      expect(text, relative(root, file)).not.toMatch(/\bstore\(\)\)?\.db\b|\bstore\.db\b/)
    }
  })

  it('heavy libraries are loaded where they are used, not at start-up', () => {
    for (const file of [...sources(join(root, 'cli')), ...sources(join(root, 'commands'))]) {
      for (const spec of imports(file)) {
        expect(spec, `${relative(root, file)} imports ${spec}`).not.toMatch(/^(pg|exceljs|node-forge|undici|better-sqlite3)$/)
      }
    }
  })
})

/** Every directory under src/core is an area. */
const AREAS = readdirSync(join(root, 'core'), {withFileTypes: true})
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort()

/**
 * The imports that stay deep, each with its reason: a file outside an area → the modules of the
 * area (paths under src/core) it imports directly. "cycle": the barrel would close an import
 * cycle (eslint's import-x/no-cycle); "start-up": through the barrel, modules would be loaded at
 * the start of commands that do not load them now (measured with esbuild's metafile, issue 17);
 * "lazy": an `await import()` of what is needed only when it is used. An entry that is no longer
 * needed fails the test, so the list only shrinks.
 */
const DEEP_IMPORTS: Array<{reason: string; imports: Record<string, string[]>}> = [
  {
    reason: "tests only: the cert area's building blocks (DER, SM2) have an entrance of their own, cert/primitives.ts, outside the library's API",
    imports: {'test/core/cert.test.ts': ['cert/primitives.js'], 'test/core/sm2.test.ts': ['cert/primitives.js'], 'test/core/migration-017.test.ts': ['cert/primitives.js']},
  },
  {
    reason:
      'start-up: every command loads base.ts and help.ts loads for --help; the barrels would bring the store (Kysely, which base.ts loads lazily), the audit chain and the roster into every start',
    imports: {'src/cli/base.ts': ['audit/key-path.js', 'operators/roles.js', 'store/lock.js'], 'src/cli/help.ts': ['operators/roles.js']},
  },
  {
    reason: "cycle: operators' and workflow's barrels import the store (audit entries, reads), so the store takes checkPermit and the kind registry from their modules",
    imports: {'src/core/store/index.ts': ['operators/permit.js', 'workflow/registry.js']},
  },
  {
    reason: "cycle: operators' barrel files requests through the workflow's (fileRequestIn), so the workflow's steps take the permit check and review roles from their modules",
    imports: {'src/core/workflow/steps.ts': ['operators/permit.js', 'operators/roles.js']},
  },
  {
    reason: 'cycle: settings-change.ts is built on config/index.ts (setLimitIn, unsetLimitIn), so the barrel cannot re-export it',
    imports: {
      'src/commands/calendar/load.ts': ['config/settings-change.js'],
      'src/commands/config/set.ts': ['config/settings-change.js'],
      'src/commands/config/unset.ts': ['config/settings-change.js'],
    },
  },
  {
    reason: 'cycle: backup.ts is built on store/index.ts (sqliteLibrary, Store); and start-up: it loads node:child_process and node:crypto, which the store barrel would bring into every command',
    imports: {'src/commands/db/backup.ts': ['store/backup.js'], 'src/commands/db/restore.ts': ['store/backup.js']},
  },
  {
    reason: 'cycle and lazy: checkpoint.ts is built on audit/index.ts (canonicalJson); the commands load it, and key.js (node:crypto), with await import() when used, as audit/index.ts loads key.js',
    imports: {
      'src/commands/audit/checkpoint.ts': ['audit/checkpoint.js', 'audit/key.js', 'io/output-file.js'],
      'src/commands/audit/verify.ts': ['audit/checkpoint.js', 'audit/key.js'],
      'src/core/cert/id-key.ts': ['audit/key.js'],
    },
  },
  {
    reason: 'lazy: loaded with await import() when used (the grants only by db grant; a notice with docx only when one is written; the migrations by the migrator), so none is re-exported by a barrel',
    imports: {
      'src/commands/db/grant.ts': ['store/grants.js'],
      'test/helpers/db.ts': ['store/grants.js'],
      'src/core/net/requests/notices.ts': ['io/notices.js'],
      'test/core/migration-017.test.ts': ['store/migrations/index.js'],
    },
  },
  {
    reason:
      "start-up: the store and workflow barrels are in every command's start-up chunk, so a value they re-export is loaded by every command; rehearse.ts and due-dates.ts are left out of them and taken from their modules",
    imports: {
      'src/core/cloud/usage/import.ts': ['store/rehearse.js'],
      'src/core/items/import.ts': ['store/rehearse.js'],
      'src/core/net/plan.ts': ['store/rehearse.js'],
      'test/core/rehearse.test.ts': ['store/rehearse.js'],
      'src/commands/requests/list.ts': ['workflow/due-dates.js'],
      'src/commands/requests/show.ts': ['workflow/due-dates.js'],
      'src/core/config/settings-change.ts': ['workflow/due-dates.js'],
      'test/core/due-dates.test.ts': ['workflow/due-dates.js'],
    },
  },
  {
    reason: "start-up: operators' barrel (the roster, with its audit and workflow) would be loaded by every net command for signerName, and by the commands that reach it with the admin kind",
    imports: {'src/core/net/requests/notices.ts': ['operators/permit.js'], 'src/core/config/request-kinds.ts': ['operators/admin-kind.js']},
  },
  {
    reason:
      "start-up: io's barrel re-exports every reader and writer, and esbuild's code splitting puts each module a barrel reaches into the chunks of every command that imports it: through the barrel, each command of these areas would load all of io at start (40-130 KB more); type-only imports go through the barrel (erased)",
    imports: {
      'src/cli/output-flags.ts': ['io/output-file.js'],
      'src/cli/table.ts': ['io/values.js'],
      'src/commands/cloud/report.ts': ['io/tables.js'],
      'src/commands/items/show.ts': ['io/values.js'],
      'src/commands/net/map.ts': ['io/output-file.js'],
      'src/core/cert/events/export.ts': ['io/output-file.js'],
      'src/core/cert/hierarchy.ts': ['io/output-file.js'],
      'src/core/cloud/forms.ts': ['io/label-form.js', 'io/values.js'],
      'src/core/cloud/queries.ts': ['io/file-hash.js'],
      'src/core/cloud/usage/import.ts': ['io/layout.js', 'io/tables.js'],
      'src/core/cloud/usage/rows.ts': ['io/layout.js', 'io/mixed-encoding.js', 'io/tables.js'],
      'src/core/cloud/usage/values.ts': ['io/tables.js', 'io/values.js'],
      'src/core/cloud/usage/workbook.ts': ['io/csv-reader.js', 'io/file-hash.js', 'io/output-file.js', 'io/tables.js', 'io/xlsx-reader.js'],
      'src/core/config/index.ts': ['io/values.js'],
      'src/core/items/cases.ts': ['io/form-reader.js', 'io/layout.js', 'io/tables.js'],
      'src/core/items/diff.ts': ['io/output-file.js'],
      'src/core/items/export.ts': ['io/output-file.js', 'io/values.js', 'io/xlsx-writer.js'],
      'src/core/items/import.ts': ['io/form-reader.js', 'io/form-report.js', 'io/output-file.js', 'io/staging.js', 'io/xlsx-limits.js'],
      'src/core/items/lifecycle.ts': ['io/form-reader.js', 'io/layout.js', 'io/values.js'],
      'src/core/items/model.ts': ['io/layout.js'],
      'src/core/items/template.ts': ['io/output-file.js', 'io/values.js'],
      'src/core/items/versions.ts': ['io/values.js'],
      'src/core/kiosk/figures.ts': ['io/tables.js'],
      'src/core/kiosk/form-read.ts': ['io/file-hash.js', 'io/form-grid.js', 'io/layout.js', 'io/tables.js', 'io/values.js', 'io/xlsx-limits.js'],
      'src/core/kiosk/form.ts': ['io/layout.js', 'io/output-file.js'],
      'src/core/kiosk/onboarding.ts': ['io/file-hash.js', 'io/form-report.js'],
      'src/core/net/application-form.ts': ['io/label-form.js'],
      'src/core/net/plan.ts': ['io/layout.js', 'io/mixed-encoding.js', 'io/tables.js', 'io/values.js', 'io/xlsx-limits.js'],
      'src/core/net/report-io.ts': ['io/tables.js'],
    },
  },
]

/**
 * Issue 17: an area is entered through its index.ts barrel only. Every directory under src/core is
 * an area; a file outside it (src, tests, test helpers, bench and scripts, which import the built
 * dist/) imports it only through index.js, but for the composition root of request kinds
 * (src/core/kinds.ts, each area's request-kinds.ts) and the imports in DEEP_IMPORTS. Sub-areas
 * (core/net/requests/) are their area's own business.
 */
describe('areas are entered through their barrel', () => {
  const repo = resolve(root, '..')
  const files = [...sources(root), ...sources(join(repo, 'test'), /\.(ts|mjs)$/), ...sources(join(repo, 'bench'), /\.mjs$/), ...sources(join(repo, 'scripts'), /\.mjs$/)]
  const allowed = new Map<string, string>()
  for (const {reason, imports: deep} of DEEP_IMPORTS) {
    for (const [file, targets] of Object.entries(deep)) for (const target of targets) allowed.set(`${file} → ${target}`, reason)
  }
  /** Each file's imports of an area's modules other than its index.js, as "file → area/module.js". */
  const deepImports = (area: string): string[] => {
    const inside = join(root, 'core', area) + sep
    const found: string[] = []
    for (const file of files.filter((f) => !f.startsWith(inside))) {
      const name = relative(repo, file)
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue
        const target = relative(repo, resolve(dirname(file), spec))
        const m = new RegExp(`^(?:src|dist)/core/(${area}/.+)$`).exec(target)
        if (!m || m[1] === `${area}/index.js` || (name === 'src/core/kinds.ts' && spec === `./${area}/request-kinds.js`)) continue
        found.push(`${name} → ${m[1]}`)
      }
    }
    return found
  }

  it('covers every area, each with an index.ts', () => {
    expect(AREAS.length).toBeGreaterThan(10)
    for (const area of AREAS)
      expect(
        sources(join(root, 'core', area)).map((f) => relative(root, f)),
        area,
      ).toContain(`core/${area}/index.ts`)
    expect(files.length).toBeGreaterThan(100)
  })

  it.each(AREAS)('a file outside src/core/%s imports it only through its index.ts (src, tests, bench and scripts, test helpers)', (area) => {
    for (const found of deepImports(area)) expect(allowed.has(found), `${found}: import it from the area's index.js (or list it, with its reason, in DEEP_IMPORTS)`).toBe(true)
  })

  it('every import that stays deep is still there (DEEP_IMPORTS only shrinks)', () => {
    const found = new Set(AREAS.flatMap(deepImports))
    for (const entry of allowed.keys()) expect(found.has(entry), `${entry} is no longer imported: remove it from DEEP_IMPORTS`).toBe(true)
  })
})

/** Request kinds (issue 17): listed, not registered by importing a module for its side effects. */
describe('request kinds are listed explicitly', () => {
  const all = [...sources(root)]

  it('no module is imported for its side effects (import "./x.js"): what a module gives is named where it is used', () => {
    for (const file of all) {
      const text = readFileSync(file, 'utf8')
      const bare = [...text.matchAll(/^import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1])
      expect(bare, relative(root, file)).toEqual([])
    }
  })

  it("kinds are declared in an area's request-kinds.ts only, one name everywhere", () => {
    for (const file of all) {
      const rel = relative(root, file)
      if (rel === 'core/workflow/registry.ts' || rel === 'core/operators/admin-kind.ts') continue
      const text = readFileSync(file, 'utf8')
      if (/\b(defineKind|adminChangeKind)\s*(<[^>]*>)?\(/.test(text)) expect(rel).toMatch(/^core\/[a-z-]+\/request-kinds\.ts$/)
      expect(rel).not.toMatch(/request-kind\.ts$/)
    }
  })

  it("src/core/kinds.ts lists every area's request-kinds.ts", () => {
    const listed = imports(join(root, 'core/kinds.ts')).filter((spec) => spec.endsWith('/request-kinds.js'))
    const areas = all.filter((f) => f.endsWith('/request-kinds.ts')).map((f) => `./${relative(join(root, 'core'), f).replace(/\.ts$/, '.js')}`)
    expect(listed.sort()).toEqual(areas.sort())
  })
})
