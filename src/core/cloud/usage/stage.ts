import {CompiledQuery, type Kysely, sql} from '#kysely'

import type {Database, SqlDialect} from '../../store/index.js'

/** Rows staged per statement: SQLite prepares every statement anew, so many small ones cost less than few huge ones. */
const SQLITE_BATCH = 1000
/** Rows staged per statement on PostgreSQL, as four arrays through unnest(). */
const PG_BATCH = 10_000

/** A staged row as the duplicates query unpacks it: the sample, and the part (file and sheet) and row it came from. */
export interface StagedRow {
  system_id: number
  at: number
  cpu: number
  memory: number
  disk: number
  part: number
  row: number
}

/**
 * The staging table of one import, in the import's transaction (a temporary table: SQLite
 * keeps it in a temporary file, PostgreSQL drops it at commit), written in batches.
 */
export class Stage {
  rows = 0
  private readonly dialect: SqlDialect
  private readonly batch: number
  private readonly cols: [number[], number[], number[], number[]] = [[], [], [], []]

  /** The connection the staging table lives in: the pinned one, then its write transaction. */
  constructor(
    public db: Kysely<Database>,
    dialect: SqlDialect,
  ) {
    this.dialect = dialect
    this.batch = dialect === 'postgres' ? PG_BATCH : SQLITE_BATCH
  }

  async create(): Promise<void> {
    // Four numbers a row, packed: usage = cpu·2²⁰ + memory·2¹⁰ + disk (each 0–1000 < 2¹⁰), and
    // source = part·2³² + line, where the row came from. No key and no index: rows are appended
    // as they come, and the queries below sort once each.
    const columns = sql`system_id integer not null, at bigint not null, usage integer not null, source bigint not null`
    // Staged outside the write transaction (issue 20): a session's temporary table, written
    // without the database's write lock, and dropped when the import is done.
    await sql`drop table if exists ${sql.raw(this.dialect === 'postgres' ? 'pg_temp' : 'temp')}.cloud_usage_in`.execute(this.db)
    await sql`create temporary table cloud_usage_in (${columns})`.execute(this.db)
  }

  add(system: number, at: number, cpu: number, memory: number, disk: number, part: number, line: number): Promise<void> | void {
    const c = this.cols
    c[0].push(system)
    c[1].push(at)
    c[2].push(cpu * 1_048_576 + memory * 1024 + disk)
    c[3].push(part * 4_294_967_296 + line)
    this.rows++
    if (c[0].length >= this.batch) return this.flush()
  }

  async flush(): Promise<void> {
    const c = this.cols
    const n = c[0].length
    if (!n) return
    if (this.dialect === 'postgres') {
      await this.db.executeQuery(CompiledQuery.raw('insert into cloud_usage_in (system_id, at, usage, source) select * from unnest($1::integer[], $2::bigint[], $3::integer[], $4::bigint[])', c))
    } else {
      const params = new Array<number>(n * 4)
      // The four columns grow together: each has n numbers.
      for (let r = 0, p = 0; r < n; r++) {
        params[p++] = c[0][r]!
        params[p++] = c[1][r]!
        params[p++] = c[2][r]!
        params[p++] = c[3][r]!
      }
      await this.db.executeQuery(CompiledQuery.raw(sqliteInsert(n), params))
    }
    for (const col of c) col.length = 0
  }

  /** Every staged row whose system and time another staged row has too, in file order within each sample. */
  async duplicates(): Promise<StagedRow[]> {
    const {rows} = await sql<Record<string, number | string>>`
      select system_id, at, usage, source from cloud_usage_in
      where (system_id, at) in (select system_id, at from cloud_usage_in group by system_id, at having count(*) > 1)
      order by system_id, at, source`.execute(this.db)
    return rows.map((r) => {
      const usage = Number(r.usage)
      const source = Number(r.source)
      return {
        system_id: Number(r.system_id),
        at: Number(r.at),
        cpu: usage >>> 20,
        memory: (usage >>> 10) & 1023,
        disk: usage & 1023,
        part: Math.floor(source / 4_294_967_296),
        row: source % 4_294_967_296,
      }
    })
  }

  /** The staged samples into cloud_usage, unpacked, in key order; those already recorded are left as they are. Returns how many were added. */
  async commit(): Promise<number> {
    // In key order: the samples go into the primary key's b-tree one page after another.
    const r = await sql`
      insert into cloud_usage (system_id, at, cpu, memory, disk)
      select system_id, at, usage >> 20, (usage >> 10) & 1023, usage & 1023 from cloud_usage_in where true order by system_id, at
      on conflict do nothing`.execute(this.db)
    return Number(r.numAffectedRows ?? 0)
  }

  /** Dropped once the import is done, committed or not (outside the write transaction). */
  async drop(): Promise<void> {
    await sql`drop table if exists ${sql.raw(this.dialect === 'postgres' ? 'pg_temp' : 'temp')}.cloud_usage_in`.execute(this.db)
  }
}

const sqliteInserts = new Map<number, string>()

function sqliteInsert(rows: number): string {
  let text = sqliteInserts.get(rows)
  if (!text) {
    text = `insert into temp.cloud_usage_in (system_id, at, usage, source) values ${new Array(rows).fill('(?,?,?,?)').join(',')}`
    sqliteInserts.set(rows, text)
  }
  return text
}
