/**
 * Service-item lists (政务服务事项清单, ITEM-1..8) as a library: the area's one entrance.
 * model (the layout, items, versions, their contents), import (a list read, checked and
 * applied), export and template (the workbook and CSV out), diff (two versions compared),
 * lifecycle (open, change, suspend, terminate: ITEM-4..6) and cases (办件量, ITEM-8).
 * Request kinds are listed by src/core/kinds.ts from request-kinds.ts.
 */
export * from './cases.js'
export * from './diff.js'
export * from './export.js'
export * from './import.js'
export * from './lifecycle.js'
export * from './model.js'
export * from './template.js'
