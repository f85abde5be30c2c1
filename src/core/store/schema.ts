import type {Generated} from '#kysely'

/**
 * Tables as the database holds them. Core modules convert rows to domain types at their edge.
 *
 * Long because: it is the one declaration of every table (some forty), in the order the
 * migrations made them, and test/core/schema-migrations.test.ts compares it, table by table
 * and column by column, with what the migrations really make. Split by area it would be the
 * same lines in more places, and Kysely's Database type would be assembled from them anyway.
 */
export interface RequestsTable {
  id: Generated<number>
  kind: string
  state: string
  applicant_unit: string
  filed_by: string
  /** JSON text: the kind's own content. */
  payload: string
  /** One line for lists, written with the payload (null on rows older than migration 004). */
  summary: string | null
  filed_at: string
  updated_at: string
  /** When the request entered its current state. */
  state_since: string
  /** Last working day (YYYY-MM-DD, China) to leave the current state; null in final states. */
  due_on: string | null
}

export interface RequestTransitionsTable {
  id: Generated<number>
  request_id: number
  from_state: string | null
  to_state: string
  action: string
  actor: string
  at: string
  comment: string | null
}

export interface AuditLogTable {
  seq: number
  at: string
  actor: string
  action: string
  entity_type: string
  entity_id: string
  before_json: string | null
  after_json: string | null
  prev_hash: string
  hash: string
  /** HMAC-SHA256 of hash under the audit key (migration 019); NULL for entries written before the key existed. */
  mac: string | null
}

/** One row (id 1): the last entry of the audit chain, so removing entries from its end shows. */
export interface AuditHeadTable {
  id: number
  seq: number
  hash: string
}

/** The operator roster (issue 18): who may act, with which roles, between which dates. */
export interface OperatorsTable {
  login: string
  name: string
  unit: string | null
  /** Role ids, comma-separated (core/operators ROLES). */
  roles: string
  /** China dates, YYYY-MM-DD. */
  active_from: string
  active_to: string | null
  added_at: string
  added_by: string
  retired_at: string | null
  retired_by: string | null
}

/** The last document number given to a notice kind in a year (migration 015). */
export interface NoticeNumbersTable {
  kind: string
  year: number
  last_number: number
}

/** Team-wide settings (working-day limits); personal ones live in the user's config file. */
export interface SettingsTable {
  key: string
  value: string
  updated_at: string
  updated_by: string
}

export interface CalendarYearsTable {
  year: number
  source: string
  loaded_at: string
  loaded_by: string
}

export interface CalendarDaysTable {
  day: string
  year: number
  /** 1: a make-up working day (调休上班); 0: a holiday. */
  is_workday: number
  name: string
}

export interface NetPoolsTable {
  id: Generated<number>
  name: string
  cidr: string
  family: number
  plane: number
  prefix: number
  start_key: string
  end_key: string
  parent_id: number | null
  note: string | null
  created_at: string
  created_by: string
  /** 属地 (NET-4), since 024. */
  district: string | null
  /** The level of unit it serves (分级接入, NET-4), since 024. */
  level: string | null
}

export interface NetAllocationsTable {
  id: Generated<number>
  pool_id: number | null
  pool_name: string
  cidr: string
  family: number
  plane: number
  prefix: number
  start_key: string
  end_key: string
  unit: string
  purpose: string | null
  /** active | reserved | released (kept for history). */
  status: string
  created_at: string
  created_by: string
  released_at: string | null
  released_by: string | null
}

export interface NetFreeTable {
  pool_id: number
  prefix: number
  start_key: string
}

export interface UnitsTable {
  id: Generated<number>
  name: string
  kind: string
  level: string
  parent_id: number | null
  contact: string | null
  phone: string | null
  /** city: paid from the city budget; self: pays its own way (NET-8). */
  budget: string
  created_at: string
  created_by: string
  updated_at: string
  /** 属地 (NET-4), since 024. */
  district: string | null
}

export interface NetConnectionsTable {
  unit_id: number
  /** in-service | cut-off | closed */
  status: string
  plane: number
  access_mode: string
  bandwidth_mbps: number
  /** bureau | unit (NET-8) */
  cost_bearer: string
  sponsor: string | null
  request_id: number
  since: string
  rectify_by: string | null
  updated_at: string
}

export interface ItemVersionsTable {
  id: Generated<number>
  created_at: string
  created_by: string
  /** The file(s) imported, or the request that changed an item. */
  source: string
  sha256: string
  /** import | change */
  origin: string
  /** JSON array: the 实施主体 whose items this version replaced. */
  bodies: string
  items: number
  added: number
  changed: number
  removed: number
  /** The ITEM-5 clock: the library-update request this change started. */
  request_id: number | null
}

export interface ItemRevisionsTable {
  id: Generated<number>
  code: string
  body: string
  type: string
  name: string
  version_from: number
  /** The version that changed or dropped it; null while current. */
  version_to: number | null
  hash: string
  /** The 基本信息 row, values in layout column order, packed (items/index.ts packRow). */
  content: string
}

export interface ItemPartsTable {
  id: Generated<number>
  code: string
  /** steps | materials */
  part: string
  version_from: number
  version_to: number | null
  hash: string
  /** The item's rows of that sheet, packed (items/index.ts packRows). */
  content: string
}

export interface ItemEventsTable {
  id: Generated<number>
  code: string
  /** The status from `effective` on (ITEM-4). */
  status: string
  effective: string
  request_id: number
  at: string
}

export interface ItemCasesTable {
  code: string
  year: number
  channel: string
  cases: number
  updated_at: string
}

export interface CertCaTable {
  id: number
  name: string
  key_spec: string
  cert_pem: string
  /** PKCS#8 encrypted under the CA passphrase; never printed. */
  key_pem: string
  not_after: string
  /** The number of the last CRL made. */
  crl_number: number
  crl_days: number
  /** Where the CRL is published: written into every certificate as its CRL distribution point. */
  crl_url: string | null
  crl_this_update: string | null
  crl_next_update: string | null
  /** The current CRL, DER in base64. */
  crl_der: string | null
  created_at: string
  created_by: string
  /** The root above this CA (cert_ca_roots.id); null for a self-signed CA standing alone. */
  root_id: number | null
  /** Where this CA's certificate is published: AIA caIssuers in every certificate it signs. */
  ca_url: string | null
  /** Set on a CA a rollover replaced (row 1 is always the CA that signs today). */
  retired_at: string | null
}

/** An offline root (issue 21): its certificate and CRL; its private key is never stored. */
export interface CertCaRootsTable {
  id: number
  name: string
  key_spec: string
  cert_pem: string
  not_after: string
  crl_number: number
  crl_days: number
  crl_url: string | null
  /** Where the root certificate is published: AIA caIssuers in the issuing CA's certificate. */
  ca_url: string | null
  crl_this_update: string | null
  crl_next_update: string | null
  crl_der: string | null
  created_at: string
  created_by: string
}

export interface CertHoldersTable {
  id: Generated<number>
  name: string
  unit_id: number
  /** null for holders of imported certificates given without an ID number. */
  id_salt: string | null
  /**
   * The resident ID number hashed (the number itself is never stored), as id_scheme says:
   * 'hmac-scrypt-v1' = HMAC-SHA256(ID sub-key of the audit key, scrypt(id, id_salt)), hex, so a
   * copy of the database alone cannot test guesses; 'scrypt' (or null, from before migration
   * 021) = scrypt(id, id_salt) alone, wrapped into the keyed form where the key is at hand.
   */
  id_hash: string | null
  /** How id_hash was made (migration 021): 'hmac-scrypt-v1' (keyed) or 'scrypt' (old, not yet wrapped); null without an ID number. */
  id_scheme: string | null
  id_last4: string | null
  created_at: string
  created_by: string
}

/** Keys revoked for key compromise, never certified again. */
export interface CertBlockedKeysTable {
  /** SHA-256 of the key's SubjectPublicKeyInfo (DER), hex. */
  spki_sha256: string
  /** The certificate whose revocation put it here. */
  serial: string
  blocked_at: string
  actor: string
}

/** Certificate profiles (migration 023): what each kind of certificate may do; see src/core/cert/profiles.ts. */
export interface CertProfilesTable {
  key: string
  name: string
  /** RFC 5280 names, comma-separated. */
  key_usage: string
  ext_key_usage: string
  /** The kind of key egov generates for a holder under this profile. */
  key_spec: string
  days: number
  max_days: number
  /** 1: the certificate lives on a medium (USB key, CERT-1). */
  medium: number
  /** dns, ip: comma-separated, or empty. */
  san: string
  /** 1: the encryption certificate of a signature/encryption pair (its key may be escrowed, cert.escrow). */
  encryption: number
  /** active | retired */
  status: string
  created_at: string
  created_by: string
  updated_at: string | null
  updated_by: string | null
  retired_at: string | null
  retired_by: string | null
}

export interface CertMediaTable {
  serial: string
  holder_id: number
  /** in-use | lost | damaged | replaced */
  status: string
  registered_at: string
  updated_at: string
}

export interface CertCertsTable {
  /** Hex, lower case, no leading zeros beyond the first byte. */
  serial: string
  /** issued | imported */
  source: string
  holder_id: number
  medium: string | null
  profile: string | null
  subject: string
  issuer: string
  key_spec: string | null
  /** generated (egov holds it, encrypted) | csr (the holder does) | external (imported) */
  key_origin: string
  not_before: string
  not_after: string
  /** valid | hold | revoked (expired is read from not_after) */
  status: string
  /** lost | suspended, while on hold */
  hold_kind: string | null
  revoked_at: string | null
  reason: string | null
  cert_pem: string
  key_pem: string | null
  /** PKCS#12 exports still allowed: one on issue, one per approved password reset (CERT-3). */
  p12_allowance: number
  request_id: number | null
  replaces: string | null
  replaced_by: string | null
  crl_url: string | null
  /** For an imported certificate: its issuer's certificate, when known, to verify the issuer's CRL. */
  issuer_pem: string | null
  checked_at: string | null
  created_at: string
  /** The certificate's serial, hex without leading zeros; unique with issuer_key (017). */
  serial_number: string | null
  /** SHA-256 (hex) of the issuer's Name, DER (017). */
  issuer_key: string | null
}

export interface CertEventsTable {
  id: Generated<number>
  serial: string
  event: string
  at: string
  actor: string
  request_id: number | null
  detail: string | null
}

export interface CertCrlCacheTable {
  url: string
  fetched_at: string
  next_update: string | null
  der: string
}

/** A kiosk verified at its site (KIOSK-2): pending until its request is approved, then active. */
export interface KiosksTable {
  id: Generated<number>
  serial: string
  request_id: number
  unit: string
  site_no: number
  site_name: string
  site_location: string
  model: string
  heartbeat_url: string | null
  /** pending | failed | active | disconnected | retired */
  status: string
  note: string | null
  verified_at: string
  verified_by: string
  last_seen: string | null
  updated_at: string
}

export interface KioskEventsTable {
  id: Generated<number>
  kiosk_id: number
  event: string
  from_status: string | null
  to_status: string
  at: string
  actor: string
  request_id: number | null
  note: string | null
}

export interface KioskProbesTable {
  id: Generated<number>
  kiosk_id: number
  at: string
  /** up | slow | down | status */
  outcome: string
  status_code: number | null
  ms: number | null
}

/** An admitted government-cloud provider and what it offers (CLOUD-2, CLOUD-6). */
export interface CloudProvidersTable {
  id: Generated<number>
  name: string
  /** admitted | exited */
  status: string
  vcpu: number
  memory_gib: number
  storage_gib: number | string
  bandwidth_mbps: number
  extranet_ips: number
  internet_ips: number
  /** JSON array of zone names */
  zones: string
  request_id: number
  admitted_on: string
  reported_on: string
  exited_at: string | null
  updated_at: string
}

/** A tenant system (CLOUD-1, 3, 4, 5): its configuration as run and its agreed envelope in totals. */
export interface CloudSystemsTable {
  id: Generated<number>
  name: string
  unit: string
  level: number
  os: string
  exception_ref: string | null
  request_id: number
  /** applying | approved | agreed | in-service | releasing | wiped | released | rejected | withdrawn (012: names unique among the others) */
  status: string
  provider: string | null
  pool: string | null
  allocation_id: number | null
  vms: number
  vcpu: number
  memory_gib: number
  system_disk_gib: number
  data_disk_gib: number
  bandwidth_mbps: number
  extranet_ips: number
  internet_ips: number
  env_vcpu: number | null
  env_memory_gib: number | null
  env_storage_gib: number | null
  env_bandwidth_mbps: number | null
  env_extranet_ips: number | null
  env_internet_ips: number | null
  provisioned_at: string | null
  released_at: string | null
  created_at: string
  updated_at: string
  /** CLOUD-9: the approved cloud-exception request the system was admitted under (010_cloud_exceptions). */
  exception_id: number | null
}

export interface CloudAttachmentsTable {
  id: Generated<number>
  system_id: number | null
  request_id: number
  /** security-letter | plan | agreement | wipe-evidence | migration-plan (since 012 with the migration request's id) */
  role: string
  path: string
  size: number | string
  sha256: string
  at: string
  actor: string
}

export interface CloudEventsTable {
  id: Generated<number>
  system_id: number
  event: string
  at: string
  actor: string
  request_id: number | null
  status: string
  provider: string | null
  /** JSON: the system's configuration and envelope after the event */
  snapshot: string
  note: string | null
}

export interface CloudSecurityTable {
  id: Generated<number>
  system_id: number
  /** commitment | grading | crypto */
  kind: string
  on_date: string
  /** pass | fail; null for a commitment */
  result: string | null
  at: string
  actor: string
  /** the step's document by reference (011): absolute path, size and SHA-256 */
  document_path: string | null
  document_size: number | string | null
  document_sha256: string | null
}

/** The platform's own assessments per provider (CLOUD-7, 第十五条, 第二十四条). */
export interface CloudPlatformAssessmentsTable {
  id: Generated<number>
  provider: string
  /** grading | cloud-service | crypto */
  kind: string
  on_date: string
  /** pass | fail */
  result: string
  document_path: string | null
  document_size: number | string | null
  document_sha256: string | null
  at: string
  actor: string
}

/** One utilisation sample (CLOUD-8): epoch seconds, percentages in tenths. */
export interface CloudUsageTable {
  system_id: number
  at: number | string
  cpu: number
  memory: number
  disk: number
}

export interface Database {
  cloud_providers: CloudProvidersTable
  cloud_systems: CloudSystemsTable
  cloud_attachments: CloudAttachmentsTable
  cloud_events: CloudEventsTable
  cloud_security: CloudSecurityTable
  cloud_usage: CloudUsageTable
  cloud_platform_assessments: CloudPlatformAssessmentsTable
  kiosks: KiosksTable
  kiosk_events: KioskEventsTable
  kiosk_probes: KioskProbesTable
  item_versions: ItemVersionsTable
  item_revisions: ItemRevisionsTable
  item_parts: ItemPartsTable
  item_events: ItemEventsTable
  item_cases: ItemCasesTable
  cert_ca: CertCaTable
  cert_ca_roots: CertCaRootsTable
  cert_holders: CertHoldersTable
  cert_media: CertMediaTable
  cert_certs: CertCertsTable
  cert_events: CertEventsTable
  cert_crl_cache: CertCrlCacheTable
  cert_blocked_keys: CertBlockedKeysTable
  cert_profiles: CertProfilesTable
  units: UnitsTable
  net_connections: NetConnectionsTable
  net_pools: NetPoolsTable
  net_allocations: NetAllocationsTable
  net_free: NetFreeTable
  requests: RequestsTable
  request_transitions: RequestTransitionsTable
  audit_log: AuditLogTable
  audit_head: AuditHeadTable
  settings: SettingsTable
  operators: OperatorsTable
  notice_numbers: NoticeNumbersTable
  calendar_years: CalendarYearsTable
  calendar_days: CalendarDaysTable
  cloud_fix_orders: CloudFixOrdersTable
  cloud_provider_reports: CloudProviderReportsTable
}

/** A fix order (整改通知, CLOUD-8, 第二十条): the request that tracks it and the system it concerns. */
export interface CloudFixOrdersTable {
  id: Generated<number>
  request_id: number
  system_id: number
  deadline: string
  finding: string
  issued_at: string
  issued_by: string
  /** Set when the rectification is confirmed: the system may receive a new order. */
  closed_at: string | null
}

/** A provider's periodic operation report (第十条(二)), one per provider and period. */
export interface CloudProviderReportsTable {
  id: Generated<number>
  provider: string
  /** 2026-11 (a month) or 2026-Q4 (a quarter) */
  period: string
  first_month: string
  last_month: string
  due_on: string
  path: string
  size: number | string
  sha256: string
  received_on: string
  at: string
  actor: string
}
