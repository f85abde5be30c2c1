import type {CommandZh} from './index.js'

/** 电子政务外网 (net), requests, ticket, units, audit, calendar, config, db, operators, completion. */
export const COMMANDS_ZH_A: Record<string, CommandZh> = {
  'net:alloc': {
    summary: '从地址池向单位分配地址段',
    description: `地址段大小须且只须用以下之一给出：--prefix-length；--hosts（IPv4：可用主机数不少于该值的最小地址段，不计网络地址和广播地址；/31 和 /32 按 RFC 3021 处理）；--cidr（指定的地址段，须为空闲）。

按最佳适配（best-fit）分配：地址池的空闲空间以最大的对齐 CIDR 地址段保存，取能容纳所需大小的最小地址段，同样大小的取地址最低者，并从其起始处分配。大地址段保持完整，留给日后需要的单位。--count K 在一个事务中分配 K 个地址段（全部成功或全部不分配）。

--unit 为单位名录中的单位（egov units add）：名称不存在时退出码为 3，并提示最接近的已登记名称。`,
  },
  'net:alloc:edit': {
    summary: '修改一条地址分配的用途、持有单位或状态（已分配 ↔ 预留）',
    description:
      '只修改给出的参数选项；值已相同的不作改动（unchanged: true）。--unit 为单位名录中的单位（egov units add）。属于单位电子政务外网接入的地址段（已制定方案 NET-5、在用 NET-6、已断网 NET-7）只能通过其申请更改持有单位或状态：否则退出码为 4，并指明规则和申请；其用途可以修改。每次修改连同修改前后的值记入审计日志。',
  },
  'net:cutoff:add': {
    summary: '对未整改安全问题的单位提出断网（NET-7）',
    description:
      '经另一人审批（egov requests approve ID）后断开链路；单位的地址仍为其保留（不在用），在恢复接入前其变更申请一律拒绝；同时生成载明整改期限的断网整改通知书（.docx），审批命令会输出其路径。单位在两个平面上都有接入时，以 --plane 指明断开哪一条。',
  },
  'net:cutoff:list': {summary: '已断网整改的单位，已超整改期限的排在前面（NET-7）'},
  'net:export': {
    summary: '将地址规划导出为工作簿或 CSV',
    description: '.xlsx：两张工作表“地址池”和“地址分配”，格式与 egov net import 读入的一致；.csv：地址分配（UTF-8 带 BOM，便于 Excel 打开）。已回收的分配不导出，除非给出 --all。',
  },
  'net:find': {
    summary: '查询某地址或地址段属于哪个地址池、哪条分配、哪个单位；或按单位名称、用途搜索',
    description: `给出 IP 地址或 CIDR 地址段时：列出包含它的地址池和分配记录，两个平面都查；地址不在任何地址池中时退出码为 3。加 --at DATE 时：查询当时由谁持有（截至该时已分配且尚未收回的地址段，各按当时的单位、用途和状态列出，依据其修改的审计记录）；当时无人持有时退出码为 3。

给出其他文字时：列出单位名称或用途包含该文字的在用地址段（名称的一部分即可，不分大小写）；加 --all 时包括已收回的地址段。一个也没有时退出码为 3。`,
  },
  'net:free': {
    summary: '地址池的空闲地址段，按地址从低到高，分页列出',
    description: `从空闲空间索引读取：查询 IPv6 /32 与查询 /24 一样快，无需逐个枚举地址。给出 --prefix-length N 时只列出能容纳 /N 的地址段，并给出可容纳的 /N 个数。用 --limit 和 --after（上一页最后一个地址段）翻页。

--columns 和 --output（csv、tsv、json、value）只输出地址段供脚本使用（翻页和汇总行不输出），键名：cidr、addresses（纯数字）——例如 --columns cidr --output value 每行一个地址段。`,
  },
  'net:import': {
    summary: '从工作簿或 CSV 导入地址规划',
    description: `工作簿可包含工作表“地址池”（地址段、名称、平面、备注），其中的地址池按由外到内的顺序创建；以及工作表“地址分配”（地址段、平面、地址池、单位、用途、状态）。CSV 只含地址分配。表头可以位于标题行之下，列的顺序不限，可用全角字符。“地址池”可以留空：使用包含该地址段的最内层地址池。“状态”为“已分配”（默认）或“预留”。

写入之前逐行检查——地址段格式错误、主机位不为零（会提示网络地址）、平面不存在、地址段不在任何地址池内、与已有分配或文件中其他行重叠——每个问题都指明工作表、行和列。整个文件无误才写入（否则退出码为 2）。已按相同内容记录的行保持不变，因此同一文件导入两次不会出问题。与已记录分配的地址段和平面完全相同的行，会在用途、状态、单位不同时修改该分配（空单元格保留原值），并在审计中记录修改前后；--dry-run 会列出这些差异。属于单位接入的地址段只能通过其申请变更持有单位或状态（NET-5、NET-6、NET-7）。已收回地址段的行（状态为“已收回”，即 net export --all 导出的）作为历史保留，不再分配。工作表“存量接入”（单位、地址段、平面、接入方式、带宽（Mbps）、接入日期、依据、归口部门、线路费用承担）登记 egov 之前已在用的接入：每行按 net request adopt 的规则提交一个申请（一个“地址段”单元格可含多个地址段，以、或空格分隔），与其余内容在同一事务中全部成功或全部不写入，每个申请由另一人审批。CSV 文件可为 UTF-8 或 GBK/GB18030（自动识别）。`,
  },
  'net:list': {
    summary: '按地址池、单位或状态列出地址分配',
    description: '--pool 包含其下级地址池。已回收的分配属于历史记录：用 --all 或 --status released 显示。',
  },
  'net:map': {
    summary: '地址池图示：哪些范围已被占用、由谁占用、哪些空闲',
    description:
      '在终端中显示为网格，每格代表地址池中等分的一段，标以持有单位的字母（预留的为小写），空闲为 ·，共用或部分空闲为 ▒，并附图例列出各持有单位的地址段和占比。给出 --svg 时，将同样的图示写成 SVG 文件，可在浏览器中打开，每格都有悬停提示。',
  },
  'net:pool:add': {
    summary: '在运营商平面上新增地址池（NET-1、NET-2）',
    description:
      '地址池可以嵌套：位于已有地址池内的地址池成为其下级，其空间在上级中不再空闲（市级 /16 → 区级 /20 → 街镇 /24）；包住已有地址池的地址池成为它们的上级，上级地址池中落在其内的分配随之移入。会切割已有分配的地址池将被拒绝（退出码 4）。平面 1 由中国电信运营，平面 2 由中国移动运营。支持 IPv4 和 IPv6。\n\n--district 和 --level（NET-4，属地接入、分级接入）说明地址池服务的对象：net request plan 只从与单位属地和层级相符的地址池为其分配地址段，除非以 --override-reason 写明理由并记录在案。未给出的，沿用上级地址池的属地和层级。',
  },
  'net:pool:edit': {
    summary: '重命名地址池、修改其备注，或设定其属地和服务层级（NET-4）',
    description:
      '只修改给出的参数选项；值已相同的不作改动（unchanged: true）。新名称须唯一（已被使用时退出码为 4），且不能像地址；地址池下的分配随之使用新名称。--note "" 清空备注；--district 和 --level 设定 net request plan 检查的属地和服务层级（NET-4），"" 清空。每次修改连同修改前后的值记入审计日志。',
  },
  'net:pool:list': {
    summary: '以树形列出地址池及已用、空闲数量',
    description: '--columns 和 --output（csv、tsv、json、value）按键名输出地址池供脚本使用，键名：name、cidr、plane、size、used、free——名称不缩进，数量为纯数字。',
  },
  'net:pool:remove': {
    summary: '删除地址池，其空间归还上级地址池',
    description:
      '不带 --lift 时，地址池中仍有分配或下级地址池的，拒绝删除（退出码 4）。带 --lift 时（误加的地址池，例如包住各区地址池的汇总地址池），其下级地址池和分配上移到其上级，或下级地址池移到顶层；本身持有分配的顶层地址池拒绝删除（NET-1）。已回收的分配保留在历史记录中（egov net list --all）。',
  },
  'net:pool:show': {summary: '显示一个地址池：在树中的位置、数量统计和最大的空闲地址段'},
  'net:release': {
    summary: '回收一条地址分配：其地址段重新成为空闲空间',
    description:
      '以 CIDR 或 ID 指定分配（同一 CIDR 在两个平面上都有分配时须用 ID）。该分配以“已回收”状态保留在历史记录中（egov net list --all）。属于单位电子政务外网接入的地址段（已制定方案、在用或已断网）拒绝回收：只能通过该单位的申请（关闭或变更）归还（NET-6、NET-7）。在终端中会请求确认；脚本中请加 --yes。',
  },
  'net:report': {
    summary: '电子政务外网年度运行情况报告（NET-9）',
    description: `本年度接入、变更、关闭、断网和恢复接入的单位；年末各平面、各地址池的地址占用；当时仍未办结的申请及其中超期的申请；线路费用由谁承担（NET-8）。报告依据已记录的历史生成，因此往年的报告无论何时生成内容都相同。--out 将其写成工作簿。

--columns 和 --output（csv、tsv、json、value）只输出各平面、各地址池持有的地址供脚本使用（数量统计、未办结申请和费用行不输出），键名：plane、pool、allocations、addresses（纯数字）。`,
  },
  'net:request:apply': {
    summary: '为单位申请电子政务外网接入（申请，NET-3、NET-5、NET-8）',
    description: `NET-5 的第一步：提交申请，写明申请依据、接入方式（fiber 光纤专线、mstp MSTP专线、vpn 互联网VPN、wireless 无线专网）、接入范围、地址需求（--hosts 或 --prefix-length；加 --prefix-length-v6 则同时申请 IPv6 地址段，即双栈）和业务需求。单位须已在单位名录中（egov units add）且符合接入条件（NET-3）；第（四）类单位须通过其主管部门申请（--sponsor），由主管部门承担安全责任，否则拒绝（退出码 5）。市级财政预算单位的线路费用由市数据局承担，其他单位自行承担（NET-8）；--cost-bearer 只能对此加以确认。单位每个平面可有一条接入（NET-2）：同一平面上再申请退出码为 4，另一平面（--plane 2）则是一次单独的接入申请。也可以用 --from-file：填好的电子政务外网接入申请表（egov net request template），或键相同的 JSON/YAML 文件（unit、basis、accessMode、scope、hosts、prefixLength、plane、bandwidthMbps、business、sponsor、costBearer、prefixLengthV6）。

之后：egov requests approve ID（审核）→ egov net request plan ID --pool P（制定方案）→ implement ID（实施）→ test ID（业务测试）→ 在用。`,
  },
  'net:request:change': {
    summary: '申请变更在用的接入（NET-5）',
    description:
      '步骤与接入相同：审核 → 制定方案 → 实施 → 业务测试。新的地址需求在制定方案时分配，变更投入使用时加入单位的地址段（旧地址段用 egov net release 回收）。已断网的单位在恢复接入前不能变更（退出码 4，NET-7）。单位每个平面可有一条接入：两个平面上都有接入时，以 --plane 指明变更哪一条（不指明则退出码为 2）；改用另一运营商平面，须在该平面申请接入（net request apply --plane），再关闭原平面的接入。',
  },
  'net:request:adopt': {
    summary: '登记 egov 之前已在用的接入及其地址段（存量接入登记，NET-5）',
    description:
      '适用于已接入电子政务外网的城市：按现状登记单位的接入，包括其已有地址段（--cidr，可重复）、接入方式、带宽及投入使用日期（--since）。每个地址段须位于该平面的地址池内，且在池中空闲，或已由该单位完整持有（来自 net import 或 net alloc）。单位须在登记册中且符合接入条件（NET-3）；线路费用承担按 NET-8。由另一人审批（egov requests approve ID，X-2）；审批时再次核对地址段，并在同一事务中取得，接入自 --since 起在用：变更、断网整改、关闭和年度报告与其他接入一样处理。',
  },
  'net:request:close': {
    summary: '申请关闭单位的接入（NET-6）',
    description:
      '经审批（egov requests approve ID，须由另一人）后关闭链路，单位持有的所有地址归还其地址池（历史记录保留），并在通知书目录中生成关闭通知书（.docx），审批命令会输出其路径。已关闭的单位只能凭申请依据重新申请接入。单位每个平面可有一条接入：两个平面上都有接入时，以 --plane 指明关闭哪一条（只有该平面上的地址归还地址池）。',
  },
  'net:request:implement': {summary: '登记线路和配置已完成（实施，NET-5）'},
  'net:request:plan': {
    summary: '制定方案：从地址池为单位预留地址段（NET-5）',
    description:
      '地址段按最佳适配从地址池中分配并标为预留，与该步骤在同一事务中完成：失败时两者都不生效。业务测试通过后转为已分配。--prefix-length 可覆盖申请中要求的大小。--cidr 采用网络组选定的地址段：须在申请平面的地址池中空闲（默认取包含它的最内层地址池，或由 --pool 指定），或已由申请单位在接入之外完整持有（来自 net alloc 或导入），此时该分配即成为方案的地址段。双栈申请（申请时给出 --prefix-length-v6）在同一事务中从 --pool-v6 分配其 IPv6 地址段；申请未要求 IPv6 地址段而给出 --pool-v6 的，退出码为 2。\n\nNET-4（属地接入、分级接入）：登记了属地（或服务层级，见 net pool add）的地址池只服务该属地（和层级）的单位；从其他属地或层级的地址池制定方案将被拒绝（退出码 5），并指明双方，除非以 --override-reason 写明理由：理由记入方案（申请的历史记录和 JSON 中），并作为警告显示。',
  },
  'net:request:template': {
    summary: '生成空白的电子政务外网接入申请表，供单位填写',
    description: '同一份版式（templates/net-application.json）同时用于生成本模板和 egov net request apply --from-file 的读取，两者不会不一致。',
  },
  'net:request:test': {
    summary: '业务测试：探测单位的业务服务，或登记单位自行测试的结果（NET-5）',
    description:
      '--probe 逐一探测目标——http(s)://…（状态码、时延、TLS 问题如自签名证书）或 tcp://主机:端口（连接耗时）——并将每个结果记入申请。全部通过后申请才转为在用；未通过的测试也会记录，申请仍处于“已实施”，可再次测试。--result pass|fail --note 登记单位自行进行的测试。',
  },
  'net:restore': {
    summary: '整改完成后申请恢复已断网单位的接入（NET-7）',
    description: '经另一人审批后，接入恢复在用，使用为其保留的地址，并生成恢复接入通知书（.docx）。不给出 --plane 时，恢复单位已断网的那条接入。',
  },
  'net:usage': {
    summary: '各地址池（树形）和各单位的地址使用率',
    description: `地址池的数字包含其下级地址池。在终端中每个地址池显示百分比条；彩色显示时，75% 及以上为黄色，90% 及以上为红色。

--above PCT 用于定时任务（cron）检查：只列出使用率达到 PCT% 的地址池，有则退出码为 6（没有则为 0），因此 "egov net usage --above 90 || mail …" 可在地址池耗尽之前发出警告。

地址池登记了属地时（net pool add/edit --district，NET-4），显示属地列，并在地址池之后按属地、平面和协议列出汇总：每个地址池计入其自身属地，其下级地址池计入各自的属地（JSON：districts）。--district NAME 只显示该属地的地址池。

--columns 和 --output（csv、tsv、json、value）只输出地址池供脚本使用（各单位表不输出），键名：name、cidr、plane、district、size、used、free——名称不缩进，数量为纯数字，不画进度条；--above 仍按规定以退出码 6 结束。`,
  },
  'requests:approve': {
    summary: '审批通过申请：使其进入下一步',
    description:
      '申请按其类型的“通过”流转进入下一步，并按工作日设定下一步的办理期限。提交申请的操作员永远不能审批自己的申请（X-2，退出码 5）。命令作用于读取时申请所处的状态，或 --expect 指定的状态：如果其间已被他人推进，则不作任何改动，退出码为 4；因此两名审核人同时审批，申请只前进一步，不会前进两步；可能重试的脚本请给出 --expect。',
  },
  'requests:list': {
    summary: '列出各领域的申请，超期的排在前面',
    description: '超期申请（已过按工作日计算的办理期限，X-1）排在最前，超期最久的在最上面；其次是未办结的申请，按办理期限排序；最后是已办结的申请，最新的在前。',
  },
  'requests:reject': {
    summary: '驳回申请，并写明告知申请人的理由',
    description:
      '必须给出理由：理由记入历史记录并告知申请人。提交申请的操作员同样不能驳回自己的申请（X-2，退出码 5）。被驳回的电子政务外网申请（接入或变更）须书面答复（NET-5）：载明理由并有独立文号的不予批准通知书写入通知书目录，并输出其文号和路径（--json 时为 notice、noticeNumber）。',
  },
  'requests:show': {summary: '显示一件申请及其流转历史'},
  'requests:withdraw': {
    summary: '代申请人撤回申请，并写明理由',
    description:
      '申请转入其类型的“已撤回”终态，并在同一事务中归还其占用的资源，理由记入其历史记录和审计日志。各类型规定可从哪些状态撤回：政务云接入申请在开通之前均可撤回（已申请、已审核、已制定方案、已审批或已同意——届时为其预留的 vCPU、内存和存储归还云服务商，为其预留的电子政务外网地址段归还地址池）；政务云扩缩容、释放或迁移申请在审批通过之前可撤回。其他情况一律拒绝（退出码 4），并指明申请当前状态和可执行的操作；缺少 --reason 属输入错误（退出码 2）。撤回是申请人的决定，不是审核：任何操作员都可以登记，提交人也可以。',
  },
  'ticket:open': {
    summary: '为单位提交工单',
    description:
      '工单是单位向市数据局提出的一般申请。先受理（限 2 个工作日），再办结（限 5 个工作日）或驳回，每一步都须由提交人以外的人办理（X-2）。时限可用 "egov config set limit.ticket.STATE N" 修改。',
  },
  'units:add': {
    summary: '在各领域共用的单位名录中新增单位',
    description: `KIND（NET-3 所列类别，以及自助终端和政务云所需的类别）：party-government 党政机关；stationed-unit 驻地中央及省属单位；authorised-body 法律法规授权的公共管理和服务单位；other 其他确有需要的单位；service-department 政务服务部门；post-office 邮政企业；bank 银行；state-enterprise 国有企业；enterprise 企业；individual 个人。
LEVEL：city 市级；county 县级；township 乡级；village 村级。
--district 登记单位的属地：其接入方案须从该属地的地址池分配（NET-4，见 net request plan）。
--budget city 表示市级财政预算单位：其电子政务外网线路费用由市数据局承担（NET-8）；默认为 self（自行承担）。
新增一个已存在且各项值相同的单位不作改动（退出码 0，\`unchanged: true\`）；值不同时退出码为 4，并指明每个不同的字段（请用 units edit）。`,
  },
  'units:edit': {
    summary: '修改单位的名称、类别、层级、属地、上级单位、联系人或预算性质',
    description: '只修改给出的参数选项。--parent "" 去掉上级单位，--district "" 去掉属地。每次修改连同修改前后的值记入审计日志。',
  },
  'units:list': {summary: '列出单位名录中的单位'},
  'units:show': {summary: '显示一个单位：基本信息、电子政务外网接入、地址和申请'},
  'audit:checkpoint': {
    summary: '将审计链的链头（条目序号、哈希、时间）以审计密钥计算 MAC 后写入文件，异地保存',
    description: `该文件（一个小 JSON：最后一条的序号和哈希、写入时间、数据库及其第一条的哈希，以及用审计密钥对以上全部内容计算的 HMAC）应离开本机保存：另一台机器、U 盘或打印件。日后用 "egov audit verify --checkpoint FILE" 即可发现审计链此后被截短、回退到旧副本或被改写。建议每天生成一次。

先校验审计链（审计链已断：退出码 4，不生成文件）。空审计链无可记录（退出码 4）。尚无密钥且没有条目带 MAC 时，会新建密钥（权限 0600）。`,
  },
  'audit:log': {
    summary: '显示审计日志，最新的在前',
    description: 'egov 的每次改动都在同一事务中记入日志：谁、何时、做了什么，以及对象改动前后的内容。日志条目永不删除（X-2 要求至少保存六个月）。',
  },
  'audit:verify': {
    summary: '检查审计条目未被篡改、删除或调换顺序，并校验其 MAC 和异地保存的检查点',
    description: `每个条目都带有前一条目的 SHA-256，数据库记录最后一条。verify 遍历整条审计链，指出第一条不匹配的条目。完好时退出码为 0；断链时退出码为 4，并给出该条目的序号。

审计密钥启用之后写入的每个条目，还带有用该密钥对其哈希计算的 HMAC，密钥保存在数据库之外（egov 配置目录中的 audit.key，或 EGOV_AUDIT_KEY 指定的文件）：MAC 不匹配说明审计链被没有密钥的人重新计算过（退出码 4，指明条目）。启用密钥之前的条目在警告中计数；没有密钥文件时，警告说明无法校验 MAC。

--checkpoint FILE（由 "egov audit checkpoint" 生成）先校验该文件的 MAC（文件被改动：退出码 2，指明该文件），再检查审计链中是否仍有该条目且哈希一致：审计链现在在其之前就结束（尾部被删除，或被放回旧副本），或该处哈希不同（被改写），退出码均为 4，并说明是哪一种。`,
  },
  'calendar:add-workdays': {
    summary: 'DATE 之后第 N 个工作日的日期',
    description:
      '按官方日历计算工作日（X-1）：跳过周末和法定节假日，调休上班日计入。DATE 当天不计。N = 0 时，DATE 若为工作日则返回 DATE，否则返回下一个工作日；N 为负数（写在 -- 之后）时向前倒数。年度放假安排未知时给出警告。',
  },
  'calendar:is-workday': {summary: 'DATE 在官方日历上是否为工作日'},
  'calendar:load': {
    summary: '载入某一年度的官方节假日安排（X-1）',
    description: `chinese-days 包尚未收录的年度，可将国务院办公厅通知写成 JSON：
  {"year": 2027, "source": "国办发明电〔2026〕X号",
   "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}, …],
   "workdays": [{"name": "春节调休", "date": "2027-02-07"}, …]}
日期也可以直接写成 "YYYY-MM-DD" 字符串。调休上班日必须在周末。载入某一年度会替换该年度的安排（无论来自包还是此前载入）；替换已载入的年度须确认（--yes）。
在同一事务中，办理期限落在该年度或之后的所有未办结申请，按新安排重新计算期限（从其当前步骤开始之日起，工作日数不变）；每处改动记入申请历史（动作 recompute-due）和审计日志。
已建立操作员名册后，载入年度安排会改变办理期限，因此须经另一人：它作为一件申请（settings-change）提交，由另一名系统管理员（system-admin）审批通过时载入（egov requests approve ID；X-2），提交时即校验，按提交的内容载入。`,
  },
  'calendar:years': {
    summary: 'egov 已知官方节假日安排的年度',
    description: '年度安排来自 chinese-days 包，或由管理员用 "egov calendar load" 载入（载入的年度替换包中的安排）。其他年度的工作日只按周末计算，并给出警告（X-1）。',
  },
  'config:get': {summary: '显示一项设置'},
  'config:list': {summary: '列出所有设置及其保存位置'},
  'config:set': {
    summary: '设置本人的操作员名称，或申请某一步骤的工作日时限',
    description: `键：
  operator            记录在本人所办事项上的名称（本人的配置文件）。EGOV_OPERATOR 优先于它；在 PostgreSQL 上记录的是数据库用户。
  notices             生成的通知书（.docx）存放的目录（本人的配置文件）；默认为数据目录下的 notices/。
  limit.KIND.STATE    KIND 类申请在 STATE 状态可停留的工作日数，超过即为超期（保存在数据库：全组共用，记入审计）。"egov config list" 显示全部时限。已建立操作员名册后，修改时限会改变办理期限，因此须经另一人：修改作为一件申请（settings-change）提交，由另一名系统管理员（system-admin）审批通过后生效（egov requests approve ID；X-2）。
  items.code-pattern  政务服务事项清单中事项编码须匹配的正则表达式（数据库，记入审计）；默认：国家规定的格式，即以 - 连接的字母数字组。
  notices.prefix      生成的通知书文号开头的机关代字（数据库，记入审计）：甘数 生成 甘数〔2026〕3号；1–16 个字符，不含控制字符。未设置时：〔2026〕第3号。
  area-code           市数据局所在地的电话区号（如 0826；数据库，记入审计）：固定电话未带区号时提示信息中的示例。未设置时示例为 0XXX。`,
  },
  'config:unset': {
    summary: '删除一项设置，恢复默认值',
    description: '已建立操作员名册后，删除工作日时限（limit.KIND.STATE）会改变办理期限，因此作为一件申请，须由另一名系统管理员（system-admin）审批通过（egov requests approve ID；X-2）。',
  },
  'db:backup': {
    summary: '写出数据库的一致性副本及其清单（002 第十六条）',
    description: `SQLite：在他人继续工作的同时生成快照（VACUUM INTO），文件权限 0600。PostgreSQL：对当前模式执行 pg_dump -Fc，所用快照与清单中计数所依据的相同（须已安装 pg_dump；否则退出码 5）。

FILE 旁边生成 FILE.manifest.json：副本的 SHA-256、每张表的行数、审计链链头、数据库迁移以及通知书目录中的文件（通知书是文件：请将该目录与备份一起复制）。FILE 不能已存在（退出码 2）。用 egov db restore FILE 恢复。

备份应保存在数据库以外的地方：每日备份保留 30 天、每月备份保留一年是稳妥的安排（见 README“备份与恢复”）。`,
  },
  'db:grant': {
    summary: '为 PostgreSQL 登录账号授予其名册角色在 egov 各表上所需的权限，仅此而已',
    description: `仅限 PostgreSQL（issue 18）。以属主角色（执行 egov db init 的那个）登录后，为每个操作员的登录账号运行一次，每次升级后再运行一次（授权按表进行）。

角色取自操作员名册（egov operators show LOGIN），或在其尚未列入名册前取自 --roles。审计员只能读。其他角色还可写业务表，但对历史表和审计表（audit_log、request_transitions、cert_events、cloud_events）只能插入，且永远不能改动数据库模式或迁移相关的表。已离岗人员的权限全部收回。先收回该登录账号原有的全部权限，因此重复运行的结果完全相同。

无论登录账号执行什么 SQL，数据库本身也保存着留痕（迁移 020）：每条历史和审计记录都写明写入它的登录账号，在正式数据库上以服务器时钟记时；这些记录永不更新或删除；申请只能连同其历史记录一起改变状态。

--sql 只输出语句而不执行（供数据库管理员审阅，或用 psql 执行）。登录账号须已存在（由具有 CREATEROLE 的角色执行 CREATE ROLE alice LOGIN）：不存在时退出码为 3；当前会话不是各表属主时退出码为 5。`,
  },
  'db:init': {
    summary: '新建数据库（或升级到本版本）：唯一可以新建 --db 或 EGOV_DB 所指 SQLite 文件的命令',
    description: `其他命令遇到不存在的 --db 或 EGOV_DB 文件一律拒绝（退出码 2），因此路径打错不会生成一个空数据库；默认数据库（数据目录中的 egov.db）在首次使用时创建。在 PostgreSQL（EGOV_DATABASE_URL）上执行数据库迁移。重复运行不作任何改动。

新建的 SQLite 文件权限为 0600（由 egov 创建其目录时，目录为 0700）：其中保存 CA 私钥、审计链和经哈希处理的身份证件号码。

--rehearsal 新建演练数据库，用于测试和培训：只有在演练数据库上才接受 EGOV_NOW（设定的时钟）和 EGOV_OPERATOR（手工输入的名称），所有输出都标明 REHEARSAL（演练）。正式数据库（默认）一律以系统时钟记时，并记录登录账号（SQLite 上为操作系统登录名，PostgreSQL 上为数据库登录名）；在正式数据库上设置 EGOV_NOW 或使用其他名称将被拒绝（退出码 5）。数据库属于哪一种在创建时确定。

尚无审计密钥时，还会在数据库之外生成审计密钥：egov 配置目录中的 audit.key（0600，目录 0700），或 EGOV_AUDIT_KEY 指定的文件。每个审计条目都带有以它计算的 HMAC，因此仅凭数据库副本无法伪造一条重新计算的审计链（见 egov audit verify）。请将密钥与数据库分开备份；PostgreSQL 团队须将其复制到每个操作员的机器上。

证书持有人的身份证件号码以审计密钥派生子密钥计算的 HMAC 保存（issue 18），因此仅凭数据库副本无法对其进行猜测比对。对此前创建的数据库，db init 在一个事务中用该密钥重新封装旧的哈希（仅 scrypt）；在此之前，下一次证书申请也会完成这一步。

它还按各类申请的 schema（schemas/requests/KIND.schema.json，issue 19）检查每份已保存的申请内容，对不符合的（由旧版 egov 写入，或绕过 egov 写入）逐一报告：以警告列出申请编号、类型和字段，加 --json 时列在 storedPayloads 中。它不修改其中任何一份：请更正，或重新提交申请。

--admin LOGIN --name 真实姓名 直接以第一位系统管理员（system-admin）建立操作员名册：此时尚无人能审批。此后对名册的每项改动都是一件申请，须由另一名系统管理员审批（egov operators add；X-2、CERT-4）。对已是在岗系统管理员的人再次给出时不作改动；名册已以其他方式建立的，退出码为 4。`,
  },
  'db:restore': {
    summary: '将备份恢复到空数据库，再按其清单核对并校验审计链',
    description: `先按 FILE.manifest.json 核对副本（SHA-256：副本被改动或不完整时退出码为 4，不作恢复）。SQLite：--db 或 EGOV_DB 所指的数据库须尚不存在（或为空）：恢复永远不会覆盖数据库（退出码 4）。PostgreSQL：目标模式（与备份时的模式同名）中不能有任何表；须已安装 pg_restore。

恢复后，每张表的行数和审计链链头须与清单一致，且审计链须校验通过（否则退出码为 4）。请从备份通知书的保存处将通知书目录复制回来。`,
  },
  'operators:add': {
    summary: '将一个人列入操作员名册，并赋予角色',
    description: `LOGIN 是 egov 识别其身份的依据：SQLite 上为操作系统登录名，PostgreSQL 上为数据库登录名。--roles 为以逗号分隔的角色 ID（egov operators roles 列出全部角色）。三员（系统管理员 system-admin、安全管理员 security-admin、审计员 auditor）不能由同一人兼任（X-4）。名册的第一人是建立名册的人，角色为系统管理员（或用 egov db init --admin）；此后只有名册上在岗的人员可以作改动，且各限于其角色。

建立名册后，对名册的改动是一件申请（roster-change），由另一名在岗系统管理员审批通过后生效：egov requests approve ID（X-2；CERT-4；002 第二十二条）。提交人不能审批自己的申请。唯一的例外是为了能有两人：在岗系统管理员不足两人时，新增一名只有系统管理员角色的人员立即生效。所需角色：system-admin。`,
  },
  'operators:edit': {
    summary: '修改名册上某人的姓名、单位、角色或起止日期',
    description:
      '只修改给出的参数选项；--roles 替换原有角色。--to "" 使期限不设截止日。名册上始终须有一名在岗系统管理员。建立名册后，改动是一件申请，由另一名在岗系统管理员审批通过后生效（egov requests approve ID；X-2）：提交时和审批时各校验一次。每次修改连同修改前后的值记入审计日志。所需角色：system-admin。',
  },
  'operators:list': {
    summary: '列出操作员名册：谁可以操作，具有哪些角色',
    description:
      '已离岗人员不列出，除非给出 --all。没有名册时，能打开数据库的人都可以作任何改动：提示信息会说明如何建立名册。已提交、尚未经第二名系统管理员审批的名册变更列在名册之后（--json 中为 pending；egov requests list --kind roster-change 列出全部）。',
  },
  'operators:retire': {
    summary: '使某人离岗：为保留历史仍留在名册上，只能读',
    description:
      '最后一名在岗系统管理员不能离岗（请先新增一名）。建立名册后，离岗是一件申请，由另一名在岗系统管理员审批通过后生效（egov requests approve ID；X-2）。对已离岗的人再次操作不作改动，并予以说明。所需角色：system-admin。',
  },
  'operators:roles': {
    summary: '列出可授予的角色及各角色可做的事',
    description: '建立名册后，每个有改动的命令都需要其主题的某一角色（见 README“操作员与角色”中的表）；审批通过或驳回申请需要该申请所属领域的审核角色（外网申请为 review-net，……）。只读不需要角色。',
  },
  'operators:show': {
    summary: '显示名册上的某人',
    description: '同时显示与其有关的、已提交但尚未经第二名系统管理员审批的名册变更（--json 中为 pending）。',
  },
  completion: {
    summary: '输出 bash 或 zsh 的命令补全脚本',
    description: `根据本版本的命令补全主题、命令、参数选项及参数选项的固定取值（--plane 1|2、--budget city|self …）。安装一次，升级后再安装一次：
  bash: egov completion bash > ~/.local/share/bash-completion/completions/egov
  zsh:  egov completion zsh > ~/.zfunc/_egov   （并在 ~/.zshrc 中 compinit 之前加上 fpath=(~/.zfunc $fpath)）
或只在当前 shell 中加载：source <(egov completion bash)。`,
  },
}
