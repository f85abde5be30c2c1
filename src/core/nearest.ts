/**
 * "Did you mean": the candidate closest to what was typed, by edit distance over code
 * points (a swapped pair of neighbours counts one), when it is close enough to be a
 * slip rather than another word: at most a third of the longer one's length, at least one.
 */
export function nearest(typed: string, candidates: Iterable<string>): string | undefined {
  const a = [...typed.toLowerCase()]
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const b = [...candidate.toLowerCase()]
    const d = distance(a, b)
    if (d < bestDistance && d <= Math.max(1, Math.floor(Math.max(a.length, b.length) / 3))) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
function distance(a: string[], b: string[]): number {
  const rows = Array.from({length: a.length + 1}, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0)
    row[0] = i
    return row
  })
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1)
      rows[i]![j] = d
    }
  }
  return rows[a.length]![b.length]!
}
