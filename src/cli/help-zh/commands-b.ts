import type {CommandZh} from './index.js'

/** 政务云 (cloud). */
export const COMMANDS_ZH_B: Record<string, CommandZh> = {
  'cloud:agreement': {
    summary: '登记已签订的服务协议（CLOUD-3）',
    description:
      '市数据局审批之后：云服务商与单位签订服务协议，按引用保存（路径、大小、SHA-256）。审批的资源即成为该系统的资源额度：额度内的变更无需审批（CLOUD-4）。之后执行 egov cloud provision ID。',
  },
  'cloud:apply': {
    summary: '申请将单位的系统部署到市政务云（申请，CLOUD-1、CLOUD-3、CLOUD-9）',
    description: `CLOUD-3 的第一步，附资源申请表和已签署的安全责任书（按引用保存：路径、大小和 SHA-256）。--vcpu、--memory-gib 和各磁盘均为每台虚拟机的配置；申请总量为 --vms 乘以这些值。等保第四级、第五级或涉密的系统按 CLOUD-1 拒绝（退出码 5）；类别为企业（企业、银行 bank、邮政企业 post-office、国有企业 state-enterprise）或个人的单位按 CLOUD-9 拒绝（第十三条，退出码 5），除非 --approved-exception ID 指定了一项已批准给该单位（如例外限定了系统，则须包括本系统）的例外：用 egov cloud exception apply 提交，经另一人审批。该编号不是任何申请时退出码为 3，不是数字时为 2。系统名称须唯一。也可以用 --from-file：填好的政务云资源申请表（egov cloud template），或键相同的 JSON/YAML 文件（unit、system、level、classified、vms、vcpu、memoryGib、systemDiskGib、dataDiskGib、bandwidthMbps、extranetIps、internetIps、os、securityLetter、approvedException）；同时给出的参数选项优先于文件中的值。以相同的值再次申请不作改动，只显示该申请。

之后：egov requests approve ID（初审）→ egov cloud plan ID --file 上云方案 → egov requests approve ID（审批：预留容量）→ egov cloud agreement ID --file 服务协议 → egov cloud provision ID。`,
  },
  'cloud:capacity': {
    summary: '各云服务商的容量：提供、预留、在用、空闲（CLOUD-6）',
    description: `按资源列出（vCPU、内存、存储、带宽、电子政务外网地址和互联网地址）。预留：已审批但尚未开通的申请的资源额度——办理中的申请也计入，因此两次审批不会超额分配。在用：在用的系统，以及已释放但数据清除尚未确认的系统（CLOUD-5）。空闲：提供量减去以上两项。

加 --columns 或 --output（csv、tsv、json、value）时，各项数字合为一张表，每个云服务商的每种资源一行，供脚本使用，键名：provider、status、resource、offered、reserved、inUse、free、usedShare。`,
  },
  'cloud:change': {
    summary: '变更系统配置：资源额度内立即生效，超出额度的提出扩容申请（CLOUD-4）',
    description:
      '每台虚拟机的数值与 apply 相同。变更后总量仍在已约定额度内的，直接与云服务商办理：立即登记，无需审批（CLOUD-4）。超出额度的变更成为一件扩容申请，申请能容纳该变更的额度；经另一人审批通过（egov requests approve ID）时，额度与云服务商的容量同时调整，否则审批被拒绝（退出码 4），并指明不足的资源。--rescale 要求额度恰好调整为新的总量，包括调小（缩容）：审批通过时释放容量。电子政务外网地址在上云时确定，不在此变更。',
  },
  'cloud:confirm-release': {
    summary: '确认已登记的数据清除：释放完成，容量归还（CLOUD-5）',
    description: '须由执行 egov cloud wipe 以外的操作员确认（否则退出码 5，CLOUD-5）。系统的容量归还其云服务商，其电子政务外网地址归还地址池。',
  },
  'cloud:efficiency': {
    summary: '资源使用效率评估：各单位、各云服务商利用率偏低的在用系统及各自的建议规格；未报送数据的系统（CLOUD-8）',
    description: `对每个在用系统，根据云服务商报送的采样数据（egov cloud usage import），计算截至当前最近 --days 天内 CPU 和内存使用率的第 95 百分位数。百分位数取最近秩：n 个样本按升序排列，取第 ⌈0.95·n⌉ 个——这是实际出现过的值，至少 95% 的样本不超过它。

p95 CPU 和 p95 内存均低于 --threshold 百分比的系统予以标记，并给出每台虚拟机的建议规格：⌈vCPU × p95 CPU ÷ 70%⌉ 个 vCPU 和 ⌈GiB × p95 内存 ÷ 70%⌉ GiB——即 p95 恰为 70% 时的规格——取整数 vCPU 和 GiB，至少为 1；磁盘、带宽和地址保持不变。由此可释放的额度按单位和云服务商汇总，供市数据局责令整改（第二十条）和云服务商提出优化建议（第十条（二））使用。

在统计时段内没有采样的在用系统单独列出：其云服务商未报送。--out 将评估结果写成工作簿（工作表“低效系统”“未报送”和“说明”）。

--issue-orders --deadline DATE 同时责令每个被标记系统的单位在 DATE 之前整改（整改通知，第二十条：责令限期整改），与评估在同一事务中完成：每个系统一件 cloud-fix-order 类申请，以数字和建议作为发现的问题，期限为 DATE（过期后见 egov requests list --overdue）。已有未关闭整改通知的系统保留原通知，不再新发。同时给出 --out 时，工作簿在整改通知提交之前写出：写不出（如磁盘已满）则一件也不下发。见 egov cloud fix-order。

--columns 和 --output（csv、tsv、json、value）只输出被标记系统的行供脚本使用（时间窗口行、各单位合计和未报送系统不输出；--out 与 --issue-orders 的结果写到 stderr），键名：unit、provider、system、samples、p95Cpu、p95Memory、vcpuPerVm、memoryPerVm。`,
  },
  'cloud:exception:apply': {
    summary: '登记市数据局准许市政务云为企业或个人提供服务的例外审批（CLOUD-9）',
    description:
      '第十三条：未经政务云管理单位批准，不得向个人或企业提供政务云服务。类别为企业（企业、银行 bank、邮政企业 post-office、国有企业 state-enterprise）或个人的单位，只有依据在此登记的例外才能申请上云：由市数据局连同依据（--basis）和决定文号（--document-no，如 嘉数发〔2026〕12号）提交；由另一人审批通过（egov requests approve ID，X-2）或驳回（egov requests reject ID --reason …）。之后单位用 egov cloud apply … --approved-exception ID 申请。--system（可重复）将例外限定于这些系统；不给出时适用于该单位的所有系统。再次提交同一例外只显示该例外；同一文号但依据或系统不同的，拒绝（退出码 4）。',
  },
  'cloud:exception:list': {
    summary: '列出 CLOUD-9 例外：哪家企业或哪个人、依据哪份文件、适用哪些系统、处于什么状态',
    description: '状态：applied（已提交，等待另一人审批）、approved（已批准，申请中可用 --approved-exception ID 引用）、rejected（已驳回）。',
  },
  'cloud:exception:show': {summary: '一项 CLOUD-9 例外：单位、依据、文号、适用的系统、提交人和审批人，以及依据该例外申请的系统'},
  'cloud:export': {
    summary: '将一件上云申请导出为填好的政务云资源申请表',
    description: '版式与模板及读取程序相同：导出的工作簿用 egov cloud apply --from-file 读回，得到相同的值。安全责任书写为所记录的路径。',
  },
  'cloud:fix-order:confirm': {
    summary: '确认已登记的整改：整改通知关闭（CLOUD-8、X-2）',
    description: '须由登记整改情况以外的操作员确认（否则退出码 5，X-2）。此后该系统可以再收到新的整改通知。确认已确认的通知不作改动。',
  },
  'cloud:fix-order:issue': {
    summary: '责令单位在期限前对在用系统进行整改（整改通知，CLOUD-8，第二十条）',
    description:
      '为该系统的单位提交一件整改通知（cloud-fix-order 类申请），附市数据局发现的问题；期限为 --deadline（今天之后的日期），过期后列入 egov requests list --overdue。一个系统最多有一件未关闭的整改通知：已有时再次下发不作改动，并指明该通知。egov cloud efficiency --issue-orders --deadline DATE 为每个被标记的系统各下发一件。',
  },
  'cloud:fix-order:rectify': {
    summary: '登记单位的整改情况（CLOUD-8）',
    description: '整改通知由“已下发”转为“已整改”；由另一名操作员在 5 个工作日内确认（egov cloud fix-order confirm）。再次登记相同的措施不作改动。',
  },
  'cloud:fix-order:return': {summary: '退回不合格的整改：整改通知重新下发，期限不变（CLOUD-8）'},
  'cloud:plan': {
    summary: '登记单位的上云方案或迁移方案及其云服务商（CLOUD-3、CLOUD-6）',
    description:
      '在初审（egov requests approve ID）之后。方案按引用保存（路径、大小、SHA-256），其中指定云服务商；不给出 --provider 时，egov 按 CLOUD-6（部门高度集中、行业相对集中）在有足够容量的已纳管云服务商中推荐一家，并说明理由：优先选已承载该单位自身系统最多的；其次选承载其部门（上级部门及该部门下属单位）系统最多的；再次选空闲容量最多的。需要电子政务外网地址的系统须指定地址来自哪个地址池（--pool）；地址在市数据局审批时预留。之后执行 egov requests approve ID：此时在云服务商上预留容量，容量不足时拒绝（退出码 4），并指明不足的资源。',
  },
  'cloud:platform:list': {
    summary: '各云服务商平台自身的测评评估及其到期日，已超期的在前（CLOUD-7，第十五条、第二十四条）',
    description:
      '对每个已纳管的云服务商，列出其等保测评（每 12 个月）、云计算服务安全评估（每 36 个月）和密码应用安全性评估（每 12 个月）：最近一次及下一次到期日（通过后一个周期到期；未通过则立即到期；没有记录时为纳管当日），已超期的在前。--overdue 只列已超期的；--due DAYS 列 DAYS 天内到期的。供脚本使用：--json 在列表旁给出 "overdue"，即已超期的数量。',
  },
  'cloud:platform:record': {
    summary: '登记云服务商政务云平台的测评评估：等保测评、云计算服务安全评估或密评（CLOUD-7，第十五条、第二十四条）',
    description:
      '--kind 为 grading（网络安全等级保护测评）、cloud-service（云计算服务安全评估）或 crypto（密码应用安全性评估）；--on 为完成之日（不晚于今天）；--result pass|fail；--provider 为平台受评的已纳管云服务商（第二十四条将这些测评评估落实到各政务云服务商）；可选 --document FILE（报告，按引用保存：路径、大小、SHA-256）。通过后一个周期再次到期（分别为 12、36 和 12 个月，见 templates/cloud-security-levels.json），未通过则立即到期。再次登记相同内容不作改动。',
  },
  'cloud:provider:admission-test': {
    summary: '登记云服务商申请的纳管测试（CLOUD-2）',
    description:
      '在专家评审（egov requests approve ID）之后。通过即纳管该云服务商，并登记报省大数据中心的日期（--reported-on，默认为今天；须不早于申请提交之日且不晚于今天，否则退出码为 2，并指明 CLOUD-2）；未通过的予以登记，可再次测试。',
  },
  'cloud:provider:apply': {
    summary: '云服务商申请纳管进入市政务云（纳管，CLOUD-2）',
    description:
      '写明向本市提供的资源总量。之后：专家评审（egov requests approve ID --comment "专家评审意见"）→ 纳管测试（egov cloud provider admission-test ID --result pass|fail --note …）→ 纳管，并报省大数据中心。也可以用 --from-file：填好的云服务商表（egov cloud template --form provider），或含键 name、vcpu、memoryGib、storageTib、bandwidthMbps、extranetIps、internetIps、zones 的 JSON/YAML 文件。以相同的资源再次申请，只显示未办结的申请。',
  },
  'cloud:provider:exit': {
    summary: '云服务商申请退出市政务云（退出，CLOUD-2）',
    description:
      '云服务商仍承载系统（运行中、已审批或等待释放确认）时拒绝（退出码 4），并列出这些系统：请先用 egov cloud system migrate SYS --to PROVIDER 迁出。退出须经另一人审批（egov requests approve ID）；已退出的云服务商不再承接新系统。',
  },
  'cloud:provider:list': {summary: '列出云服务商及其容量数字（CLOUD-2、CLOUD-6）'},
  'cloud:provider:report': {
    summary: '登记云服务商的定期运行报告：运行情况、资源利用率、优化建议（CLOUD-8，第十条（二））',
    description:
      '--period 为已结束的月份（2026-11）或季度（2026-Q4，涵盖其三个月）。月报应在次月第 10 个工作日前报送（按 X-1 日历）；逾期收到的予以登记并标为逾期。文件按引用保存：路径、大小和 SHA-256。同一时段再次登记同一文件不作改动；已报送的时段登记另一文件的，拒绝（退出码 4）。缺报和逾期的情况见 egov cloud provider reports。',
  },
  'cloud:provider:reports': {
    summary: '各已纳管云服务商逐月缺报或逾期的运行报告（CLOUD-8，第十条（二））',
    description: `每个已纳管云服务商须为从纳管当月至最近一个已结束月份的每个月报送报告，期限为次月第 10 个工作日（按 X-1 日历）；季度报告涵盖其三个月。列出没有报告的月份——待报（尚未逾期）或 OVERDUE（逾期）；--overdue 只列逾期的；--all 也列出已收到的（附涵盖该月的报告及是否逾期报送）。到期日所在年度不在日历范围内时给出警告。

--columns 和 --output（csv、tsv、json、value）按键名输出各行供脚本使用，键名：provider、month、due、status、report。`,
  },
  'cloud:provider:show': {summary: '一个云服务商：纳管情况、容量及其承载的系统'},
  'cloud:provision': {
    summary: '开通资源：系统投入使用（开通，CLOUD-3、CLOUD-7）',
    description:
      'CLOUD-3 的最后一步。系统等级要求的上线前步骤尚未用 egov cloud security record 登记时拒绝（退出码 5，CLOUD-7，第二十三条；见 templates/cloud-security-levels.json）：各等级均需安全资源申请、安全自查、检测评估（通过）、安全加固和上云安全承诺书；第二级和第三级还需等保定级备案；第三级还需通过的等保测评和密评。拒绝时列出每个缺少的步骤。预留容量转为在用容量，预留的电子政务外网地址转为已分配。',
  },
  'cloud:release': {
    summary: '申请释放系统的资源（释放，CLOUD-5）',
    description:
      '由单位申请；经另一人审批（egov requests approve ID）；云服务商清除系统数据并予以登记（egov cloud wipe SYS）；由另一名操作员确认数据清除（egov cloud confirm-release SYS）。容量在确认时才归还云服务商（CLOUD-5）。已有未办结的释放申请时再次申请，只显示该申请。',
  },
  'cloud:report': {
    summary: '政务云年度报告：上云、扩缩容、释放；年末容量；测评评估（CLOUD-3..8）',
    description: '报告依据已记录的历史生成，因此往年的报告无论何时生成内容都相同。各云服务商的容量为年末时的情况；超期的测评评估以 12 月 31 日为准。--out 将其写成工作簿。',
  },
  'cloud:security': {
    summary: '按其等级周期应进行测评（等保测评、密评）的系统，已超期的在前（CLOUD-7，第二十三条）',
    description: `周期按系统的网络安全等级保护级别确定（templates/cloud-security-levels.json）：第三级：等保测评和密评每 12 个月一次；第二级：等保测评每 24 个月一次，密评无周期；第一级：无。测评在最近一次通过后一个周期到期；未通过则立即到期（须重新测评）；从未测评的系统，若其等级要求上线前测评，则在投入使用当日到期，否则在一个周期后到期。用 egov cloud security record 登记；平台自身的测评评估见 egov cloud platform list。

--columns 和 --output（csv、tsv、json、value）按键名输出各行供脚本使用，键名：system、unit、level、assessment、last、due、days。`,
  },
  'cloud:security:record': {
    summary: '登记系统上线前的安全步骤、安全承诺及测评评估（CLOUD-7，第二十三条）',
    description:
      '每个参数选项登记一个步骤及其完成之日（不晚于今天）；可一次给出任意多个，在一个事务中完成：--security-resources（安全资源申请）、--self-check（安全自查）、--assessment（检测评估，需 --result）、--hardening（安全加固）、--filing（等保定级备案）、--grading（等保测评，需 --result）、--crypto（密码应用安全性评估，需 --result）、--commitment（上云安全承诺书）。--result pass|fail 是本次给出的每项测评评估的结果。--document FILE 为本次的每个步骤附上文件，按引用保存（路径、大小、SHA-256）。系统等级所要求的步骤登记齐全之前，egov cloud provision 拒绝开通（退出码 5，CLOUD-7；见 templates/cloud-security-levels.json）：第一级需四个步骤和安全承诺书；第二级还需定级备案；第三级还需通过的等保测评和密评。未通过的测评在之后通过时计入。再次登记相同内容不作改动。',
  },
  'cloud:system:list': {
    summary: '列出租户系统：谁运行什么系统、部署在哪里、资源额度多少',
    description:
      '状态：applying（申请中）、approved（已审批，已预留容量）、agreed（已签协议）、in-service（在用）、releasing（释放中）、wiped（已清除，待确认）、released（已释放）、rejected（已驳回）。',
  },
  'cloud:system:migrate': {
    summary: '申请将系统迁移到另一云服务商（迁移，CLOUD-2）：须经另一人审批的申请',
    description:
      '提交一件 cloud-migration 申请；此时不作任何迁移。由另一人用 egov requests approve ID 审批（提交人不能审批，X-2）：审批时再次检查目标，并在一个事务中迁移系统及其预留——容量从源云服务商转到目标云服务商，额度不变——同时将该系统未办结的申请（上云申请的方案和预留、未办结的扩缩容或释放申请）改指向目标，各自记入其历史。提交和审批时以下情况拒绝：目标不存在（退出码 3）；目标未纳管或已退出（退出码 5，CLOUD-2）；目标容量不足以容纳额度（退出码 4，指明资源，CLOUD-6）；系统既未审批也未运行（退出码 4）；同一系统已有未办结的迁移申请（退出码 4）。--plan 按引用保存迁移方案（路径、大小、SHA-256）。审批之前，申请人可以撤回（egov requests withdraw ID --reason …），审核人也可以驳回。',
  },
  'cloud:system:show': {
    summary: '一个系统：配置、资源额度、云服务商、附件（按 SHA-256 核对）、安全步骤（及上线前缺少的步骤）、CLOUD-9 例外、历史',
    description: '每个附件都重新读取，并与提交时记录的大小和 SHA-256 比对：此后被改动或缺失的文件予以标出。',
  },
  'cloud:template': {
    summary: '生成空白的政务云资源申请表（或云服务商纳管申请表）供填写',
    description:
      '单位申请时填写的工作簿（CLOUD-3）：每个字段为一个标签，其值填在右侧，列举值有下拉选项。CPU、内存和磁盘均为每台虚拟机的配置。同一份版式（templates/cloud-application.json）用于读取填好的表（egov cloud apply --from-file）和将申请导出（egov cloud export）。--form provider 则生成云服务商的纳管申请表（CLOUD-2）。',
  },
  'cloud:usage:import': {
    summary: '导入云服务商的资源利用率报告：各系统各时刻的 CPU、内存和磁盘使用率（CLOUD-8）',
    description: `FILE 为 CSV（UTF-8、GB18030/GBK，或按 BOM 识别的 UTF-16，自动识别；分隔符逗号或制表符，由表头判断）或 .xlsx 工作簿，以流方式读取：每个系统每个采集时刻一行，表头为 系统名称、采集时间、CPU使用率、内存使用率、磁盘使用率（或 system、time、cpu、memory、disk），顺序不限，可位于任意标题行之下。

采集时间：2026-11-01 08:00[:00] 或 2026/11/1 8:00（北京时间），带时区偏移的 ISO 8601（2026-11-01T08:00:00+08:00），或工作簿中的日期单元格；不能晚于当前时间。百分比：0 到 100，带不带 % 均可，允许小数（保留一位）；设为百分比格式的单元格按其显示值读取。系统名称：政务云上的系统（不含已驳回的）。采样归属于该时刻使用此名称的系统——即从开通（egov cloud provision）到数据清除（egov cloud wipe），或未登记清除时到确认释放为止处于在用状态的系统——因此云服务商对已释放系统的迟报，即使该名称已被新系统使用，也会归到原系统；某时刻没有该名称的系统在用的采样视为问题，与其他问题一样指明位置。

每个有问题的行都会报告其文件、行、单元格、字段、规则和值——全部列出——只有所有行都无误才写入（退出码 2）。同一系统同一时刻已有的采样跳过并计数，从不覆盖，因此再次导入同一文件不作改动；文件中同一系统同一时刻出现两次的，值一致时只记录一次，不一致时报告问题。`,
  },
  'cloud:wipe': {
    summary: '登记云服务商对已释放系统数据的清除（数据清除，CLOUD-5）',
    description:
      '在释放申请审批通过之后。--by 为云服务商方执行清除的人；--evidence（数据清除报告、销毁证明）按引用保存。此后该系统不能再投入使用。再由另一名操作员确认：egov cloud confirm-release SYS。',
  },
}
