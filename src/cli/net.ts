import type {ChalkInstance} from 'chalk'

import type {Locale} from '../core/i18n/index.js'
import {t} from '../core/i18n/index.js'
import type {Allocation, DistrictUsage, PoolUsage, UnitUsage} from '../core/net/index.js'
import {type Column, renderTable} from './table.js'

/** Address counts read best grouped: 65,536; IPv6 counts as powers of two past a trillion. */
export function formatCount(value: string | bigint): string {
  const n = BigInt(value)
  if (n >= 1n << 40n && (n & (n - 1n)) === 0n) return `2^${n.toString(2).length - 1}`
  if (n >= 10n ** 15n) return `${(Number(n) / 2 ** Math.floor(Math.log2(Number(n)))).toFixed(2)}×2^${Math.floor(Math.log2(Number(n)))}`
  return n.toLocaleString('en-US')
}

function bar(percent: number, width: number): string {
  const filled = Math.round((percent / 100) * width)
  return '█'.repeat(filled) + '░'.repeat(width - filled)
}

/**
 * The columns of a pool list: an indented tree with size, use and free space, percentage bars
 * when asked (on a terminal); for a script (\`forScript\`) the names unindented and the counts
 * as plain numbers, so a cell reads as it is.
 */
export function poolColumns(locale: Locale, color: ChalkInstance, options: {bars?: boolean; forScript?: boolean; districts?: boolean} = {}): Column<PoolUsage>[] {
  const count = (value: string) => (options.forScript ? value : formatCount(value))
  // The district column (NET-4): always for a script (a stable key), for people only when a pool records one.
  const district: Column<PoolUsage>[] = options.forScript || options.districts ? [{key: 'district', header: t('col.district', {}, locale), get: (p) => p.district ?? '', shrink: true}] : []
  return [
    {header: t('col.name', {}, locale), get: (p) => (options.forScript ? p.name : `${'  '.repeat(p.depth)}${p.depth ? '└ ' : ''}${p.name}`), shrink: true},
    {header: t('col.cidr', {}, locale), get: (p) => p.cidr},
    {header: t('col.plane', {}, locale), get: (p) => String(p.plane)},
    ...district,
    {header: t('col.size', {}, locale), get: (p) => count(p.size)},
    {
      header: t('col.used', {}, locale),
      get: (p) => (options.bars ? `${bar(p.usedPercent, 10)} ` : '') + `${p.usedPercent.toFixed(1)}%`,
      style: (text, p) => (p.usedPercent >= 90 ? color.red(text) : p.usedPercent >= 75 ? color.yellow(text) : text),
    },
    {header: t('col.free', {}, locale), get: (p) => count(p.free)},
  ]
}

/** Pools as an indented tree with size, use and free space; percentage bars when asked (on a terminal). */
export function poolTree(pools: PoolUsage[], locale: Locale, color: ChalkInstance, withBars = false): string {
  return renderTable(pools, poolColumns(locale, color, {bars: withBars}))
}

/** Address space per district, plane and family (NET-4). */
export function districtTable(districts: DistrictUsage[], locale: Locale, color: ChalkInstance): string {
  return renderTable(districts, [
    {header: t('col.district', {}, locale), get: (d) => d.district ?? t('net.noDistrict', {}, locale), shrink: true},
    {header: t('col.plane', {}, locale), get: (d) => String(d.plane)},
    {header: t('col.family', {}, locale), get: (d) => `IPv${d.family}`},
    {header: t('col.pools', {}, locale), get: (d) => String(d.pools)},
    {header: t('col.size', {}, locale), get: (d) => formatCount(d.size)},
    {
      header: t('col.used', {}, locale),
      get: (d) => `${d.usedPercent.toFixed(1)}%`,
      style: (text, d) => (d.usedPercent >= 90 ? color.red(text) : d.usedPercent >= 75 ? color.yellow(text) : text),
    },
    {header: t('col.free', {}, locale), get: (d) => formatCount(d.free)},
  ])
}

export function unitTable(units: UnitUsage[], locale: Locale): string {
  return renderTable(units, [
    {header: t('col.unit', {}, locale), get: (u) => u.unit, shrink: true},
    {header: t('col.allocations', {}, locale), get: (u) => String(u.blocks)},
    {header: 'IPv4', get: (u) => formatCount(u.ipv4)},
    {header: 'IPv6', get: (u) => (u.ipv6 === '0' ? '—' : formatCount(u.ipv6))},
  ])
}

/** The columns of an allocation list. */
export function allocationColumns(locale: Locale, color: ChalkInstance): Column<Allocation>[] {
  return [
    {header: t('col.id', {}, locale), get: (a) => String(a.id)},
    {header: t('col.cidr', {}, locale), get: (a) => a.cidr},
    {header: t('col.plane', {}, locale), get: (a) => String(a.plane)},
    {header: t('col.pool', {}, locale), get: (a) => a.pool, shrink: true},
    {header: t('col.unit', {}, locale), get: (a) => a.unit, shrink: true},
    {
      header: t('col.status', {}, locale),
      get: (a) => t(`net.status.${a.status}`, {}, locale),
      style: (text, a) => (a.status === 'released' ? color.dim(text) : a.status === 'reserved' ? color.yellow(text) : text),
    },
    {header: t('col.purpose', {}, locale), get: (a) => a.purpose ?? '', shrink: true},
  ]
}

export function allocationTable(allocations: Allocation[], locale: Locale, color: ChalkInstance): string {
  return renderTable(allocations, allocationColumns(locale, color))
}
