// The composition root of request kinds: every kind the engine carries is imported here,
// so `egov requests approve` can act on any of them. Each area adds its kind module.
import './workflow/kinds/ticket.js'
import './net/request-kinds.js'
import './items/request-kinds.js'
import './cert/request-kind.js'
import './operators/index.js'
import './config/settings-kind.js'

export {allKinds, findKind} from './workflow/registry.js'
import './kiosk/request-kind.js'
import './cloud/request-kinds.js'
