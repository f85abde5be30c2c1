#!/usr/bin/env node
// RULES.md, generated (issue 17): every rule of docs/rules.md with its text, where it comes
// from in the regulations, the code that decides it and the tests that name it — or "not
// enforced" and why. Three sources, none kept by hand in RULES.md itself:
//  - docs/rules.md: the rules' texts (`- ID text`, continued by indented lines), their
//    section (the regulation), `*In egov:*` notes and `*Not enforced:*` reasons;
//  - src/: each function whose body names the rule as a value (`'NET-5'` in a RuleRefused,
//    a `rule:` field, a warning), found with the TypeScript parser, and each function whose
//    doc comment carries `@rule ID` (the pure decisions in an area's rules.ts);
//  - test/: each test file that names the rule (help-text tests excepted: they name every
//    rule because the help does).
// A rule with no function, no test and no written reason fails the run.
//
//   node scripts/rules-md.mjs          write RULES.md
//   node scripts/rules-md.mjs --check  exit 1 when RULES.md is not what it would write
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

import ts from 'typescript'

const root = fileURLToPath(new URL('..', import.meta.url))
const ID = /\b(?:NET|CLOUD|CERT|ITEM|KIOSK|X)-\d+\b/g
const EXACT_ID = /^(?:NET|CLOUD|CERT|ITEM|KIOSK|X)-\d+$/
/** Tests that name every rule because the help texts do: they test the help, not the rule. */
const HELP_TESTS = new Set(['test/core/help-zh.test.ts', 'test/cli/zh-help.test.ts', 'test/core/rules-doc.test.ts'])

/**
 * @param {string} dir
 * @param {string} suffix
 * @returns {string[]}
 */
function files(dir, suffix) {
  /** @type {string[]} */
  const out = []
  for (const entry of readdirSync(join(root, dir), {withFileTypes: true})) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...files(path, suffix))
    else if (entry.name.endsWith(suffix)) out.push(path)
  }
  return out.sort()
}

/** The rules of docs/rules.md, in order, each with its section, text and notes. */
/** @param {string} text */
export function parseRules(text) {
  /** @type {{id: string, section: string | undefined, lines: string[]}[]} */
  const rules = []
  /** @type {string | undefined} */
  let section
  /** @type {{id: string, section: string | undefined, lines: string[]} | undefined} */
  let current
  for (const line of text.split('\n')) {
    const heading = /^## (.+)$/.exec(line)
    if (heading) {
      section = /** @type {string} */ (heading[1]).trim()
      current = undefined
      continue
    }
    const start = /^- ((?:NET|CLOUD|CERT|ITEM|KIOSK|X)-\d+) (.*)$/.exec(line)
    if (start) {
      current = {id: /** @type {string} */ (start[1]), section, lines: [/** @type {string} */ (start[2])]}
      rules.push(current)
      continue
    }
    if (current && /^ {2,}\S/.test(line)) current.lines.push(line.trim())
    else current = undefined
  }
  return rules.map(({id, section, lines}) => {
    // The rule's own words, then its *In egov:* note and its *Not enforced:* reason.
    const joined = lines.join(' ')
    const [, before = joined, note] = /^(.*?)\s*\*In egov:\*\s*(.*)$/.exec(joined) ?? []
    const [body, reason] = splitOff(before, '*Not enforced:*')
    const [inEgov, reasonInNote] = note === undefined ? [undefined, undefined] : splitOff(note, '*Not enforced:*')
    return {id, section, text: body.trim(), inEgov: inEgov?.trim() || undefined, notEnforced: (reason ?? reasonInNote)?.trim() || undefined, articles: articles(body)}
  })
}

/**
 * @param {string} text
 * @param {string} marker
 * @returns {[string, string | undefined]}
 */
function splitOff(text, marker) {
  const at = text.indexOf(marker)
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + marker.length)]
}

/** The articles a rule's text cites: 第十一条, 第五条(二), "004 政府网站 第二十二条", 第九–十条. */
/** @param {string} text */
function articles(text) {
  const found = text.match(/(?:\b00\d [^\s(),;:]*\s*)?第[一二三四五六七八九十百–、]+条(?:\([一二三四五六七八九十]+\))?/g) ?? []
  return [...new Set(found.map((a) => a.trim()))]
}

/** The name of the function, method or const around a node, with the class for a method. */
/** @param {import('typescript').Node} node */
function enclosingName(node) {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isFunctionDeclaration(n) && n.name) return n.name.text
    if ((ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n)) && n.name && ts.isIdentifier(n.name)) {
      const cls = n.parent && ts.isClassDeclaration(n.parent) && n.parent.name ? `${n.parent.name.text}.` : ''
      return `${cls}${n.name.text}`
    }
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))) {
      return n.name.text
    }
    if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))) {
      return n.name.text
    }
  }
  return undefined
}

/** rule → Map(function → file) from src/, by the rule named as a value or a @rule tag. */
export function sourceFunctions() {
  /** @type {Map<string, Map<string, string>>} */
  const found = new Map()
  /** @type {(id: string, name: string, file: string) => void} */
  const add = (id, name, file) => {
    if (!found.has(id)) found.set(id, new Map())
    const names = /** @type {Map<string, string>} */ (found.get(id))
    if (!names.has(name)) names.set(name, file)
  }
  for (const file of files('src', '.ts')) {
    if (file.startsWith(join('src', 'cli', 'help-zh'))) continue
    const text = readFileSync(join(root, file), 'utf8')
    if (!ID.test(text)) continue
    ID.lastIndex = 0
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
    /** @param {import('typescript').Node} node */
    const visit = (node) => {
      if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && EXACT_ID.test(node.text)) {
        const name = enclosingName(node)
        if (name) add(node.text, name, file)
      }
      const named = ts.isFunctionDeclaration(node) || ts.isVariableStatement(node) || ts.isMethodDeclaration(node)
      if (named) {
        const declaration = ts.isVariableStatement(node) ? /** @type {import('typescript').VariableDeclaration} */ (node.declarationList.declarations[0]) : node
        for (const tag of ts.getJSDocTags(declaration)) {
          if (tag.tagName.text !== 'rule') continue
          const comment = typeof tag.comment === 'string' ? tag.comment : (ts.getTextOfJSDocComment(tag.comment) ?? '')
          const name = declaration.name?.getText(source)
          for (const id of comment.match(ID) ?? []) if (name) add(id, name, file)
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return found
}

/** rule → sorted test files that name it. */
export function testFiles() {
  /** @type {Map<string, string[]>} */
  const found = new Map()
  for (const file of files('test', '.test.ts')) {
    const posix = file.split('\\').join('/')
    if (HELP_TESTS.has(posix)) continue
    const text = readFileSync(join(root, file), 'utf8')
    for (const id of new Set(text.match(ID) ?? [])) {
      if (!found.has(id)) found.set(id, [])
      found.get(id)?.push(posix)
    }
  }
  return found
}

const code = (/** @type {string} */ s) => `\`${s}\``

export function render() {
  const rules = parseRules(readFileSync(join(root, 'docs/rules.md'), 'utf8'))
  const functions = sourceFunctions()
  const tests = testFiles()
  const problems = []
  const out = [
    '# Rules',
    '',
    '<!-- Generated by `npm run docs:rules` (scripts/rules-md.mjs) from docs/rules.md, the code in src/ and the tests in test/. Do not edit: test/core/rules-doc.test.ts fails when this file is not current. -->',
    '',
    'Every rule egov quotes (NET-5, CERT-3, X-2, …): its text and the article of the regulation it',
    'comes from, the functions that decide it, the tests that name it — or why egov does not',
    'enforce it. The rule texts and notes are kept in [docs/rules.md](docs/rules.md), which also',
    'says where the source regulations are; the functions are those whose code names the rule',
    "(a refusal, a problem's `rule`, a warning) or whose doc comment carries `@rule`.",
    '',
    '| Rule | Articles | Functions | Tests |',
    '|---|---|---|---|',
  ]
  for (const rule of rules) {
    const fns = functions.get(rule.id)
    const tfs = tests.get(rule.id)
    const enforced = rule.notEnforced ? 'not enforced' : `${fns?.size ?? 0}`
    out.push(`| [${rule.id}](#${rule.id.toLowerCase()}) | ${rule.articles.join(', ') || '—'} | ${enforced} | ${tfs?.length ?? 0} |`)
    if (!fns?.size && !tfs?.length && !rule.notEnforced) problems.push(`${rule.id}: no function names it, no test names it, and docs/rules.md gives no *Not enforced:* reason`)
    if (rule.notEnforced && fns?.size) problems.push(`${rule.id}: docs/rules.md says it is not enforced, yet ${[...fns.keys()].join(', ')} names it`)
  }
  let section
  for (const rule of rules) {
    if (rule.section !== section) {
      section = rule.section
      out.push('', `## ${section}`)
    }
    out.push('', `### ${rule.id}`, '', `> ${rule.text}`, '')
    if (rule.articles.length) out.push(`- **Articles:** ${rule.articles.join(', ')}`)
    if (rule.inEgov) out.push(`- **In egov:** ${rule.inEgov}`)
    const fns = functions.get(rule.id)
    if (rule.notEnforced) out.push(`- **Not enforced:** ${rule.notEnforced}`)
    if (fns?.size) {
      /** @type {Map<string, string[]>} */
      const byFile = new Map()
      for (const [name, file] of [...fns].sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]))) {
        const posix = file.split('\\').join('/')
        if (!byFile.has(posix)) byFile.set(posix, [])
        byFile.get(posix)?.push(code(name))
      }
      out.push(`- **Functions:** ${[...byFile].map(([file, names]) => `${names.join(', ')} in [${file}](${file})`).join('; ')}`)
    }
    const tfs = tests.get(rule.id)
    if (tfs?.length) out.push(`- **Tests:** ${tfs.map((f) => `[${relative('test', f).split('\\').join('/')}](${f})`).join(', ')}`)
  }
  return {text: `${out.join('\n')}\n`, problems}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const {text, problems} = render()
  if (problems.length) {
    console.error(`RULES.md: every rule needs a function, a test or a written reason:\n  ${problems.join('\n  ')}`)
    process.exit(1)
  }
  const path = join(root, 'RULES.md')
  if (process.argv.includes('--check')) {
    let current = ''
    try {
      current = readFileSync(path, 'utf8')
    } catch {
      // no RULES.md yet: it is not current
    }
    if (current !== text) {
      console.error('RULES.md is not current: run `npm run docs:rules` and commit it')
      process.exit(1)
    }
  } else writeFileSync(path, text)
}
