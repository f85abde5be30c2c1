import type {Store, WriteContext} from './index.js'

/** What a rehearsed use case came to: committed with its result, or rolled back with what it handed to undo(). */
export type Rehearsed<T, R> = {undone: false; value: T} | {undone: true; value: R}

/** Thrown by undo() through the transaction, which rolls it back; caught only by the undoable() that made it. */
class Undone<R> extends Error {
  constructor(
    readonly value: R,
    readonly by: symbol,
  ) {
    super('undone')
  }
}

/**
 * The one dry-run and rollback mechanism (issue 20). `work` runs a use case in its write
 * transaction(s); calling `undo(value)` anywhere inside — at the end of a dry run, or when a
 * file's problems are all known — rolls back every statement of the transaction it is in
 * (nothing is recorded) and undoable returns `{undone: true, value}`. Otherwise it returns
 * `{undone: false, value: <work's result>}`; any other error rolls back and propagates.
 *
 * The transaction itself is the rehearsal: a dry run sees exactly what the import would
 * do (its own inserts, the checks that read them back), then records nothing.
 */
export async function undoable<R, T = void>(work: (undo: (value: R) => never) => Promise<T>): Promise<Rehearsed<T, R>> {
  const by = Symbol('undo')
  const undo = (value: R): never => {
    throw new Undone(value, by)
  }
  try {
    return {undone: false, value: await work(undo)}
  } catch (error) {
    if (error instanceof Undone && error.by === by) return {undone: true, value: error.value as R}
    throw error
  }
}

/** One write transaction that undo(value) rolls back: undoable around store.write. */
export async function rehearse<R, T = void>(store: Store, fn: (ctx: WriteContext, undo: (value: R) => never) => Promise<T>): Promise<Rehearsed<T, R>> {
  return undoable<R, T>((undo) => store.write((ctx) => fn(ctx, undo)))
}
