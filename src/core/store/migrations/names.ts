// The names of every migration, in order, without their code (issue 17): opening a database
// that is up to date asks only which have run, so `egov requests list` loads none of the
// migrations themselves. migrations/index.ts (loaded when one is pending) checks that this
// list names exactly the migrations it carries.
export const migrationNames: readonly string[] = [
  '001_foundation',
  '002_net',
  '003_units_netreq',
  '004_request_summary',
  '005_items',
  '006_cert',
  '008_kiosk',
  '009_cloud',
  '010_cloud_exceptions',
  '011_cloud_security_steps',
  '012_cloud_migration',
  '013_cloud_orders_reports',
  '014_cert_blocklist',
  '015_notice_numbers',
  '017_cert_inventory_issuer',
  '018_operators',
  '019_audit_mac',
  '020_pg_guards',
  '021_id_hash_scheme',
  '022_cert_hierarchy',
  '023_cert_profiles',
  '024_net_districts',
  '025_net_connection_planes',
]
