// "Did you mean ...?" for a mistyped name: the known name with the smallest edit distance, when that distance is
// small enough that the guess is likely (at most a third of the name's length, and at most 3 edits).

/** The candidate closest to `name`, or undefined when none is close. */
export function closestName (name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = Math.min(3, Math.ceil(name.length / 3)) + 1
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase(), bestDistance)
    if (d < bestDistance) { best = c; bestDistance = d }
  }
  return best
}

/** Levenshtein distance with one row of memory; gives up (returns `limit`) once every path costs `limit` or more. */
export function editDistance (a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) >= limit) return limit
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      row.push(v)
      if (v < rowMin) rowMin = v
    }
    if (rowMin >= limit) return limit
    prev = row
  }
  return prev[b.length]
}
