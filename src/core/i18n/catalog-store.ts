/**
 * Messages of the database: opening, migrating, the write queue, backups and grants.
 * Spread into the one catalogue in catalog.ts.
 */
export const storeEntries = {
  // ---- store
  'store.badUrl': {en: 'EGOV_DATABASE_URL must start with postgres:// or postgresql://', zh: 'EGOV_DATABASE_URL 必须以 postgres:// 或 postgresql:// 开头'},
  'store.unreachable': {en: 'cannot reach the database: {reason}', zh: '无法连接数据库：{reason}'},
  'store.migrationDenied': {
    en: 'database migration {name} failed: {reason}. This login may not change the schema: the owner role runs the migrations (egov db init, logged in as the owner) and then grants each operator its rights with egov db grant LOGIN (README, "A team on PostgreSQL")',
    zh: '数据库迁移 {name} 失败：{reason}。当前登录无权修改表结构：应由属主角色执行迁移（以属主身份登录后运行 egov db init），再用 egov db grant LOGIN 为每位操作员授权（见 README“A team on PostgreSQL”）',
  },
  'grant.sqliteOnly': {
    en: 'egov db grant is for a PostgreSQL database (EGOV_DATABASE_URL): a SQLite database is one file, kept 0600 for the login that runs egov',
    zh: 'egov db grant 仅用于 PostgreSQL 数据库（EGOV_DATABASE_URL）：SQLite 数据库是单个文件，权限为运行 egov 的登录用户独有（0600）',
  },
  'grant.noRoles': {
    en: '{login} is not on the roster: give --roles, or put them on it first (egov operators add {login} …)',
    zh: '{login} 不在名册中：请给出 --roles，或先用 egov operators add {login} … 列入名册',
  },
  'grant.noLogin': {
    en: 'there is no PostgreSQL login {login}: create it first (CREATE ROLE {login} LOGIN, as a role that may create roles), or print the statements with --sql',
    zh: 'PostgreSQL 中没有登录 {login}：请先创建（由有权创建角色者执行 CREATE ROLE {login} LOGIN），或用 --sql 打印语句',
  },
  'grant.notOwner': {
    en: "only the owner of egov's tables (the login that ran egov db init) may grant: {reason}",
    zh: '只有 egov 数据表的属主（运行 egov db init 的登录）可以授权：{reason}',
  },
  'grant.done.write': {
    en: 'granted {login} on schema {schema}: read everything, write the business tables, only append to the history and audit tables',
    zh: '已为 {login} 在 {schema} 上授权：可读全部，可写业务表，历史与审计表只可追加',
  },
  'grant.done.read': {en: 'granted {login} on schema {schema}: read only (审计员)', zh: '已为 {login} 在 {schema} 上授权：只读（审计员）'},
  'grant.done.none': {en: 'took every right on schema {schema} from {login} (retired)', zh: '已收回 {login} 在 {schema} 上的全部权限（已离任）'},
  'input.badAsOf': {
    en: 'as-of: {value} is not a date (YYYY-MM-DD, or an ISO date-time such as 2027-03-01T09:00:00+08:00)',
    zh: 'as-of：{value} 不是日期（YYYY-MM-DD，或 ISO 日期时间，如 2027-03-01T09:00:00+08:00）',
  },
  'store.asOfWrite': {en: '--as-of rehearses a day for reading; nothing is written under it (issue 18)', zh: '--as-of 仅用于按指定日期查看；不会据此写入任何内容（问题 18）'},
  'store.asOfBanner': {en: 'AS OF {date}: rehearsed with --as-of (what is due or expiring then); nothing is written', zh: '截至 {date}：以 --as-of 预演（届时到期或逾期的情况）；不写入任何内容'},
  'store.lockWaiting': {
    en: 'waiting for another egov writer to finish… (up to {seconds} s; EGOV_LOCK_WAIT)',
    zh: '正在等待另一个 egov 写入完成……（最多 {seconds} 秒；EGOV_LOCK_WAIT）',
  },
  'store.lockTimeout': {
    en: 'another egov writer held the database for the whole wait ({seconds} s, EGOV_LOCK_WAIT): nothing was written; run the command again when it has finished, or set EGOV_LOCK_WAIT to a longer wait in seconds',
    zh: '另一个 egov 写入在整个等待时间内（{seconds} 秒，EGOV_LOCK_WAIT）一直占用数据库：未写入任何内容；请待其完成后重新运行命令，或把 EGOV_LOCK_WAIT 设为更长的秒数',
  },
  'store.badLockWait': {
    en: 'EGOV_LOCK_WAIT: {value} is not a number of seconds from 0 to 86400 (how long a write waits for another writer; default 600)',
    zh: 'EGOV_LOCK_WAIT：{value} 不是 0 到 86400 之间的秒数（写入等待另一个写入的时长；默认 600）',
  },
  'store.noGrants': {
    en: 'the database login {login} has no rights on egov\'s tables yet ({reason}): the owner role grants them with egov db grant {login} (README, "A team on PostgreSQL")',
    zh: '数据库登录 {login} 尚无 egov 数据表的权限（{reason}）：应由属主角色运行 egov db grant {login} 授权（见 README“A team on PostgreSQL”）',
  },
  'store.dbRefused': {
    en: 'the database refused this change for {login}: {reason} (issue 18: on PostgreSQL the grants and triggers hold the trail; egov db grant gives a login what its roles need)',
    zh: '数据库拒绝了 {login} 的此项更改：{reason}（问题 18：PostgreSQL 上由授权与触发器守护记录；egov db grant 按角色授予所需权限）',
  },
  'store.clockOnReal': {
    en: 'EGOV_NOW is honoured only on a rehearsal database (egov db init --rehearsal); {location} is a real one, where the system clock dates everything: unset EGOV_NOW',
    zh: 'EGOV_NOW 只在演练数据库（egov db init --rehearsal）上生效；{location} 是正式数据库，一切记录以系统时钟为准：请取消 EGOV_NOW',
  },
  'store.operatorOnReal': {
    en: '{field} says "{claimed}", but on a real SQLite database ({location}) the operator recorded is the login, "{login}": unset {field}, or log in as that person (names are set freely only on a rehearsal database, egov db init --rehearsal)',
    zh: '{field} 为“{claimed}”，但正式 SQLite 数据库（{location}）记录的操作员是当前登录用户“{login}”：请取消 {field}，或以该人员身份登录（只有演练数据库 egov db init --rehearsal 可自由指定姓名）',
  },
  'store.notRehearsal': {
    en: '--rehearsal: {location} already exists as a real database; a rehearsal database is made new (another --db path or schema)',
    zh: '--rehearsal：{location} 已是正式数据库；演练数据库须新建（换一个 --db 路径或 schema）',
  },
  'store.rehearsalBanner': {
    en: 'REHEARSAL DATABASE: times and names here are rehearsed, not real records',
    zh: '演练数据库：此处的时间和人员均为演练，不是正式记录',
  },
  'backup.exists': {en: 'FILE: {file} exists; a backup never overwrites a file: name a new one', zh: 'FILE：{file} 已存在；备份不会覆盖已有文件：请另取文件名'},
  'backup.noFolder': {en: 'FILE: the folder {folder} does not exist', zh: 'FILE：文件夹 {folder} 不存在'},
  'backup.noUrl': {en: 'backup of PostgreSQL needs the database URL (EGOV_DATABASE_URL)', zh: '备份 PostgreSQL 需要数据库地址（EGOV_DATABASE_URL）'},
  'backup.noPgDump': {
    en: 'pg_dump/pg_restore is not installed on this machine: install the PostgreSQL client tools (Debian: apt install postgresql-client)',
    zh: '本机未安装 pg_dump/pg_restore：请安装 PostgreSQL 客户端工具（Debian：apt install postgresql-client）',
  },
  'backup.pgDumpFailed': {en: 'pg_dump/pg_restore failed: {reason}', zh: 'pg_dump/pg_restore 失败：{reason}'},
  'backup.missing': {en: 'FILE: there is no backup at {file}', zh: 'FILE：{file} 处没有备份'},
  'backup.noManifest': {
    en: 'FILE: {file} has no manifest ({manifest}); egov db backup writes one beside every backup, and a restore checks the copy against it',
    zh: 'FILE：{file} 缺少清单文件（{manifest}）；egov db backup 会在备份旁写出清单，恢复时据此核对',
  },
  'backup.badManifest': {en: 'FILE: {manifest} is not an egov backup manifest', zh: 'FILE：{manifest} 不是 egov 备份清单'},
  'backup.changed': {
    en: 'FILE: {file} is not the copy its manifest describes (SHA-256 {found}…, expected {expected}…): changed or truncated; nothing restored',
    zh: 'FILE：{file} 与清单记载的不符（SHA-256 为 {found}…，应为 {expected}…）：已被修改或不完整；未恢复任何内容',
  },
  'backup.targetNotEmpty': {
    en: '{target} is not empty: a restore goes into a new, empty database only (name another with --db, or another schema)',
    zh: '{target} 不是空库：只能恢复到新的空数据库（用 --db 另指文件，或另用 schema）',
  },
  'backup.otherSchema': {
    en: 'the backup is of schema {expected}; the target URL uses schema {schema}: restore into a schema of the same name',
    zh: '备份来自 schema {expected}，目标地址使用 schema {schema}：请恢复到同名 schema',
  },
  'backup.otherDialect': {en: 'FILE: this is a {dialect} backup; restore it into a {dialect} database', zh: 'FILE：这是 {dialect} 备份，请恢复到 {dialect} 数据库'},
  'backup.countMismatch': {en: 'restored, but table {table} has {found} rows where the manifest says {expected}', zh: '已恢复，但表 {table} 有 {found} 行，清单记载为 {expected} 行'},
  'backup.auditMismatch': {
    en: "restored, but the audit chain does not verify to the manifest's head (expected {expected}, found {found})",
    zh: '已恢复，但审计链未能校验到清单记载的末条（应为 {expected}，实为 {found}）',
  },
  'backup.done': {
    en: 'backed up {rows} rows in {tables} tables to {file} (audit head {head}); manifest {manifest}',
    zh: '已备份 {tables} 张表共 {rows} 行到 {file}（审计末条 {head}）；清单 {manifest}',
  },
  'backup.restored': {en: 'restored {file} into {into}: {count} audit entries verified, head {head}', zh: '已将 {file} 恢复到 {into}：审计记录 {count} 条校验无误，末条 {head}'},
  'store.migrationFailed': {en: 'database migration {name} failed: {reason}', zh: '数据库迁移 {name} 失败：{reason}'},
} as const satisfies Record<string, {en: string; zh: string}>
