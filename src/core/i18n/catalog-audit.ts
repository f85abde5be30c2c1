/** Messages of the anchored audit trail (issue 18: the audit key, checkpoints), in English and Chinese; spread into the one catalogue. */
export const auditEntries = {
  'audit.reason.mac': {
    en: 'its MAC does not match the audit key (the chain was recomputed without the key, or this is not the key it was written with)',
    zh: '其 MAC 与审计密钥不符（链被不持有密钥者重新计算，或所用密钥并非写入时的密钥）',
  },
  'audit.reason.unsigned': {
    en: 'it carries no MAC though entries before it do (a MAC was removed)',
    zh: '其前的条目带有 MAC，而该条没有（MAC 被删除）',
  },
  'audit.keyMissing': {
    en: "{env}: the audit key is not at {path}, and this database's entries are MACed with one; copy that key there (or name its file with {env}); nothing was changed",
    zh: '{env}：审计密钥不在 {path}，而本数据库的审计条目已用密钥签署；请将该密钥复制到此处（或用 {env} 指明其文件）；未做任何更改',
  },
  'audit.keyWrong': {
    en: '{env}: the audit key at {path} is not the one entry {seq} was MACed with; use that key (run "egov audit verify" to check the chain); nothing was changed',
    zh: '{env}：{path} 处的审计密钥不是第 {seq} 条签署时所用的密钥；请使用该密钥（可运行“egov audit verify”检查审计链）；未做任何更改',
  },
  'audit.keyCreated': {
    en: "made the audit key {path} (0600): back it up apart from the database; on a PostgreSQL team copy it to each operator's machine",
    zh: '已生成审计密钥 {path}（0600）：请与数据库分开备份；PostgreSQL 团队须将其复制到每位操作员的机器上',
  },
  'audit.keyMissingAtInit': {
    en: "{env}: the audit key is not at {path}, and this database's entries are MACed with one: copy it there (or name its file with {env}) before writing",
    zh: '{env}：审计密钥不在 {path}，而本数据库的审计条目已用密钥签署：写入前请将其复制到此处（或用 {env} 指明其文件）',
  },
  'audit.keyUnreadable': {en: 'EGOV_AUDIT_KEY: the audit key {path} cannot be read ({reason})', zh: 'EGOV_AUDIT_KEY：无法读取审计密钥 {path}（{reason}）'},
  'audit.keyMalformed': {en: 'EGOV_AUDIT_KEY: {path} is not an audit key (64 hexadecimal characters)', zh: 'EGOV_AUDIT_KEY：{path} 不是审计密钥（应为 64 个十六进制字符）'},
  'audit.keyUnwritable': {en: 'EGOV_AUDIT_KEY: the audit key cannot be created at {path} ({reason})', zh: 'EGOV_AUDIT_KEY：无法在 {path} 创建审计密钥（{reason}）'},
  'audit.keyNotFound': {
    en: 'the audit key is not at {path} (EGOV_AUDIT_KEY): {count} MACs could not be checked; copy the key there to check them',
    zh: '审计密钥不在 {path}（EGOV_AUDIT_KEY）：{count} 个 MAC 未能校验；请将密钥复制到此处后再校验',
  },
  'audit.unsignedEntries': {
    en: '{count} entries carry no MAC (written before the audit key existed): their hashes are chained but not keyed',
    zh: '{count} 条审计记录没有 MAC（写于审计密钥建立之前）：仅有哈希链，未经密钥签署',
  },
  'audit.macsChecked': {en: '{count} MACs checked with the audit key {path}', zh: '已用审计密钥 {path} 校验 {count} 个 MAC'},
  'audit.checkpointUnreadable': {en: 'checkpoint: {path} cannot be read ({reason})', zh: 'checkpoint：无法读取 {path}（{reason}）'},
  'audit.checkpointMalformed': {
    en: 'checkpoint: {path} is not an audit checkpoint ({format}, made by "egov audit checkpoint")',
    zh: 'checkpoint：{path} 不是审计检查点（{format}，由“egov audit checkpoint”生成）',
  },
  'audit.checkpointTampered': {
    en: 'checkpoint: {path} has been changed (its MAC does not match the audit key), or was made with another key; it proves nothing',
    zh: 'checkpoint：{path} 已被改动（其 MAC 与审计密钥不符），或由其他密钥生成；不能作为凭证',
  },
  'audit.checkpointNoKey': {
    en: "the audit key is not at {path} (EGOV_AUDIT_KEY): the checkpoint's MAC could not be checked",
    zh: '审计密钥不在 {path}（EGOV_AUDIT_KEY）：检查点的 MAC 未能校验',
  },
  'audit.checkpointBehind': {
    en: 'checkpoint: {path} records entry {seq}, but the chain now ends at entry {last}: entries were removed from the end, or an older copy of the database was put back (rollback)',
    zh: 'checkpoint：{path} 记录到第 {seq} 条，但审计链现止于第 {last} 条：末尾条目被删除，或数据库被换回旧副本（回滚）',
  },
  'audit.checkpointRewritten': {
    en: 'checkpoint: entry {seq} is not the one {path} records (another hash): history up to it was rewritten',
    zh: 'checkpoint：第 {seq} 条与 {path} 记录的不同（哈希不符）：此前的历史被改写',
  },
  'audit.checkpointOk': {en: 'checkpoint {path} holds: entry {seq} is still in the chain with the same hash', zh: '检查点 {path} 相符：第 {seq} 条仍在链中，哈希一致'},
  'audit.checkpointEmpty': {en: 'the audit chain is empty: there is nothing to checkpoint yet', zh: '审计链为空，暂无可记录的检查点'},
  'audit.checkpointWritten': {en: 'wrote checkpoint of entry {seq} ({hash}) to {path}; keep it off this machine', zh: '已将第 {seq} 条（{hash}）的检查点写入 {path}；请保存在本机以外'},
} as const satisfies Record<string, {en: string; zh: string}>
