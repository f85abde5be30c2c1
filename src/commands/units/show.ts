import * as Args from '@oclif/core/args'

import {EgovCommand} from '../../cli/base.js'
import {requestTable} from '../../cli/render.js'
import {accessModes, type Allocation, type Connection, connectionsOf, listAllocations} from '../../core/net/index.js'
import {findUnit, type Unit} from '../../core/units/index.js'
import {type ListedRequest, listRequests} from '../../core/workflow/index.js'

export default class UnitsShow extends EgovCommand<typeof UnitsShow> {
  static override summary = 'Show a unit: its details, extranet connection, addresses and requests'
  static override examples = ['<%= config.bin %> units show 市人力资源和社会保障局', '<%= config.bin %> units show 市邮政分公司 --json']

  static override args = {name: Args.string({description: 'the unit', required: true})}

  async run(): Promise<Unit & {connection: Connection | null; connections: Connection[]; addresses: Allocation[]; requests: ListedRequest[]}> {
    const store = await this.store()
    const unit = await findUnit(store, this.args.name, 'NAME')
    // One connection per plane: connection is the first open one (plane 1 first), connections all of them.
    const connections = await connectionsOf(store, unit)
    const connection = connections.find((c) => c.status !== 'closed') ?? connections[0] ?? null
    const addresses = await listAllocations(store, {unit: unit.name})
    const requests = await listRequests(store, {unit: unit.name})
    this.log(`${this.color.bold(unit.name)}  ${unit.kindName}  ${this.t(`units.level.${unit.level}`)}${unit.district ? `  ${unit.district}` : ''}${unit.parent ? `  ‹ ${unit.parent}` : ''}`)
    if (unit.contact || unit.phone) this.log(`${this.t('col.contact')}: ${unit.contact ?? ''} ${unit.phone ?? ''}`)
    this.log(`${this.t('col.budget')}: ${this.t(`units.budget.${unit.budget}`)}`)
    for (const connection of connections) {
      const mode = accessModes().find((m) => m.key === connection.accessMode)?.name ?? connection.accessMode
      const line = this.t('netreq.connection', {
        status: this.t(`netreq.status.${connection.status}`),
        plane: this.t(connection.plane === 1 ? 'net.plane.1' : 'net.plane.2'),
        mode,
        bandwidth: connection.bandwidthMbps,
        bearer: this.t(`netreq.bearer.${connection.costBearer}`),
      })
      this.log(line + (connection.rectifyBy ? `, ${this.t('netreq.rectifyBy', {date: connection.rectifyBy})}` : ''))
    }
    if (addresses.length) this.log(`${this.t('col.cidr')}: ${addresses.map((a) => `${a.cidr} (${a.status})`).join(', ')}`)
    if (requests.length) this.log(requestTable(requests, this.locale, this.color))
    return {...unit, connection, connections, addresses, requests}
  }
}
