import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

/**
 * Keeps a long bulk command's heap compact while it runs: a full collection every `everyMs`.
 *
 * What a streamed import keeps alive is small (a 100,000-item list imports with V8's old
 * space capped at 64 MB), but V8 lets the heap grow far past that before it collects, so the
 * process's peak memory was 260–290 MB against 338 MB for a plain exceljs read. Collecting
 * every half second keeps it near 180 MB (issue 20's target: 0.6× the plain read) for about
 * 5% more time (bench/items, docs/benchmarks.md). `gc` is not exposed to a running process,
 * so it is taken from a fresh context once `--expose-gc` is set; where that fails, nothing
 * changes. Returns the function that stops it.
 */
export function compactHeap(everyMs = 500): () => void {
  let gc: () => void
  try {
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc') as () => void
  } catch {
    return () => undefined
  }
  const timer = setInterval(() => {
    gc()
  }, everyMs)
  timer.unref()
  return () => {
    clearInterval(timer)
  }
}
