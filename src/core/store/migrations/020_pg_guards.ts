import {type Kysely, sql} from '#kysely'

import type {SqlDialect} from './helpers.js'

/** The history tables: written once, never changed (issue 18). */
export const APPEND_ONLY_TABLES = ['audit_log', 'request_transitions', 'cert_events', 'cloud_events'] as const

/** Tables whose rows name who did something, and when: [table, actor column, time column]. */
const STAMPED: Array<[string, string, string]> = [
  ['audit_log', 'actor', 'at'],
  ['request_transitions', 'actor', 'at'],
  ['cert_events', 'actor', 'at'],
  ['cloud_events', 'actor', 'at'],
  ['requests', 'filed_by', 'filed_at'],
]

/**
 * The database enforces the trail too, on PostgreSQL (issue 18). An operator's login can run
 * any SQL its grants allow; these triggers hold whatever it runs:
 *
 * - every history, audit and request row it inserts names the login itself (session_user,
 *   which neither SET ROLE nor `-c role=` changes) and, on a real database, is dated by the
 *   server's clock (within two seconds of the transaction; a rehearsal database keeps its
 *   set clock);
 * - history and audit rows are never updated, deleted or truncated;
 * - a request changes state, or is filed, only together with its transition row written in
 *   the same transaction (checked at commit);
 * - the setting that makes a database a rehearsal one is never changed.
 *
 * The owner of the tables (the role that runs `egov db init`, and superusers) is not held:
 * it owns the schema and could drop the triggers anyway; `egov db restore` runs as it. The
 * audit key (issue 18) is what holds against the owner. SQLite has one file and no logins:
 * nothing to do there.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect !== 'postgres') return
  await sql`
    create or replace function egov_is_owner(rel oid) returns boolean language sql stable as $$
      select pg_has_role(session_user, (select relowner from pg_class where oid = rel), 'MEMBER')
    $$`.execute(db)
  await sql`
    create or replace function egov_append_only() returns trigger language plpgsql as $$
    begin
      if egov_is_owner(TG_RELID) then
        if TG_LEVEL = 'STATEMENT' then return null; end if;
        if TG_OP = 'DELETE' then return OLD; end if;
        return NEW;
      end if;
      raise exception 'egov: % on % refused for %: history and audit rows are written once and never changed (issue 18)', TG_OP, TG_TABLE_NAME, session_user
        using errcode = '42501';
    end $$`.execute(db)
  await sql`
    create or replace function egov_stamped() returns trigger language plpgsql as $$
    declare
      who text := to_jsonb(NEW) ->> TG_ARGV[0];
      stamped timestamptz;
    begin
      if egov_is_owner(TG_RELID) then return NEW; end if;
      if who is distinct from session_user::text then
        raise exception 'egov: login % may not record % as the % of a % row: the login is who acts (issue 18)', session_user, coalesce(who, 'nobody'), TG_ARGV[0], TG_TABLE_NAME
          using errcode = '42501';
      end if;
      if not exists (select 1 from settings where key = 'database.kind' and value = 'rehearsal') then
        stamped := (to_jsonb(NEW) ->> TG_ARGV[1])::timestamptz;
        if stamped < now() - interval '2 seconds' or stamped > clock_timestamp() + interval '2 seconds' then
          raise exception 'egov: a % row dated % refused: on a real database times come from the server clock (now %) (issue 18)', TG_TABLE_NAME, stamped, clock_timestamp()
            using errcode = '42501';
        end if;
      end if;
      return NEW;
    end $$`.execute(db)
  await sql`
    create or replace function egov_state_has_history() returns trigger language plpgsql as $$
    begin
      if egov_is_owner(TG_RELID) then return null; end if;
      if not exists (
        select 1 from request_transitions t
        where t.request_id = NEW.id and t.to_state = NEW.state and t.xmin = pg_current_xact_id()::xid
      ) then
        raise exception 'egov: request % put in state % without its history row in the same transaction (issue 18)', NEW.id, NEW.state
          using errcode = '42501';
      end if;
      return null;
    end $$`.execute(db)
  await sql`
    create or replace function egov_kind_fixed() returns trigger language plpgsql as $$
    begin
      if egov_is_owner(TG_RELID) then
        if TG_OP = 'DELETE' then return OLD; end if;
        return NEW;
      end if;
      if (TG_OP <> 'INSERT' and OLD.key = 'database.kind') or (TG_OP <> 'DELETE' and NEW.key = 'database.kind') then
        raise exception 'egov: whether a database is a rehearsal one is fixed at its creation (issue 18)' using errcode = '42501';
      end if;
      if TG_OP = 'DELETE' then return OLD; end if;
      return NEW;
    end $$`.execute(db)

  for (const table of APPEND_ONLY_TABLES) {
    await sql.raw(`create trigger ${table}_append_only before update or delete on ${table} for each row execute function egov_append_only()`).execute(db)
    await sql.raw(`create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function egov_append_only()`).execute(db)
  }
  for (const [table, actor, at] of STAMPED) {
    await sql.raw(`create trigger ${table}_stamped before insert on ${table} for each row execute function egov_stamped('${actor}', '${at}')`).execute(db)
  }
  await sql`
    create constraint trigger requests_state_history after insert or update of state on requests
    deferrable initially deferred for each row execute function egov_state_has_history()`.execute(db)
  await sql`create trigger settings_kind_fixed before insert or update or delete on settings for each row execute function egov_kind_fixed()`.execute(db)
  await sql`create trigger settings_no_truncate before truncate on settings for each statement execute function egov_append_only()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of APPEND_ONLY_TABLES) {
    await sql.raw(`drop trigger if exists ${table}_append_only on ${table}; drop trigger if exists ${table}_no_truncate on ${table}`).execute(db)
  }
  for (const [table] of STAMPED) await sql.raw(`drop trigger if exists ${table}_stamped on ${table}`).execute(db)
  await sql
    .raw('drop trigger if exists requests_state_history on requests; drop trigger if exists settings_kind_fixed on settings; drop trigger if exists settings_no_truncate on settings')
    .execute(db)
  await sql.raw('drop function if exists egov_kind_fixed(), egov_state_has_history(), egov_stamped(), egov_append_only(), egov_is_owner(oid)').execute(db)
}
