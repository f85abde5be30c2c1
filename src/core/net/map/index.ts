/**
 * The pool map: a pool's address range drawn as a grid of equal slices, for the terminal
 * (one character per slice, then a legend) and as a standalone SVG document.
 *
 * Everything is arithmetic on bigint slices of the range, never on single addresses, so an
 * IPv6 /32 costs the same as an IPv4 /24. Segments and cells are walked together in one
 * pass (both are in address order), so 100,000 segments cost one visit each, not one per cell.
 *
 * Pure: no I/O, no CLI packages. Colour is the caller's (`color`), and so is every word a
 * person reads (`legendLabels`; the English defaults are only a fallback).
 */
export {FREE_FILL, OTHER_FILL, PALETTE} from './legend.js'
export {poolMap} from './pool-map.js'
export {renderSvgMap} from './svg.js'
export {renderTerminalMap} from './terminal.js'
export type {MapKind, MapLabels, MapSegment, PoolMap, SvgMapOptions, TerminalMapOptions} from './types.js'
