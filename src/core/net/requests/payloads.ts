/**
 * What units' extranet requests carry (NET-3..9): the payloads of onboarding and change
 * requests and of decisions (close, cut off, restore), and the records kept on them.
 */
import type {Plane} from '../model.js'
import type {Net4Override} from '../districts.js'
import type {Connection} from './connections.js'

export type CostBearer = 'bureau' | 'unit'

export interface ProbeRecord {
  target: string
  ok: boolean
  status?: number
  latencyMs?: number
  error?: string
  errorCode?: string
}

export interface BusinessTest {
  at: string
  by: string
  passed: boolean
  /** probes run by egov, or a unit's own manual test */
  method: 'probe' | 'manual'
  probes?: ProbeRecord[]
  note?: string
}

/** A block a plan reserved; override: the pool is not the unit's under NET-4, recorded with the reason given. */
export interface PlannedBlock {
  allocationId: number
  cidr: string
  pool: string
  at: string
  by: string
  override?: Net4Override
}

/** What an onboarding or change request carries. */
export interface ConnectionRequest {
  unit: string
  /** NET-3 category of the unit (第十一条 (一)–(四)). */
  category: 1 | 2 | 3 | 4
  basis: string
  accessMode?: string
  scope?: string
  hosts?: number
  prefixLength?: number
  /** Dual stack: an IPv6 block of this prefix length beside the IPv4 one, planned in the same step. */
  prefixLengthV6?: number
  plane: Plane
  bandwidthMbps?: number
  business?: string
  /** 归口部门: category 4 applies through it, and it carries the unit's security responsibility. */
  sponsor?: string
  costBearer?: CostBearer
  /** The technical plan: the block reserved for the unit; override: NET-4 waived, and why. */
  plan?: PlannedBlock
  /** Dual stack: the IPv6 block reserved in the same plan. */
  planV6?: PlannedBlock
  implementNote?: string
  tests?: BusinessTest[]
  /** For a change: the connection before it. */
  previous?: Connection
  /** Rejected (NET-5): the path of the written reply (不予批准通知书) and its document number. */
  notice?: string
  noticeNumber?: string
}

export interface DecisionRequest {
  unit: string
  /** The connection's plane (a unit holds one connection per plane); absent in requests filed before 025: the unit's only one. */
  plane?: Plane
  reason?: string
  rectifyBy?: string
  note?: string
  /** Path of the written notice, once the decision is carried out. */
  notice?: string
  /** Its document number (发文字号), e.g. 甘数〔2026〕3号. */
  noticeNumber?: string
  addresses?: string[]
}
