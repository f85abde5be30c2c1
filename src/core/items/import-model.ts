import type {Encoding, FormNote, FoundSheet, LocatedProblem, StagedRows} from '../io/index.js'
import type {Locale} from '../i18n/index.js'
import type {Store, WriteContext} from '../store/index.js'
import type {PartKey, StatusEvent} from './model.js'

/** What `egov items import` is given and what it comes to (import.ts), and what its steps share (import-apply.ts, import-requests.ts). */

export interface ItemImportOptions {
  dryRun?: boolean
  encoding?: Encoding
  locale?: Locale
  /** Write the clerk's workbook back, each problem marked on its cell, plus a summary sheet. */
  report?: string
  /** The file is the whole list of its 实施主体: their items not in it are removed (open ones by a terminate request). */
  replace?: boolean
  /** More than REMOVAL_LIMIT removals were confirmed (--yes, or yes at the prompt). */
  confirmed?: boolean
  /** Refuse the import (ITEM-4, exit 5) instead of filing requests when it would change or remove an open item. */
  refuseOpen?: boolean
  /** The date the filed requests take effect (default: the earliest the ITEM-4 notice allows). */
  effective?: string
  /** The reason given in the filed requests and their announcements. */
  reason?: string
}

/** A lifecycle request an import filed (or, in a dry run, would file; or found already filed) for an open item. */
export interface ImportRequest {
  id: number | null
  action: 'change' | 'terminate'
  code: string
  name: string
  effective: string | null
  /** change: the 基本信息 elements proposed, by header; the parts (办理流程, 申请材料) replaced. */
  set?: Record<string, string>
  parts?: string[]
}

export interface ItemImportResult {
  files: string[]
  dryRun: boolean
  /** The version recorded; null when nothing in the list changed directly (or a dry run). */
  version: number | null
  /** Nothing changed and no request filed: the file is the list as it stands. */
  unchanged: boolean
  items: number
  steps: number
  materials: number
  added: number
  changed: number
  removed: number
  /** Items of the file that are as the list has them. */
  same: number
  /** The 实施主体 of the file. */
  bodies: string[]
  /** Whether the file replaced its bodies' whole lists (--replace). */
  replace: boolean
  /** Items of the file's bodies that the file does not list, kept because it is not a --replace. */
  kept: number
  /** ITEM-4: the change and terminate requests filed for open items (which stay as they are until approved). */
  requests: ImportRequest[]
  /** Requests for the same proposal filed by an earlier import and still waiting: not filed again. */
  awaiting: ImportRequest[]
  /** Open items already scheduled to terminate (an approved request): the file neither changes nor removes them. */
  terminating: string[]
  encodings: Record<string, string>
  /** The ITEM-5 clock a change starts: the library-update request and its due date. */
  clock: {requestId: number; dueOn: string | null} | null
  report: {file: string; marked: number} | null
  /** What the reader passed over without refusing: footer rows skipped, columns ignored (序号, 备注). */
  notes: FormNote[]
}

/** Removing more items than this at once needs a confirmation: a yes on a terminal, or --yes. */
export const REMOVAL_LIMIT = 3

/** What an import found, committed or rolled back (the file had problems, or this was a dry run): its problems and the sheets they are on. */
export interface Outcome {
  problems: LocatedProblem[]
  sheets: FoundSheet[]
}

/** One import, shared by its steps: what it was given, what reading the file gathered, and the result it fills in. */
export interface ImportRun {
  store: Store
  files: string[]
  options: ItemImportOptions
  /** The files' names, as messages, the audit and the requests give the source. */
  label: string
  /** The files' SHA-256, taken while they are read (readList). */
  sha256: string
  /** --effective, checked; undefined: each request's earliest date. */
  effectiveGiven: string | undefined
  /** The reason the filed requests give. */
  reason: string
  result: ItemImportResult
  /** The codes of the file's 基本信息 rows, and their 实施主体. */
  seen: Set<string>
  bodies: Set<string>
  /** 办理流程 and 申请材料 rows, packed, by item code. */
  parts: Record<PartKey, Map<string, string[]>>
  /** The 基本信息 rows, staged on disk as they are read. */
  staged: StagedRows
  /** --report: the clerk's workbook back, annotated (nothing without --report). */
  report(outcome: Outcome): Promise<void>
}

/** An open item's proposed change: its 基本信息 row when it differs, and the parts (办理流程, 申请材料) it replaces. */
export interface Proposal {
  basic?: string[]
  parts: Partial<Record<PartKey, string[][]>>
}

/** The import under the write lock: the list as it stands, the version being written, and what the comparison finds. */
export interface Applying {
  run: ImportRun
  ctx: WriteContext
  dry: boolean
  /** code → hash of every current item's 基本信息. */
  current: Map<string, string>
  events: Map<string, StatusEvent[]>
  /** Items the public can see (ITEM-4): they change only by an approved request. */
  open: Set<string>
  /** The version being written (0 in a dry run). */
  version: number
  /** Items not open whose elements the file changes directly. */
  changed: Set<string>
  /** Open items whose file rows differ: filed as change requests. */
  proposed: Map<string, Proposal>
}
