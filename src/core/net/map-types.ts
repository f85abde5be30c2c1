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
