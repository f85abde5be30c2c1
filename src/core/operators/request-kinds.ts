import {js} from '../workflow/index.js'
import {adminChangeKind} from './admin-kind.js'
import {applyRosterChange, changeSummary, parseRosterChange, ROSTER_KIND, type RosterChange} from './index.js'
import {ROLE_IDS} from './roles.js'

/**
 * 名册变更 (issue 18; CERT-4; 002 第二十二条): a change to the roster, filed by a 系统管理员 and
 * in effect when another active 系统管理员 approves it (the reviewer of the roster area is
 * system-admin, see reviewRole); rejected with a reason, or withdrawn, it changes nothing.
 * Approval checks the change again against the roster as it is then.
 */
export const rosterChangeKind = adminChangeKind<RosterChange>({
  kind: ROSTER_KIND,
  parsePayload: parseRosterChange,
  payloadSchema: js.object(
    {
      op: js.oneOf(['add', 'edit', 'retire']),
      login: js.line(),
      name: js.line('real name'),
      unit: js.nullable(js.line()),
      roles: {...js.array(js.oneOf(ROLE_IDS)), minItems: 1},
      from: js.date(),
      to: js.nullable(js.date()),
    },
    ['op', 'login'],
  ),
  summary: changeSummary,
  apply: (ctx, payload, requestId) => applyRosterChange(ctx, payload, {requestId}),
})

/** The kinds of this area, as src/core/kinds.ts lists them for the engine. */
export const OPERATOR_KINDS = [rosterChangeKind]
