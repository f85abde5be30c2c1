/**
 * The net area's only entrance (issue 17): re-exports, no code. Files outside src/core/net
 * import the area from here (test/core/layers.test.ts); files inside it import the module
 * that holds what they need.
 */
export * from './ip.js'
export {type Allocation, type AllocationRow, type AllocationStatus, HOLDING_STATUSES, parsePlane, parseStatus, type Plane, type Pool, type PoolRow, toAllocation, toPool} from './model.js'
export {type AddPoolInput, type AddPoolResult, addPool, addPoolIn, allPools, findPool, looksLikeAddress, removePool, removePoolIn, treeOrder} from './pools.js'
export {freeAround, freeContaining, PoolFreeSpace, releaseToFree} from './free-space.js'
export {type AllocateInput, allocate, allocateIn, type AllocationFilter, allocationSize, findAllocation, listAllocations, release, releaseByHand, releaseByHandIn} from './allocations.js'
export {placeImported, placeImportedMany} from './placement.js'
export {type DistrictUsage, type FreeResult, freeBlocks, type PoolUsage, type UnitUsage, usage, type UsageReport} from './usage.js'
export {find, findAt, findByText, type FindResult, type HistoryResult, looksLikeAddressQuery, parseAt, type TextSearchResult} from './search.js'
export {
  FREE_FILL,
  type MapKind,
  type MapLabels,
  type MapSegment,
  OTHER_FILL,
  PALETTE,
  type PoolMap,
  poolMap,
  renderSvgMap,
  renderTerminalMap,
  type SvgMapOptions,
  type TerminalMapOptions,
} from './map/index.js'
export {registeredUnit, suggestUnit} from './registry.js'
export {protectionOf, refuseIfProtected, type Protection} from './protect.js'
export {levelServes, type Net4Mismatch, net4Mismatches, type Net4Pool, type Net4Unit} from './rules.js'
export {editAllocation, type EditedAllocation, type EditedPool, editPool, liftPool, poolContents} from './edit.js'
export {exportPlan, importPlan, type ImportResult, netPlanLayout} from './plan.js'
export type {ImportUpdate} from './plan-allocations.js'
export {
  accessModes,
  type AccessMode,
  applyForChange,
  applyForConnection,
  applyToClose,
  applyToCutOff,
  applyToRestore,
  type ApplyInput,
  type BusinessTest,
  type ChangeInput,
  type Connection,
  type ConnectionRequest,
  type ConnectionStatus,
  connectionsOf,
  type CutOffEntry,
  cutOffList,
  type DecisionRequest,
  implementRequest,
  planRequest,
  type ProbeRecord,
  recordBusinessTest,
  type YearReport,
  yearReport,
} from './requests/index.js'
export {type AdoptRequest, applyForAdoption} from './adopt.js'
export {type FormProblem, readApplication, writeApplicationTemplate} from './application-form.js'
export {writeYearReport} from './report-io.js'
