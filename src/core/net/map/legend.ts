/** The legend and the holders' colours, shared by the terminal and SVG renderers. */
import {formatAddress} from '../ip.js'
import {FREE_SYMBOL, type Holder, holderKind, MIXED_SYMBOL, OTHER_SYMBOL, type Part, shareText, sizeText, type Survey, symbolOf} from './survey.js'
import type {MapKind, MapLabels, PoolMap} from './types.js'

export interface LegendEntry {
  symbol: string
  /** For colouring; none for the mixed line. */
  kind?: MapKind
  label: string
  /** CIDR(s) held, or the largest free block. */
  where: string
  share: string
  /** SVG swatch. */
  fill: string
  opacity?: number
}

export function legend(map: PoolMap, s: Survey, labels: Required<MapLabels>, hasMixed: boolean): LegendEntry[] {
  const entries: LegendEntry[] = []
  const where = (part: Part) => (part.blocks <= part.cidrs.length ? part.cidrs.join(', ') : `${part.cidrs[0]} +${part.blocks - 1}`)
  for (const holder of s.named) {
    const named = holder.kind === 'pool' ? `${holder.name} (${labels.pool})` : holder.name
    const name = holder.district && holder.district !== map.district ? `${named} [${holder.district}]` : named
    if (holder.active.size > 0n) {
      entries.push({
        symbol: symbolOf(holder, false),
        kind: holderKind(holder, false),
        label: name,
        where: where(holder.active),
        share: shareText(holder.active.size, s.total),
        fill: colourOf(holder),
      })
    }
    if (holder.reserved.size > 0n) {
      entries.push({
        symbol: symbolOf(holder, true),
        kind: 'reserved',
        label: `${holder.name} (${labels.reserved})${holder.district && holder.district !== map.district ? ` [${holder.district}]` : ''}`,
        where: where(holder.reserved),
        share: shareText(holder.reserved.size, s.total),
        fill: colourOf(holder),
        opacity: RESERVED_OPACITY,
      })
    }
  }
  if (s.others.count > 0) {
    entries.push({
      symbol: OTHER_SYMBOL,
      kind: 'allocation',
      label: `${labels.others} (${s.others.count})`,
      where: '',
      share: shareText(s.others.size, s.total),
      fill: OTHER_FILL,
    })
  }
  if (hasMixed) entries.push({symbol: MIXED_SYMBOL, label: labels.mixed, where: '', share: '', fill: 'url(#mixed)'})
  const largest = s.largestFree
  entries.push({
    symbol: FREE_SYMBOL,
    kind: 'free',
    label: labels.free,
    where: largest ? `${labels.largest} ${formatAddress(largest.start, map.family)}${sizeText(largest.size, map.family)}` : '',
    share: shareText(s.free, s.total),
    fill: FREE_FILL,
  })
  return entries
}

/**
 * Twenty holder colours, cycled past 20 holders (the legend and tooltips tell them apart then).
 * Chosen so that any two differ by at least 25 in CIELAB (ΔE*76; the old Tableau/d3 mix had
 * pairs at 10.5, such as #59a14f/#2ca02c) and from the free and "other" greys, and ordered dark,
 * light, dark, … so that consecutive holders also differ in lightness (ΔL* ≥ 15), which keeps
 * them apart on a grey-scale print and for colour-blind readers.
 */
export const PALETTE = [
  '#4e79a7',
  '#d1b647',
  '#212183',
  '#81ab2b',
  '#6c47d1',
  '#47d147',
  '#c847d1',
  '#aee9a5',
  '#832162',
  '#47c8d1',
  '#762d37',
  '#7c7cde',
  '#ab2b2b',
  '#e4a5e9',
  '#76542d',
  '#de7c89',
  '#2d7637',
  '#d17e47',
  '#2d7671',
  '#e9d2a5',
]
export const FREE_FILL = '#e5e7eb'
export const OTHER_FILL = '#a8a29e'
export const RESERVED_OPACITY = 0.45

export function colourOf(holder: Holder): string {
  return holder.rank >= 0 ? PALETTE[holder.rank % PALETTE.length]! : OTHER_FILL
}
