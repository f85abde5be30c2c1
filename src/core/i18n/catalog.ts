import {auditEntries} from './catalog-audit.js'
import {certEntries} from './catalog-cert.js'
import {cloudEntries} from './catalog-cloud.js'
import {cloudUsageEntries} from './catalog-cloud-usage.js'

/**
 * Every message a person reads, in English and Chinese. Code refers to entries by key;
 * no user-facing sentence is written anywhere else. Spreadsheet headers and official
 * form labels are not here: they are always Chinese and live with their layout in templates/.
 */
import {itemEntries} from './catalog-items.js'
import {ioEntries} from './catalog-io.js'
import {kioskEntries} from './catalog-kiosk.js'
import {netEntries} from './catalog-net.js'
import {operatorEntries} from './catalog-operators.js'
import {storeEntries} from './catalog-store.js'

const base = {
  // ---- generic errors
  'error.internal': {en: 'unexpected failure: {message}', zh: '意外错误：{message}'},
  'error.usage': {en: '{message}', zh: '{message}'},
  'error.hintHelp': {en: 'See: egov {command} --help', zh: '参见：egov {command} --help'},
  'input.missingFlag': {en: 'missing required flag --{flag} ({label})', zh: '缺少必填参数 --{flag}（{label}）'},
  'input.empty': {en: '{field} must not be empty', zh: '{field} 不能为空'},
  'input.unknownColumn': {en: '--columns: there is no column "{value}" ({hint}columns: {known})', zh: '--columns：没有列“{value}”（{hint}可用的列：{known}）'},
  'input.unknownColumn.hint': {en: 'did you mean {suggestion}? ', zh: '是否为 {suggestion}？'},
  'store.noDatabase': {
    en: '--db: there is no database at {path} (a typo?); create one there with: egov db init --db {path}',
    zh: '--db：{path} 处没有数据库（路径有误？）；如需在此新建：egov db init --db {path}',
  },
  'db.created': {en: 'created the database at {location}', zh: '已新建数据库：{location}'},
  'db.ready': {en: 'the database at {location} is ready (up to date); nothing changed', zh: '数据库 {location} 已就绪（已是最新），未作改动'},
  'io.unknownKey': {en: '{file}: there is no key "{key}" in this request file (keys: {known})', zh: '{file}：申请文件中没有键“{key}”（可用的键：{known}）'},
  'io.unknownKeyNear': {en: '{file}: there is no key "{key}" in this request file; did you mean "{suggestion}"?', zh: '{file}：申请文件中没有键“{key}”，是否应为“{suggestion}”？'},
  'io.wrongType': {en: '{file}: {key} ({label}) must be {expected}, not {value}', zh: '{file}：{key}（{label}）应为 {expected}，而不是 {value}'},
  'input.unknownFlag': {en: 'there is no flag {flag}', zh: '没有选项 {flag}'},
  'input.unknownFlagNear': {en: 'there is no flag {flag}; did you mean {suggestion}?', zh: '没有选项 {flag}，是否要用 {suggestion}？'},
  'input.missingArg': {en: 'missing argument {names}', zh: '缺少参数 {names}'},
  'input.unexpectedArgs': {en: 'unexpected arguments: {args} (a value with spaces needs quotes)', zh: '多余的参数：{args}（含空格的值请加引号）'},
  'input.flagOption': {en: '--{flag}: "{value}" is not one of {options}', zh: '--{flag}：“{value}”不在可选值 {options} 之中'},
  'input.flagNeedsValue': {en: '--{flag} needs a value', zh: '--{flag} 需要一个值'},
  'input.flagNeedsOption': {en: '--{flag} needs one of {options}', zh: '--{flag} 需要以下值之一：{options}'},
  'input.flagInteger': {en: '--{flag}: "{value}" is not a whole number', zh: '--{flag}：“{value}”不是整数'},
  'input.flagIntegerMin': {en: '--{flag}: {value} is less than {limit}', zh: '--{flag}：{value} 小于下限 {limit}'},
  'input.flagIntegerMax': {en: '--{flag}: {value} is more than {limit}', zh: '--{flag}：{value} 大于上限 {limit}'},
  'input.flagExclusive': {en: '--{flag} cannot be given together with --{other}', zh: '--{flag} 不能与 --{other} 同时使用'},
  'input.flagOneOf': {en: 'exactly one of {flags} is needed', zh: '{flags} 须且只须给出其一'},
  'input.flagAtLeastOne': {en: 'at least one of {flags} is needed', zh: '{flags} 至少要给出一个'},
  'input.flagDependsOn': {en: '--{flag} needs {flags} as well', zh: '使用 --{flag} 时还须给出 {flags}'},
  'input.missingFlagParse': {en: '--{flag} is required', zh: '必须给出 --{flag}'},
  'input.argOption': {en: '{arg}: "{value}" is not one of {options}', zh: '{arg}：“{value}”不在可选值 {options} 之中'},
  'input.unknownCommand': {en: 'there is no command "{command}"', zh: '没有命令“{command}”'},
  'input.unknownCommandNear': {en: 'there is no command "{command}"; did you mean "{suggestion}"?', zh: '没有命令“{command}”，是否要用“{suggestion}”？'},
  'input.unsafeCharacter': {
    en: '{field}: character {position} is {codePoint}, a control, direction or invisible character; type the text without it',
    zh: '{field}：第 {position} 个字符是 {codePoint}（控制、方向或不可见字符），请去掉后重新输入',
  },
  'input.tooLong': {en: '{field}: {length} characters, more than the {max} it holds', zh: '{field}：共 {length} 个字符，超过上限 {max}'},
  'input.badDate': {en: '{field}: "{value}" is not a date (YYYY-MM-DD)', zh: '{field}：“{value}”不是有效日期（YYYY-MM-DD）'},
  'input.badInteger': {en: '{field}: "{value}" is not a whole number', zh: '{field}：“{value}”不是整数'},
  'input.badNow': {en: 'EGOV_NOW: "{value}" is not an ISO date-time', zh: 'EGOV_NOW：“{value}”不是 ISO 日期时间'},
  'input.confirmNeeded': {en: '{action}: confirmation needed; run it on a terminal or add --yes', zh: '{action}：需要确认；请在终端中运行或加 --yes'},
  'input.cancelled': {en: 'cancelled; nothing was changed', zh: '已取消，未做任何更改'},
  'input.badFile': {en: '{field}: cannot read "{path}": {reason}', zh: '{field}：无法读取“{path}”：{reason}'},
  'input.badJson': {en: '{field}: "{path}" is not valid JSON: {reason}', zh: '{field}：“{path}”不是有效的 JSON：{reason}'},

  // ---- config
  'config.unknownKey': {
    en: 'config key "{key}" is unknown; known keys: operator, notices, limit.KIND.STATE, items.code-pattern, cert.organization, cert.escrow, area-code',
    zh: '未知的配置项“{key}”；可用：operator、notices、limit.种类.状态、items.code-pattern、cert.organization、cert.escrow、area-code',
  },
  'config.badNoticePrefix': {
    en: '{key}: "{value}" cannot head a document number: 1 to {max} characters, no control characters, no spaces at either end, no 〔〕',
    zh: '{key}：“{value}”不能作为发文字号的机关代字：须为 1–{max} 个字符，不含控制字符、首尾空白和〔〕',
  },
  'config.badEscrow': {
    en: '{key}: "{value}" is neither on nor off (CERT-5: on keeps the keys of encryption certificates egov generated after their delivery; signature keys are never kept)',
    zh: '{key}：“{value}”只能为 on 或 off（CERT-5：on 表示交付后仍托管 egov 生成的加密证书密钥；签名密钥从不保留）',
  },
  'config.badOrganization': {
    en: '{key}: "{value}" is not an organisation name for certificates: 1 to 64 characters, no control characters',
    zh: '{key}：“{value}”不能作为证书中的单位名称：须为 1–64 个字符，且不含控制字符',
  },
  'config.badPattern': {en: '{key}: "{value}" is not a regular expression: {reason}', zh: '{key}：“{value}”不是有效的正则表达式：{reason}'},
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
  'calendar.dueMoved': {en: 'due date {from} → {to}: the {year} arrangement was loaded (X-1)', zh: '办理时限 {from} → {to}：已载入 {year} 年节假日安排（X-1）'},
  'calendar.recomputed': {en: '{count} open requests have a new due date:', zh: '{count} 件未办结申请的办理时限已重算：'},
  'calendar.dueUncovered': {
    en: 'due dates of {ids} fall in {years}: {reason}',
    zh: '{ids} 的办理时限落在 {years} 年：{reason}',
  },
  'calendar.replaceYear': {en: 'replace the loaded arrangement for {year}', zh: '替换已载入的 {year} 年安排'},
  'calendar.workday': {en: 'working day', zh: '工作日'},
  'calendar.holiday': {en: 'holiday', zh: '节假日'},
  'calendar.makeup': {en: 'make-up working day', zh: '调休上班日'},
  'calendar.weekend': {en: 'weekend', zh: '周末'},
  'calendar.weekday': {en: 'weekday', zh: '工作日'},
  'calendar.sourcePackage': {en: 'chinese-days {version}', zh: 'chinese-days {version}'},
  'calendar.sourceLoaded': {en: 'loaded by {by} on {at}', zh: '{by} 于 {at} 载入'},

  // ---- requests workflow
  'request.payloadUnknownKey': {en: '{kind} request payload: there is no key "{field}" (keys: {known})', zh: '{kind} 申请内容中没有键“{field}”（可用的键：{known}）'},
  'request.payloadUnknownKeyNear': {en: '{kind} request payload: there is no key "{field}"; did you mean "{suggestion}"?', zh: '{kind} 申请内容中没有键“{field}”，是否应为“{suggestion}”？'},
  'request.payloadInvalid': {en: '{kind} request payload: {field} {rule}', zh: '{kind} 申请内容：{field} {rule}'},
  'request.storedPayloadInvalid': {
    en: "request {id} ({kind}): its stored payload does not match the kind's schema: {field} {rule}",
    zh: '申请 {id}（{kind}）：已存的申请内容不符合该种类的 schema：{field} {rule}',
  },
  'request.storedPayloadUnreadable': {en: 'request {id} ({kind}): its stored payload is not JSON', zh: '申请 {id}（{kind}）：已存的申请内容不是 JSON'},
  'request.payloadRule.additionalProperties': {en: 'is not a key of this kind (keys: {expected})', zh: '不是该种类的键（可用的键：{expected}）'},
  'request.payloadRule.required': {en: 'is required', zh: '为必填项'},
  'request.payloadRule.type': {en: 'must be of type {expected}', zh: '应为 {expected} 类型'},
  'request.payloadRule.enum': {en: 'must be one of {expected}', zh: '应为以下之一：{expected}'},
  'request.payloadRule.minimum': {en: 'must be at least {expected}', zh: '不能小于 {expected}'},
  'request.payloadRule.maximum': {en: 'must be at most {expected}', zh: '不能大于 {expected}'},
  'request.payloadRule.minLength': {en: 'must not be empty', zh: '不能为空'},
  'request.payloadRule.minItems': {en: 'must have at least {expected} entries', zh: '至少应有 {expected} 项'},
  'request.payloadRule.pattern': {en: 'must match {expected}', zh: '应符合格式 {expected}'},
  'request.payloadRule.anyOf': {en: 'has none of the allowed forms', zh: '不符合任何一种允许的形式'},
  'request.payloadRule.const': {en: 'has a value this form does not allow', zh: '取值不符合该形式'},
  'request.notFound': {en: 'request {id} not found', zh: '未找到申请 {id}'},
  'request.badId': {en: 'ID: "{value}" is not a request number', zh: 'ID：“{value}”不是申请编号'},
  'request.unknownKind': {en: 'request kind "{kind}" is unknown; known kinds: {known}', zh: '未知的申请种类“{kind}”；可用：{known}'},
  'request.unknownState': {en: 'state "{state}" is unknown for {kinds}', zh: '{kinds} 没有状态“{state}”'},
  'request.actionNotAllowed': {en: 'request {id} is {state}: {action} is not possible in that state (possible: {allowed})', zh: '申请 {id} 当前为“{state}”，不能执行“{action}”（可执行：{allowed}）'},
  'request.wrongKind': {en: 'ID: request {id} is a {kind} request, not {expected}', zh: 'ID：申请 {id} 属于 {kind}，不是 {expected}'},
  'request.ownStep': {
    en: 'request {id} is {state} by the work of {actor}; the same operator may not {action} that step (X-2: whoever did a step does not review it)',
    zh: '申请 {id} 当前“{state}”一步由 {actor} 办理，办理人不能自行{action}（X-2：办理与审核分离）',
  },
  'request.ownRequest': {en: 'request {id} was filed by {actor}; the same operator may not {action} it (X-2)', zh: '申请 {id} 由 {actor} 提交，提交人不能自行{action}（X-2）'},
  'request.reasonRequired': {en: 'reject needs --reason: the applicant is told why', zh: '退回须填写 --reason：须告知申请人理由'},
  'request.filed': {en: 'filed request {id} ({kind}), now {state}, due {due}', zh: '已提交申请 {id}（{kind}），当前“{state}”，办理期限 {due}'},
  'request.moved': {en: 'request {id}: {from} → {to}', zh: '申请 {id}：{from} → {to}'},
  'request.none': {en: 'no requests', zh: '没有申请'},
  'request.overdue': {en: 'overdue', zh: '已超期'},
  'action.approve': {en: 'approve', zh: '批准'},
  'action.reject': {en: 'reject', zh: '退回'},
  'action.file': {en: 'file', zh: '提交'},
  'action.withdraw': {en: 'withdraw', zh: '撤回'},
  'action.plan': {en: 'plan', zh: '编制方案'},
  'action.implement': {en: 'implement', zh: '实施'},
  'action.test': {en: 'test', zh: '联调测试'},
  'action.test-failed': {en: 'test failed', zh: '测试未通过'},
  'action.emergency': {en: 'emergency', zh: '紧急受理'},
  'action.admission-test': {en: 'admission test', zh: '准入测试'},
  'action.admission-failed': {en: 'admission test failed', zh: '准入测试未通过'},
  'action.admit': {en: 'admit', zh: '纳管'},
  'action.agreement': {en: 'agreement', zh: '签订服务协议'},
  'action.provision': {en: 'provision', zh: '开通资源'},
  'action.wipe': {en: 'wipe', zh: '数据清除'},
  'action.confirm': {en: 'confirm', zh: '确认'},
  'action.rectify': {en: 'rectify', zh: '整改'},
  'action.return': {en: 'return', zh: '退回整改'},
  'action.migrated': {en: 'migrated', zh: '迁移'},
  'action.verify': {en: 'verify', zh: '核验'},
  'request.unknownExpectState': {en: '--expect: "{value}" is not a state of a {kind} request (states: {states})', zh: '--expect：“{value}”不是{kind}申请的状态（状态：{states}）'},
  'request.stateMoved': {
    en: 'request {id} is {state} now, not {expected}: it moved while you were deciding, so your {action} was not applied; look at it (egov requests show {id}) and run again with --expect for the state you mean',
    zh: '申请 {id} 当前为“{state}”，不是“{expected}”：已被他人处理，本次未再{action}；请先查看（egov requests show {id}），再以 --expect 指明要处理的状态',
  },
  'request.withdrawReasonRequired': {en: 'withdraw needs --reason: the withdrawal is recorded with why', zh: '撤回须填写 --reason：撤回理由记入办理记录'},
  'request.cannotWithdraw': {
    en: 'request {id} is {state}: it can no longer be withdrawn (a {kind} request is withdrawn from: {from}; possible now: {allowed})',
    zh: '申请 {id} 当前为“{state}”，已不能撤回（{kind} 可撤回的状态：{from}；当前可执行：{allowed}）',
  },
  'request.kindNotWithdrawable': {
    en: 'request {id} is {state}: {kind} requests cannot be withdrawn (possible now: {allowed})',
    zh: '申请 {id} 当前为“{state}”：{kind} 类申请不能撤回（当前可执行：{allowed}）',
  },

  // ---- ticket kind (工单)
  'kind.roster-change': {en: 'roster change', zh: '名册变更'},
  'kind.roster-change.submitted': {en: 'awaiting approval', zh: '待批准'},
  'kind.roster-change.applied': {en: 'in effect', zh: '已生效'},
  'kind.roster-change.rejected': {en: 'rejected', zh: '已退回'},
  'kind.roster-change.withdrawn': {en: 'withdrawn', zh: '已撤回'},
  'kind.settings-change': {en: 'settings change', zh: '设置变更'},
  'kind.settings-change.submitted': {en: 'awaiting approval', zh: '待批准'},
  'kind.settings-change.applied': {en: 'in effect', zh: '已生效'},
  'kind.settings-change.rejected': {en: 'rejected', zh: '已退回'},
  'kind.settings-change.withdrawn': {en: 'withdrawn', zh: '已撤回'},
  'kind.ticket': {en: 'ticket', zh: '工单'},
  'kind.ticket.submitted': {en: 'submitted', zh: '已提交'},
  'kind.ticket.accepted': {en: 'in progress', zh: '办理中'},
  'kind.ticket.resolved': {en: 'resolved', zh: '已办结'},
  'kind.ticket.rejected': {en: 'rejected', zh: '已退回'},
  'ticket.subjectTooLong': {en: 'subject: at most 200 characters', zh: 'subject：最多 200 个字符'},

  // ---- audit
  'audit.ok': {en: 'audit chain intact: {count} entries, head {head}', zh: '审计链完整：共 {count} 条，末条 {head}'},
  'audit.historyBroken': {en: 'request {request}: its history does not match the audit trail: {reason}', zh: '申请 {request} 的流转记录与审计链不符：{reason}'},
  'audit.history.unaudited': {
    en: 'history row {transition} ({action} by {actor} at {at}) has no audit entry: it was written around egov',
    zh: '流转记录 {transition}（{actor} 于 {at} {action}）没有对应的审计条目：系绕过 egov 写入',
  },
  'audit.history.missing': {
    en: 'audit entry {seq} ({action} by {actor} at {at}) has no history row: the row was removed',
    zh: '审计条目 {seq}（{actor} 于 {at} {action}）没有对应的流转记录：该记录已被删除',
  },
  'audit.history.state': {
    en: 'its state is {state}, but its history leads to {expected}: the state was changed around egov',
    zh: '其状态为 {state}，而流转记录指向 {expected}：状态系绕过 egov 更改',
  },
  'audit.empty': {en: 'audit chain is empty', zh: '审计链为空'},
  'audit.broken': {en: 'audit chain broken at entry {seq}: {reason}', zh: '审计链在第 {seq} 条处断裂：{reason}'},
  'audit.reason.history': {en: "a request's history does not match the audit trail", zh: '申请的流转记录与审计链不符'},
  'audit.reason.altered': {en: 'its content does not match its hash (altered)', zh: '内容与哈希不符（被篡改）'},
  'audit.reason.missing': {en: 'expected entry {expected}, found {found} (entries removed)', zh: '应为第 {expected} 条，实为第 {found} 条（有条目被删除）'},
  'audit.reason.chain': {en: 'it does not carry the hash of the entry before it (reordered or replaced)', zh: '未携带前一条的哈希（顺序被调换或被替换）'},
  'audit.reason.head': {
    en: 'the chain ends at {found}, but the recorded head is {expected} (entries removed from the end)',
    zh: '链止于第 {found} 条，但记录的末条为第 {expected} 条（末尾条目被删除）',
  },
  'audit.badEntity': {en: 'entity: "{value}" must be TYPE or TYPE:ID', zh: 'entity：“{value}”须为 类型 或 类型:编号'},
  'audit.none': {en: 'no audit entries', zh: '没有审计记录'},

  'col.cidr': {en: 'CIDR', zh: '地址段'},
  'col.pool': {en: 'POOL', zh: '地址池'},
  'col.plane': {en: 'PLANE', zh: '平面'},
  'col.purpose': {en: 'PURPOSE', zh: '用途'},
  'col.status': {en: 'STATUS', zh: '状态'},
  'col.size': {en: 'SIZE', zh: '地址数'},
  'col.used': {en: 'USED', zh: '已用'},
  'col.free': {en: 'FREE', zh: '空闲'},
  'col.name': {en: 'NAME', zh: '名称'},
  'col.allocations': {en: 'BLOCKS', zh: '地址段数'},
  'col.addresses': {en: 'ADDRESSES', zh: '地址数'},
  'col.share': {en: 'SHARE', zh: '占比'},
  'col.row': {en: 'ROW', zh: '行'},
  'col.column': {en: 'COLUMN', zh: '列'},
  'col.problem': {en: 'PROBLEM', zh: '问题'},

  // ---- the unit registry
  'units.badKind': {en: 'kind: "{value}" is not a unit kind; one of {allowed}', zh: 'kind：“{value}”不是单位类别；可用：{allowed}'},
  'units.badLevel': {en: 'level: "{value}" is not a level; one of {allowed}', zh: 'level：“{value}”不是层级；可用：{allowed}'},
  'units.badBudget': {en: 'budget: "{value}" must be city (市级财政) or self (自筹) (NET-8)', zh: 'budget：“{value}”须为 city（市级财政）或 self（自筹）（NET-8）'},
  'units.badPhone': {en: '{field}: "{value}" is not a mobile number or a landline with its area code (e.g. 0937-6221234)', zh: '{field}：“{value}”不是手机号码或带区号的固定电话（如 0937-6221234）'},
  'units.exists': {en: 'a unit named {name} exists already', zh: '已有名为 {name} 的单位'},
  'units.existsDiffers': {
    en: 'a unit named {name} exists already, with other values: {fields} (recorded ≠ given); change it with egov units edit',
    zh: '已有名为 {name} 的单位，但取值不同：{fields}（已登记 ≠ 本次）；如需修改请用 egov units edit',
  },
  'units.unchanged': {en: '{name} is in the registry already, as given: nothing changed', zh: '{name} 已在登记簿中，取值相同，未作改动'},
  'units.notFound': {en: 'unit {name} is not in the registry; add it with "egov units add"', zh: '单位 {name} 不在单位名录中；请先用“egov units add”添加'},
  'units.parentCycle': {en: 'parent: {parent} is {name} itself or under it', zh: 'parent：{parent} 即 {name} 本身或其下级'},
  'units.added': {en: 'added unit {name} ({kind}, {level})', zh: '已添加单位 {name}（{kind}，{level}）'},
  'units.edited': {en: 'updated unit {name}', zh: '已更新单位 {name}'},
  'units.none': {en: 'no units', zh: '没有单位'},
  'col.level': {en: 'LEVEL', zh: '层级'},
  'col.district': {en: 'DISTRICT', zh: '属地'},
  'col.family': {en: 'FAMILY', zh: '协议'},
  'col.pools': {en: 'POOLS', zh: '地址池数'},
  'col.parent': {en: 'UNDER', zh: '上级'},
  'col.contact': {en: 'CONTACT', zh: '联系人'},
  'col.phone': {en: 'PHONE', zh: '电话'},
  'col.budget': {en: 'BUDGET', zh: '经费'},

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

/** Each area may keep its messages in its own module (catalog-AREA.ts), spread in here. */
const entries = {
  ...base,
  ...storeEntries,
  ...ioEntries,
  ...netEntries,
  ...itemEntries,
  ...certEntries,
  ...kioskEntries,
  ...cloudEntries,
  ...cloudUsageEntries,
  ...operatorEntries,
  ...auditEntries,
}

export type MessageKey = keyof typeof entries
export const catalog: Record<MessageKey, {en: string; zh: string}> = entries

const byLanguage: Partial<Record<'en' | 'zh', Readonly<Record<MessageKey, string>>>> = {}

/**
 * One language's texts, by key: what t() reads. (The CLI's bundle replaces this module with
 * one that reads dist/catalog/<language>.json when a language is first needed, so a start
 * parses one language, not both: scripts/bundle.mjs.)
 */
export function messagesIn(locale: 'en' | 'zh'): Readonly<Record<MessageKey, string>> {
  return (byLanguage[locale] ??= Object.fromEntries(Object.entries(catalog).map(([key, entry]) => [key, entry[locale]])) as Record<MessageKey, string>)
}

let headers: Map<string, string> | undefined

/** Every table column header (a `col.` entry) in either language → the key scripts name the column by (`col.filedBy` → `filedBy`); where two entries share a text, the first wins. */
export function columnHeaders(): ReadonlyMap<string, string> {
  if (headers) return headers
  headers = new Map()
  for (const [key, entry] of Object.entries(catalog)) {
    if (!key.startsWith('col.')) continue
    for (const text of [entry.en, entry.zh]) if (!headers.has(text)) headers.set(text, key.slice(4))
  }
  return headers
}
