// Every request kind the engine carries, listed (issue 17). Each area exports its kinds from
// its request-kinds.ts and registers nothing on import; this list is handed to the engine when
// the store opens (StoreOptions.kinds: src/cli/base.ts passes it), so `egov requests approve`
// can act on any of them. A new area's request-kinds.ts is added here (test/core/layers.test.ts
// checks that none is left out).
import {CERT_KINDS} from './cert/request-kinds.js'
import {CLOUD_KINDS} from './cloud/request-kinds.js'
import {CONFIG_KINDS} from './config/request-kinds.js'
import {ITEM_KINDS} from './items/request-kinds.js'
import {KIOSK_KINDS} from './kiosk/request-kinds.js'
import {NET_KINDS} from './net/request-kinds.js'
import {OPERATOR_KINDS} from './operators/request-kinds.js'
import {WORKFLOW_KINDS} from './workflow/request-kinds.js'
import type {AnyKind} from './workflow/index.js'

export const KINDS: readonly AnyKind[] = [...WORKFLOW_KINDS, ...NET_KINDS, ...ITEM_KINDS, ...CERT_KINDS, ...OPERATOR_KINDS, ...CONFIG_KINDS, ...KIOSK_KINDS, ...CLOUD_KINDS]
