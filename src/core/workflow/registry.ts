import type {WriteContext} from '../store/index.js'
import type {JsonSchema} from './payload-schema.js'

/**
 * approve and reject are every kind's review decisions; areas add their own steps (plan,
 * implement, test…). withdraw (撤回) is the applicant taking a request back: a kind declares
 * it from the states where that is possible; the engine requires a reason, and the kind's
 * onEnter for the state it leads to releases what the request held.
 */
export type WorkflowAction = string

export interface StateDefinition {
  /** A final state: no further action, no due date. */
  terminal?: boolean
  /** Working days allowed in this state before the request is overdue (X-1 calendar). */
  limitDays?: number
}

export interface TransitionDefinition {
  action: WorkflowAction
  from: string
  to: string
  /** The filer may not take this step. Default: true for approve and reject, false otherwise. */
  fourEyes?: boolean
}

export function needsFourEyes(t: TransitionDefinition): boolean {
  return t.fourEyes ?? (t.action === 'approve' || t.action === 'reject')
}

/**
 * A request kind, declared as data: its states, which action moves it from where to
 * where, and how its payload is checked. Areas (net, cloud, cert, items, kiosk) each
 * declare theirs following DOMAIN.md; the engine carries them all the same way.
 */
export interface KindDefinition<P = unknown> {
  kind: string
  initial: string
  states: Record<string, StateDefinition>
  transitions: TransitionDefinition[]
  /** Checks and normalises what an applicant sends; throws InvalidInput naming the field. */
  parsePayload(input: unknown): P
  /**
   * The JSON Schema of the payload as stored, every key it may come to carry (what steps and
   * onEnter add included): published as schemas/requests/KIND.schema.json, checked by the
   * engine whenever the payload is written and reported when a stored one does not match.
   */
  payloadSchema: JsonSchema
  /** One line for lists. */
  summary(payload: P): string
  /**
   * The area's effect when a request enters a state, inside the same transaction, whoever
   * moves it there (an area command or `egov requests approve`). What it returns is merged
   * into the payload (for example the path of a written notice). `comment` is what the step
   * was taken with: a rejection's reason, which a kind may have to tell the applicant (NET-5).
   */
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- an area's async onEnter may return nothing (Promise<void>)
  onEnter?(ctx: WriteContext, request: {id: number; payload: P; applicantUnit: string; comment?: string}, state: string): Promise<Partial<P> | void>
}

/** A kind whatever its payload: the engine's lists hold kinds of different payloads, each typed by its own P. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one list holds kinds of different payload types P, which their methods take and return
export type AnyKind = KindDefinition<any>

/**
 * Checks a kind's declaration (every transition between declared states, a declared initial
 * state) and returns it. Nothing is registered: an area exports its kinds, src/core/kinds.ts
 * lists them all (KINDS), and that list is handed to the engine when the store opens
 * (StoreOptions.kinds, see useKinds).
 */
export function defineKind<P>(definition: KindDefinition<P>): KindDefinition<P> {
  for (const tr of definition.transitions) {
    if (!definition.states[tr.from] || !definition.states[tr.to]) {
      throw new Error(`kind ${definition.kind}: transition ${tr.action} ${tr.from} → ${tr.to} names an undeclared state`)
    }
  }
  if (!definition.states[definition.initial]) throw new Error(`kind ${definition.kind}: initial state ${definition.initial} is undeclared`)
  return definition
}

/** The kinds the engine carries: the list given to useKinds, none until then. */
let kinds: ReadonlyMap<string, AnyKind> | undefined
/** Where they come from when given as a loader, until loadKinds has run it. */
let pending: (() => Promise<readonly AnyKind[]>) | undefined

/** The request kinds, as a list or as a loader of one (see useKinds). */
export type KindSource = readonly AnyKind[] | (() => Promise<readonly AnyKind[]>)

/**
 * The kinds the engine carries from now on (Store.open calls it with StoreOptions.kinds). The
 * same list again changes nothing; two kinds of one name are a programming error. A loader is
 * run by loadKinds, which Store.open awaits unless told the command loads them when it needs
 * them (StoreOptions.kindsOnDemand: `egov requests list` reads no kind when nothing is listed).
 */
export function useKinds(source: KindSource): void {
  if (typeof source === 'function') {
    kinds = undefined
    pending = source
    return
  }
  pending = undefined
  const list = source
  const map = new Map<string, AnyKind>()
  for (const def of list) {
    if (map.has(def.kind) && map.get(def.kind) !== def) throw new Error(`kind ${def.kind} is listed twice`)
    map.set(def.kind, def)
  }
  kinds = map
}

/** Runs the loader given to useKinds, once; nothing when the kinds are there already. */
export async function loadKinds(): Promise<void> {
  if (pending) {
    const load = pending
    useKinds(await load())
  }
}

function carried(): ReadonlyMap<string, AnyKind> {
  // A programming error, not a user's: the store was opened without its kinds, or they were not loaded yet.
  if (!kinds)
    throw new Error(pending ? 'request kinds not loaded yet: await loadKinds() first' : 'no request kinds: open the store with StoreOptions.kinds (src/core/kinds.ts KINDS) or call useKinds first')
  return kinds
}

export function findKind(kind: string): KindDefinition | undefined {
  return carried().get(kind)
}

export function allKinds(): KindDefinition[] {
  return [...carried().values()]
}
