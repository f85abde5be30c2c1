/** The pool map's data (what `net map` reads) and the renderers' options and words. */
/** What a cell or legend line is, for the caller's colouring. */
export type MapKind = 'allocation' | 'reserved' | 'pool' | 'free'

/** The words of the map. free/pool/reserved are required by the renderers' callers; the rest have English defaults. */
export interface MapLabels {
  free: string
  pool: string
  reserved: string
  /** Legend line of the mixed mark. */
  mixed?: string
  /** Legend line of the holders beyond the symbols; shown as "LABEL (count)". */
  others?: string
  /** Before the largest free block on the free line: "largest 10.1.96.0/19". */
  largest?: string
  /** Scale line: "cell = /26 · row = /20". */
  cell?: string
  row?: string
  /** SVG subtitle: "plane 1". */
  plane?: string
}

export interface TerminalMapOptions {
  /** Terminal columns; every line fits (CJK counted as two). Default 80. */
  width?: number
  /** Colours a run of text; without it the output has no escape codes. Mixed cells are never coloured. */
  color?: (kind: MapKind, text: string) => string
  legendLabels?: MapLabels
}

export interface SvgMapOptions {
  /** Heading; default "NAME CIDR · plane N". */
  title?: string
  legendLabels?: MapLabels
}

/**
 * What the pool map draws: the pool's whole range cut into segments, in address order,
 * covering it without gaps or overlaps. Addresses are bigints (IPv4 and IPv6 alike).
 */
export interface MapSegment {
  /** First address (inclusive). */
  start: bigint
  /** Last address (inclusive). */
  end: bigint
  /** allocation: held by a unit; pool: a child pool; free: nobody's. */
  kind: 'allocation' | 'pool' | 'free'
  /** CIDR text of the segment when it is one block (allocations, child pools); free ranges may span several blocks. */
  cidr?: string
  /** The unit (allocation) or the child pool's name. */
  holder?: string
  /** active | reserved, for allocations. */
  status?: string
  purpose?: string
  /** 属地 (NET-4): the child pool's district, or the holding unit's; the legend groups by it. */
  district?: string
}

export interface PoolMap {
  name: string
  cidr: string
  family: 4 | 6
  plane: 1 | 2
  /** The pool's district (its own or its nearest ancestor's), when recorded. */
  district?: string
  start: bigint
  end: bigint
  segments: MapSegment[]
}
