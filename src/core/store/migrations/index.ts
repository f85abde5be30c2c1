import type {Kysely, Migration} from '#kysely'

import * as m001 from './001_foundation.js'
import * as m002 from './002_net.js'
import * as m003 from './003_units_netreq.js'
import * as m004 from './004_request_summary.js'
import * as m005 from './005_items.js'
import * as m006 from './006_cert.js'
import * as m008 from './008_kiosk.js'
import * as m009 from './009_cloud.js'
import * as m010 from './010_cloud_exceptions.js'
import * as m011 from './011_cloud_security_steps.js'
import * as m012 from './012_cloud_migration.js'
import * as m013 from './013_cloud_orders_reports.js'
import * as m014 from './014_cert_blocklist.js'
import * as m015 from './015_notice_numbers.js'
import * as m017 from './017_cert_inventory_issuer.js'
import * as m018 from './018_operators.js'
import * as m019 from './019_audit_mac.js'
import * as m020 from './020_pg_guards.js'
import * as m021 from './021_id_hash_scheme.js'
import * as m022 from './022_cert_hierarchy.js'
import * as m023 from './023_cert_profiles.js'
import * as m024 from './024_net_districts.js'
import * as m025 from './025_net_connection_planes.js'
import type {SqlDialect} from './helpers.js'
import {migrationNames} from './names.js'

interface DialectMigration {
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>
  down?(db: Kysely<unknown>): Promise<void>
}

/** Every migration, in order. Names sort; never rename or edit one that has shipped. */
const ordered: Record<string, DialectMigration> = {
  '001_foundation': m001,
  '002_net': m002,
  '003_units_netreq': m003,
  '004_request_summary': m004,
  '005_items': m005,
  '006_cert': m006,
  // 007 was reserved for the cloud area, which came after 008 had shipped: it is 009.
  '008_kiosk': m008,
  '009_cloud': m009,
  '010_cloud_exceptions': m010,
  '011_cloud_security_steps': m011,
  '012_cloud_migration': m012,
  '013_cloud_orders_reports': m013,
  '014_cert_blocklist': m014,
  '015_notice_numbers': m015,
  '017_cert_inventory_issuer': m017,
  '018_operators': m018,
  '019_audit_mac': m019,
  '020_pg_guards': m020,
  '021_id_hash_scheme': m021,
  '022_cert_hierarchy': m022,
  '023_cert_profiles': m023,
  '024_net_districts': m024,
  '025_net_connection_planes': m025,
}

// names.ts lists them for a start that runs none; a migration added here and not there (or the
// reverse) would be skipped or looked for in vain.
if (Object.keys(ordered).sort().join() !== migrationNames.join()) throw new Error('store/migrations/names.ts does not list the migrations of store/migrations/index.ts')

export {migrationNames}

export function migrationsFor(dialect: SqlDialect): Record<string, Migration> {
  return Object.fromEntries(Object.entries(ordered).map(([name, m]) => [name, {up: (db: Kysely<unknown>) => m.up(db, dialect), down: m.down?.bind(m)}]))
}
