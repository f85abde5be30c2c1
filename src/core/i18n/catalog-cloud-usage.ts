/**
 * Messages of the cloud efficiency review (CLOUD-8): providers' utilisation files
 * (`egov cloud usage import`) and the review (`egov cloud efficiency`). Each names the field
 * and the rule. Spread into the one catalogue in catalog.ts.
 */
export const cloudUsageEntries = {
  // ---- utilisation files: each problem is located; the code appends " (CLOUD-8)"
  'cloud.usage.systemsMoving': {
    en: 'the cloud systems changed while the files were read, {attempts} times in a row (a release, a new system of a name): nothing was imported; run the import again when the systems are settled',
    zh: '读取文件期间云上系统连续 {attempts} 次发生变化（释放、同名新系统等）：未导入任何内容；请待系统状态稳定后重新导入',
  },
  'cloud.usage.badTime': {
    en: '{column}: "{value}" is not a time: write 2026-11-01 08:00 or 2026/11/1 8:00:00 (China time), or ISO 8601 with an offset such as 2026-11-01T08:00:00+08:00',
    zh: '“{column}”的值“{value}”不是时间：应写作 2026-11-01 08:00 或 2026/11/1 8:00:00（北京时间），或带时区的 ISO 8601 时间，如 2026-11-01T08:00:00+08:00',
  },
  'cloud.usage.futureTime': {
    en: '{column}: "{value}" is later than now ({now}, China time): a sample cannot come from the future',
    zh: '“{column}”的值“{value}”晚于当前时间（{now}，北京时间），采集时间不能在未来',
  },
  'cloud.usage.badPercent': {
    en: '{column}: "{value}" is not a percentage (a number from 0 to 100, with or without %, e.g. 37.5 or 37.5%)',
    zh: '“{column}”的值“{value}”不是百分数（0 至 100 的数，可带 %，如 37.5 或 37.5%）',
  },
  'cloud.usage.percentRange': {en: '{column}: "{value}" is outside 0–100%', zh: '“{column}”的值“{value}”超出 0–100% 的范围'},
  'cloud.usage.unknownSystem': {en: '{column}: "{value}" is not a system on the government cloud (no system of that name)', zh: '“{column}”的值“{value}”不是政务云上的系统（无此名称的系统）'},
  'cloud.usage.rejectedSystem': {
    en: '{column}: "{value}" names a system whose application was rejected or withdrawn: the cloud does not run it',
    zh: '“{column}”的值“{value}”对应的系统申请已被驳回或撤回，政务云上并未运行',
  },
  'cloud.usage.notInService': {
    en: '{column}: at {value} no system named "{system}" was in service (in service: {lifetimes}); a sample belongs to the system that had the name at its time',
    zh: '“{column}”为 {value} 时没有名为“{system}”的系统在运行（运行期间：{lifetimes}）；样本归属于采集时使用该名称的系统',
  },
  'cloud.usage.neverInService': {en: 'never, none was provisioned', zh: '无，从未开通'},
  'cloud.usage.stillInService': {en: 'now', zh: '至今'},
  'cloud.usage.conflict': {
    en: '{column}: the sample at {value} is given twice with different values (CPU/memory/disk {values}% here, {otherValues}% in row {other})',
    zh: '“{column}”为 {value} 的样本重复出现且数值不同（此处 CPU/内存/磁盘为 {values}%，第 {other} 行为 {otherValues}%）',
  },
  'cloud.usage.noFiles': {en: 'FILE: name at least one utilisation file (.csv or .xlsx) (CLOUD-8)', zh: 'FILE：请至少指定一个资源利用率文件（.csv 或 .xlsx）（CLOUD-8）'},
  'cloud.usage.noData': {en: 'FILE: {file} has no samples under its header row (CLOUD-8)', zh: 'FILE：{file} 的表头下没有任何样本（CLOUD-8）'},

  // ---- import outcome
  'cloud.usage.encoding': {en: '{file} read as {encoding}', zh: '{file} 按 {encoding} 编码读取'},
  'cloud.usage.progress': {en: 'rows read', zh: '已读取行数'},
  'cloud.usage.done': {
    en: '{file}: {read} rows read; {added} samples added, {already} already recorded (skipped), {repeated} repeated in the files; {systems} systems, {from} to {to} (China time)',
    zh: '{file}：读取 {read} 行；新增样本 {added} 条，已有 {already} 条（跳过），文件内重复 {repeated} 条；涉及系统 {systems} 个，时间 {from} 至 {to}（北京时间）',
  },
  'cloud.usage.dryRun': {
    en: '{file}: checked, nothing written (--dry-run): {read} rows read; {added} samples would be added, {already} already recorded, {repeated} repeated in the files; {systems} systems, {from} to {to} (China time)',
    zh: '{file}：检查完毕，未写入（--dry-run）：读取 {read} 行；将新增样本 {added} 条，已有 {already} 条，文件内重复 {repeated} 条；涉及系统 {systems} 个，时间 {from} 至 {to}（北京时间）',
  },
  'cloud.usage.nothingNew': {
    en: '{file}: nothing new, nothing written: all {already} samples are already recorded ({read} rows read)',
    zh: '{file}：没有新样本，未写入：{already} 条样本均已入库（读取 {read} 行）',
  },

  // ---- the review
  'cloud.efficiency.badDays': {en: '--days: "{value}" must be a whole number of days from 1 to {max} (CLOUD-8)', zh: '--days：“{value}”须为 1 至 {max} 的整数天数（CLOUD-8）'},
  'cloud.efficiency.badThreshold': {en: '--threshold: "{value}" must be a percentage above 0 and at most 100 (CLOUD-8)', zh: '--threshold：“{value}”须为大于 0、不超过 100 的百分数（CLOUD-8）'},
  'cloud.efficiency.window': {
    en: 'In-service systems, {from} to {to} (China time, the last {days} days): {reviewed} reviewed over {samples} samples; flagged when the p95 of CPU and of memory are both under {threshold}% (CLOUD-8)',
    zh: '在运行系统，{from} 至 {to}（北京时间，最近 {days} 天）：参评 {reviewed} 个，样本 {samples} 条；CPU 与内存使用率的 P95 均低于 {threshold}% 的列为低效（CLOUD-8）',
  },
  'cloud.efficiency.flagged': {
    en: 'Under-used systems: {count} (suggested size: the p95 at {target}% of it, whole vCPU and GiB per VM, at least 1)',
    zh: '低效系统 {count} 个（建议配置：使 P95 约为 {target}%，每台虚拟机 vCPU 与内存取整，至少 1）',
  },
  'cloud.efficiency.noneFlagged': {en: 'No system is under {threshold}% on both CPU and memory (CLOUD-8)', zh: '没有 CPU 与内存使用率均低于 {threshold}% 的系统（CLOUD-8）'},
  'cloud.efficiency.byUnit': {en: 'Per unit and provider:', zh: '按单位和云服务商汇总：'},
  'cloud.efficiency.unreported': {en: 'In-service systems with no samples in the window (the provider has not reported): {count}', zh: '统计区间内无样本的在运行系统（云服务商未报送）{count} 个'},
  'cloud.efficiency.allReported': {en: 'Every in-service system has samples in the window', zh: '所有在运行系统在统计区间内均有样本'},
  'cloud.efficiency.written': {en: 'review written to {file}', zh: '评估结果已写入 {file}'},

  // ---- table headers
  'cloud.efficiency.col.unit': {en: 'UNIT', zh: '单位'},
  'cloud.efficiency.col.system': {en: 'SYSTEM', zh: '系统名称'},
  'cloud.efficiency.col.provider': {en: 'PROVIDER', zh: '云服务商'},
  'cloud.efficiency.col.samples': {en: 'SAMPLES', zh: '样本数'},
  'cloud.efficiency.col.p95Cpu': {en: 'CPU P95', zh: 'CPU P95'},
  'cloud.efficiency.col.p95Memory': {en: 'MEM P95', zh: '内存 P95'},
  'cloud.efficiency.col.vcpuPerVm': {en: 'vCPU/VM', zh: '每台vCPU'},
  'cloud.efficiency.col.memoryPerVm': {en: 'GiB/VM', zh: '每台内存GiB'},
  'cloud.efficiency.col.vcpuTotal': {en: 'vCPU', zh: 'vCPU合计'},
  'cloud.efficiency.col.memoryTotal': {en: 'GiB', zh: '内存GiB合计'},
  'cloud.efficiency.col.systems': {en: 'SYSTEMS', zh: '系统数'},
  'cloud.efficiency.col.lastSample': {en: 'LAST SAMPLE', zh: '最近采集时间'},

  // ---- fix orders (整改通知, CLOUD-8, 第二十条)
  'kind.cloud-fix-order': {en: 'cloud fix order (CLOUD-8)', zh: '政务云整改通知（CLOUD-8）'},
  'kind.cloud-fix-order.issued': {en: 'issued, to rectify', zh: '已下达，待整改'},
  'kind.cloud-fix-order.rectified': {en: 'rectified, to confirm', zh: '已整改，待确认'},
  'kind.cloud-fix-order.confirmed': {en: 'confirmed', zh: '已确认'},
  'cloud.order.deadlineRequired': {en: '--deadline: give the last day to rectify (YYYY-MM-DD) (CLOUD-8)', zh: '--deadline：请给出整改期限（YYYY-MM-DD）（CLOUD-8）'},
  'cloud.order.badDeadline': {en: '--deadline: "{value}" is not a date (YYYY-MM-DD) (CLOUD-8)', zh: '--deadline：“{value}”不是日期（YYYY-MM-DD）（CLOUD-8）'},
  'cloud.order.deadlinePast': {
    en: '--deadline: {value} is not after today ({today}): a fix order gives time to rectify (CLOUD-8)',
    zh: '--deadline：{value} 不晚于今天（{today}），整改期限须在今天之后（CLOUD-8）',
  },
  'cloud.order.findingRequired': {en: '--finding: say what the bureau found (CLOUD-8)', zh: '--finding：请写明评估发现的问题（CLOUD-8）'},
  'cloud.order.measuresRequired': {en: '--measures: say what the unit did to rectify (CLOUD-8)', zh: '--measures：请写明整改措施（CLOUD-8）'},
  'cloud.order.ownRectification': {
    en: 'fix order {id}: {actor} recorded the rectification and may not confirm it; another operator confirms (X-2)',
    zh: '整改通知 {id}：整改情况由 {actor} 录入，不能由其本人确认，须由另一人确认（X-2）',
  },
  'cloud.order.notFound': {en: 'ID: {id} is not a fix order', zh: 'ID：{id} 不是整改通知'},
  'cloud.order.issued': {en: 'fix order {id} issued to {unit} for {system}: rectify by {deadline}', zh: '已向{unit}下达整改通知 {id}（{system}），限 {deadline} 前整改'},
  'cloud.order.alreadyOpen': {en: '{system} already has an open fix order {id} ({state}, due {due}): nothing issued', zh: '{system} 已有未办结的整改通知 {id}（{state}，期限 {due}），未重复下达'},
  'cloud.order.rectified': {en: 'fix order {id}: rectification recorded; another operator confirms it by {due}', zh: '整改通知 {id}：整改情况已录入，待另一人于 {due} 前确认'},
  'cloud.order.confirmed': {en: 'fix order {id}: rectification of {system} confirmed', zh: '整改通知 {id}：{system} 的整改已确认'},
  'cloud.order.returned': {en: 'fix order {id} returned to {unit}: rectify by {deadline}', zh: '整改通知 {id} 已退回{unit}，限 {deadline} 前整改'},
  'cloud.order.unchanged': {en: 'fix order {id} is already {state}: nothing to do', zh: '整改通知 {id} 已是“{state}”，无需再办'},
  'cloud.order.noneFlagged': {en: 'no system flagged: no fix order issued', zh: '没有低效系统，未下达整改通知'},

  // ---- providers' operation reports (第十条(二))
  'cloud.report.badPeriod': {
    en: '--period: "{value}" is not a period: write a month (2026-11) or a quarter (2026-Q4) (CLOUD-8)',
    zh: '--period：“{value}”不是报告期：应写作月份（2026-11）或季度（2026-Q4）（CLOUD-8）',
  },
  'cloud.report.fileRequired': {en: '--file: name the report file (CLOUD-8)', zh: '--file：请指定报告文件（CLOUD-8）'},
  'cloud.report.notAdmitted': {
    en: 'PROVIDER: {provider} is {status}, not an admitted provider: it reports no more (CLOUD-8)',
    zh: 'PROVIDER：{provider} 状态为{status}，不是纳管服务商，无需报告（CLOUD-8）',
  },
  'cloud.report.periodNotOver': {
    en: '--period: {value} has not ended (today is {today}): a report covers a period that is over (CLOUD-8)',
    zh: '--period：{value} 尚未结束（今天是 {today}），报告只能针对已结束的报告期（CLOUD-8）',
  },
  'cloud.report.otherFile': {
    en: '{provider} already reported {period} with another file ({path}, received {on}) (CLOUD-8)',
    zh: '{provider} 已报送 {period} 的报告（{path}，{on} 收到），文件不同（CLOUD-8）',
  },
  'cloud.report.recorded': {en: '{provider}: report for {period} recorded (due {due}{late}); file {path}', zh: '{provider}：{period} 运行报告已登记（应于 {due} 前报送{late}）；文件 {path}'},
  'cloud.report.late': {en: ', received late', zh: '，逾期报送'},
  'cloud.report.unchanged': {en: '{provider}: report for {period} already recorded with this file ({on}): nothing to do', zh: '{provider}：{period} 运行报告已登记同一文件（{on}），无需再办'},
  'cloud.report.none': {en: 'No report missing: every admitted provider has reported every month that has ended (CLOUD-8)', zh: '没有缺报：所有纳管服务商均已报送各已结束月份的运行报告（CLOUD-8）'},
  'cloud.report.noneOverdue': {en: 'No report overdue (CLOUD-8)', zh: '没有逾期未报的运行报告（CLOUD-8）'},
  'cloud.report.col.provider': {en: 'PROVIDER', zh: '云服务商'},
  'cloud.report.col.month': {en: 'MONTH', zh: '月份'},
  'cloud.report.col.due': {en: 'DUE', zh: '报送期限'},
  'cloud.report.col.status': {en: 'STATUS', zh: '状态'},
  'cloud.report.col.report': {en: 'REPORT', zh: '报告'},
  'cloud.report.status.received': {en: 'received', zh: '已报送'},
  'cloud.report.status.due': {en: 'due', zh: '待报送'},
  'cloud.report.status.overdue': {en: 'OVERDUE', zh: '逾期未报'},
} as const satisfies Record<string, {en: string; zh: string}>
