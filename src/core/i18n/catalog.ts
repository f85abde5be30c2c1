/**
 * Every message a person reads, in English and Chinese. Code refers to entries by key;
 * no user-facing sentence is written anywhere else. Spreadsheet headers and official
 * form labels are not here: they are always Chinese and live with their layout in templates/.
 */
const entries = {
  // ---- generic errors
  'error.internal': {en: 'unexpected failure: {message}', zh: '意外错误：{message}'},
  'error.usage': {en: '{message}', zh: '{message}'},
  'error.hintHelp': {en: 'See: egov {command} --help', zh: '参见：egov {command} --help'},
  'input.missingFlag': {en: 'missing required flag --{flag} ({label})', zh: '缺少必填参数 --{flag}（{label}）'},
  'input.empty': {en: '{field} must not be empty', zh: '{field} 不能为空'},
  'input.badDate': {en: '{field}: "{value}" is not a date (YYYY-MM-DD)', zh: '{field}：“{value}”不是有效日期（YYYY-MM-DD）'},
  'input.badInteger': {en: '{field}: "{value}" is not a whole number', zh: '{field}：“{value}”不是整数'},
  'input.badNow': {en: 'EGOV_NOW: "{value}" is not an ISO date-time', zh: 'EGOV_NOW：“{value}”不是 ISO 日期时间'},
  'input.confirmNeeded': {en: '{action}: confirmation needed; run it on a terminal or add --yes', zh: '{action}：需要确认；请在终端中运行或加 --yes'},
  'input.cancelled': {en: 'cancelled; nothing was changed', zh: '已取消，未做任何更改'},
  'input.badFile': {en: '{field}: cannot read "{path}": {reason}', zh: '{field}：无法读取“{path}”：{reason}'},
  'input.badJson': {en: '{field}: "{path}" is not valid JSON: {reason}', zh: '{field}：“{path}”不是有效的 JSON：{reason}'},

  // ---- store
  'store.badUrl': {en: 'EGOV_DATABASE_URL must start with postgres:// or postgresql://', zh: 'EGOV_DATABASE_URL 必须以 postgres:// 或 postgresql:// 开头'},
  'store.unreachable': {en: 'cannot reach the database: {reason}', zh: '无法连接数据库：{reason}'},
  'store.migrationFailed': {en: 'database migration {name} failed: {reason}', zh: '数据库迁移 {name} 失败：{reason}'},

  // ---- config
  'config.unknownKey': {en: 'config key "{key}" is unknown; known keys: operator, limit.KIND.STATE', zh: '未知的配置项“{key}”；可用：operator、limit.种类.状态'},
  'config.unknownLimit': {en: 'config key "{key}": request kind {kind} has no state {state} that can be overdue', zh: '配置项“{key}”：申请种类 {kind} 没有可设时限的状态 {state}'},
  'config.badLimit': {en: '{key}: "{value}" must be a whole number of working days from 0 to 365', zh: '{key}：“{value}”须为 0 至 365 的工作日数'},
  'config.notSet': {en: 'config key "{key}" is not set', zh: '配置项“{key}”未设置'},
  'config.set': {en: '{key} = {value}', zh: '{key} = {value}'},
  'config.unset': {en: '{key} removed', zh: '已删除 {key}'},

  // ---- calendar
  'calendar.uncovered': {
    en: 'the official holiday arrangement for {years} is not known (the calendar covers {range}); weekends alone were used — load the arrangement with "egov calendar load" (X-1)',
    zh: '{years} 年的法定节假日安排未知（日历覆盖 {range}），仅按周末计算；请用“egov calendar load”载入当年安排（X-1）',
  },
  'calendar.badYearFile': {en: '{field}: {reason} (X-1)', zh: '{field}：{reason}（X-1）'},
  'calendar.yearMismatch': {en: '{field}: {date} is not in year {year} (X-1)', zh: '{field}：{date} 不在 {year} 年内（X-1）'},
  'calendar.bothKinds': {en: '{date} is listed both as a holiday and as a make-up working day (X-1)', zh: '{date} 同时被列为节假日和调休上班日（X-1）'},
  'calendar.makeupNotWeekend': {en: '{field}: make-up working day {date} is not a Saturday or Sunday (X-1)', zh: '{field}：调休上班日 {date} 不是周六或周日（X-1）'},
  'calendar.loaded': {en: 'loaded the {year} arrangement: {holidays} holidays, {workdays} make-up working days', zh: '已载入 {year} 年安排：节假日 {holidays} 天，调休上班 {workdays} 天'},
  'calendar.replaceYear': {en: 'replace the loaded arrangement for {year}', zh: '替换已载入的 {year} 年安排'},
  'calendar.workday': {en: 'working day', zh: '工作日'},
  'calendar.holiday': {en: 'holiday', zh: '节假日'},
  'calendar.makeup': {en: 'make-up working day', zh: '调休上班日'},
  'calendar.weekend': {en: 'weekend', zh: '周末'},
  'calendar.weekday': {en: 'weekday', zh: '工作日'},
  'calendar.sourcePackage': {en: 'chinese-days {version}', zh: 'chinese-days {version}'},
  'calendar.sourceLoaded': {en: 'loaded by {by} on {at}', zh: '{by} 于 {at} 载入'},

  // ---- requests workflow
  'request.notFound': {en: 'request {id} not found', zh: '未找到申请 {id}'},
  'request.badId': {en: 'ID: "{value}" is not a request number', zh: 'ID：“{value}”不是申请编号'},
  'request.unknownKind': {en: 'request kind "{kind}" is unknown; known kinds: {known}', zh: '未知的申请种类“{kind}”；可用：{known}'},
  'request.unknownState': {en: 'state "{state}" is unknown for {kinds}', zh: '{kinds} 没有状态“{state}”'},
  'request.actionNotAllowed': {en: 'request {id} is {state}: {action} is not possible in that state', zh: '申请 {id} 当前为“{state}”，不能{action}'},
  'request.ownRequest': {en: 'request {id} was filed by {actor}; the same operator may not {action} it (X-2)', zh: '申请 {id} 由 {actor} 提交，提交人不能自行{action}（X-2）'},
  'request.reasonRequired': {en: 'reject needs --reason: the applicant is told why', zh: '退回须填写 --reason：须告知申请人理由'},
  'request.filed': {en: 'filed request {id} ({kind}), now {state}, due {due}', zh: '已提交申请 {id}（{kind}），当前“{state}”，办理期限 {due}'},
  'request.moved': {en: 'request {id}: {from} → {to}', zh: '申请 {id}：{from} → {to}'},
  'request.none': {en: 'no requests', zh: '没有申请'},
  'request.overdue': {en: 'overdue', zh: '已超期'},
  'action.approve': {en: 'approve', zh: '批准'},
  'action.reject': {en: 'reject', zh: '退回'},
  'action.file': {en: 'file', zh: '提交'},

  // ---- ticket kind (工单)
  'kind.ticket': {en: 'ticket', zh: '工单'},
  'kind.ticket.submitted': {en: 'submitted', zh: '已提交'},
  'kind.ticket.accepted': {en: 'in progress', zh: '办理中'},
  'kind.ticket.resolved': {en: 'resolved', zh: '已办结'},
  'kind.ticket.rejected': {en: 'rejected', zh: '已退回'},
  'ticket.subjectTooLong': {en: 'subject: at most 200 characters', zh: 'subject：最多 200 个字符'},

  // ---- audit
  'audit.ok': {en: 'audit chain intact: {count} entries, head {head}', zh: '审计链完整：共 {count} 条，末条 {head}'},
  'audit.empty': {en: 'audit chain is empty', zh: '审计链为空'},
  'audit.broken': {en: 'audit chain broken at entry {seq}: {reason}', zh: '审计链在第 {seq} 条处断裂：{reason}'},
  'audit.reason.altered': {en: 'its content does not match its hash (altered)', zh: '内容与哈希不符（被篡改）'},
  'audit.reason.missing': {en: 'expected entry {expected}, found {found} (entries removed)', zh: '应为第 {expected} 条，实为第 {found} 条（有条目被删除）'},
  'audit.reason.chain': {en: 'it does not carry the hash of the entry before it (reordered or replaced)', zh: '未携带前一条的哈希（顺序被调换或被替换）'},
  'audit.reason.head': {en: 'the chain ends at {found}, but the recorded head is {expected} (entries removed from the end)', zh: '链止于第 {found} 条，但记录的末条为第 {expected} 条（末尾条目被删除）'},
  'audit.badEntity': {en: 'entity: "{value}" must be TYPE or TYPE:ID', zh: 'entity：“{value}”须为 类型 或 类型:编号'},
  'audit.none': {en: 'no audit entries', zh: '没有审计记录'},

  // ---- table headers and labels shown to people
  'col.id': {en: 'ID', zh: '编号'},
  'col.kind': {en: 'KIND', zh: '种类'},
  'col.state': {en: 'STATE', zh: '状态'},
  'col.unit': {en: 'UNIT', zh: '申请单位'},
  'col.filedBy': {en: 'FILED BY', zh: '提交人'},
  'col.filedAt': {en: 'FILED', zh: '提交时间'},
  'col.due': {en: 'DUE', zh: '期限'},
  'col.summary': {en: 'SUMMARY', zh: '摘要'},
  'col.seq': {en: 'SEQ', zh: '序号'},
  'col.at': {en: 'TIME', zh: '时间'},
  'col.actor': {en: 'ACTOR', zh: '操作人'},
  'col.action': {en: 'ACTION', zh: '操作'},
  'col.entity': {en: 'ENTITY', zh: '对象'},
  'col.from': {en: 'FROM', zh: '原状态'},
  'col.to': {en: 'TO', zh: '新状态'},
  'col.comment': {en: 'COMMENT', zh: '意见'},
  'col.year': {en: 'YEAR', zh: '年份'},
  'col.source': {en: 'SOURCE', zh: '来源'},
  'col.key': {en: 'KEY', zh: '配置项'},
  'col.value': {en: 'VALUE', zh: '值'},
  'col.scope': {en: 'STORED IN', zh: '保存于'},
  'label.history': {en: 'History', zh: '流转记录'},
  'label.payload': {en: 'Details', zh: '内容'},
  'label.warning': {en: 'warning', zh: '警告'},
  'label.error': {en: 'error', zh: '错误'},
  'label.yes': {en: 'yes', zh: '是'},
  'label.no': {en: 'no', zh: '否'},
  'label.userFile': {en: 'your config file', zh: '个人配置文件'},
  'label.database': {en: 'database (shared)', zh: '数据库（共享）'},
  'label.dbUser': {en: 'PostgreSQL login', zh: 'PostgreSQL 登录用户'},
  'label.default': {en: 'default', zh: '默认'},
} as const satisfies Record<string, {en: string; zh: string}>

export type MessageKey = keyof typeof entries
export const catalog: Record<MessageKey, {en: string; zh: string}> = entries
