import type {CommandZh} from './index.js'

/** 数字证书 (cert), 政务服务事项清单 (items), 自助终端 (kiosk). */
const LIFECYCLE =
  '提交一件事项生命周期申请；由另一人用 "egov requests approve ID" 审批（X-2），自 --effective 起执行。公告予以输出，并随申请保存。暂停、恢复和终止须 --effective 在官方日历上至少为今天之后 3 个工作日，否则拒绝（退出码 5）；事项当前状态不允许该步骤的，拒绝，退出码为 4。'

export const COMMANDS_ZH_C: Record<string, CommandZh> = {
  'cert:apply': {
    summary: '为工作人员申请存放于介质上的数字证书（申请，CERT-1、CERT-3）',
    description:
      '提交一件 cert 类申请；另一名操作员审批通过时签发证书（egov requests approve ID，CA 口令置于 EGOV_CA_PASSPHRASE）。持有人是已登记单位（egov units add）中的个人，以居民身份证号码（18 位，按 GB 11643 校验码校验）识别，只保存其加盐哈希和后四位。一个介质（USB Key）只属于一名持有人，一名持有人每种证书模板只能有一张有效证书（CERT-1，退出码 5）。不给出 --csr 时由 egov 生成密钥并加密保存；密钥以 PKCS#12 交付一次（egov cert export SERIAL --p12 FILE）。',
  },
  'cert:ca:init': {
    summary: '新建本地 CA：自签名根证书，私钥加密保存；或离线根 CA 及其签发的签发 CA',
    description: `根证书（默认 10 年，RSA-3072）及其私钥以 CA 口令加密的 PKCS#8（AES-256-CBC、PBKDF2）保存在数据库中；私钥从不输出。口令来自 --passphrase-file、EGOV_CA_PASSPHRASE，或终端上的隐藏输入；至少 8 个字符。同时生成第一份空的 CRL。每个数据库只有一个 CA（已存在时退出码为 4）。--key sm2 建立 SM2 CA（CERT-5）：CA 证书、其签发的证书、CRL 和 OCSP 响应均以 SM2-with-SM3（1.2.156.10197.1.501）签名，使用 GM/T 0009 默认标识 1234567812345678（openssl：-vfyopt distid:1234567812345678）。

或建立层级：--root --out-key FILE 生成离线根 CA（默认 20 年，RSA-4096，pathLen 1；其 CRL 有效 --crl-days 天，默认 180），私钥只写入 FILE，以根 CA 自己的口令加密（--root-passphrase-file、EGOV_ROOT_PASSPHRASE 或隐藏输入）：数据库只保存根证书，从不保存其私钥。然后以 --root-key FILE 生成由该根签发的签发 CA（pathLen 0）；日常工作由它完成，与自签名 CA 相同，每个 PKCS#12 和 PEM 都带有到根的证书链。--ca-url 为发布本 CA 证书的地址（写入其签发证书的 AIA caIssuers）。`,
  },
  'cert:ca:rollover': {
    summary: 'CA 密钥更新（轮换）：此后由新的 CA 密钥和证书签发；旧 CA 退役而不撤销',
    description: `旧 CA 签发的证书在到期前继续有效：仍可撤销，旧 CA 继续在其原地址签发这些证书的 CRL（每次撤销时及 egov cert crl），并为其应答 OCSP（egov cert ocsp serve）。新证书及更新的证书由新 CA 签发。新 CA 名为 原名称 G2、G3 …（或 --name），其 CRL 和证书地址在扩展名前加 -g2、-g3 …（ca.crl → ca-g2.crl），除非以 --crl-url 和 --ca-url 另行指定。在离线根 CA 之下时，由根密钥文件签发新证书（--root-key，口令用 --root-passphrase-file 或 EGOV_ROOT_PASSPHRASE），并同时更新根 CA 的 CRL；独立的自签名 CA 则生成新的自签名证书，依赖方须在旧证书之外另行安装。新密钥以同一 CA 口令保存（--passphrase-file、EGOV_CA_PASSPHRASE）。`,
  },
  'cert:ca:show': {
    summary: '显示 CA：主题、有效期、指纹和当前 CRL',
    description:
      '当前 CRL 的下次更新时间不足 2 天或已过时给出警告：CRL 过期后，依赖方会拒绝所有证书；离线根 CA 的 CRL 在 30 天内到期时也给出警告。在根 CA 之下时显示证书链（根 CA 及其 CRL）以及轮换后退役的 CA。',
  },
  'cert:check': {
    summary: '按签发者的 CRL 检查导入的证书',
    description: `按顺序尝试证书的 CRL 分发点（http 或 https；其他协议跳过并注明；有超时限制和 20 MB 大小限制），直到取得一份由其签发者签名（签发者证书已知时）且未过下次更新时间的 CRL，并将该 CRL 保留到其下次更新时间（--refresh 重新获取）。已撤销的证书在证书台账中标为已撤销，冻结（certificateHold）的标为已冻结，签发者解除冻结时再恢复。不给出 SERIAL 时：检查所有导入的证书。没有可用的 CRL 时结果为 unknown（CRL 已过期时为 "CRL expired"），退出码为 0；证书已撤销时退出码也为 0：脚本请读取 --json，其中 tried 列出每个分发点及其结果。 --columns 和 --output（csv、tsv、json、value）按键名输出检查结果供脚本使用，键名：serial、holder、result、crl。`,
  },
  'cert:crl': {
    summary: '立即生成由 CA 签名的新 CRL 并写出',
    description:
      '每份 CRL 使用下一个 CRL 序号，列出所有未过期的已撤销或已冻结证书及其原因代码（冻结为 certificateHold），下次更新时间为 7 天后（ca init --crl-days）。每次撤销、冻结或恢复后 egov 都会自动生成一份；请至少每周运行一次，使已发布的 CRL 永不过期（cert ca show 和 cert list 会提前 2 天警告）。默认为 DER，--pem 为 PEM；不给出 --out 时 PEM 输出到标准输出。设置了发布目录（egov config set cert.publish DIR）时，egov 生成的每份 CRL（无论在此还是在审批时生成）也以 DER 和 PEM 写入该目录（见 README）。轮换后退役的每个 CA 也各生成一份新的 CRL（列出其签发的证书，发布在其原地址）；给出 --root-key 时还重新签发离线根 CA 的 CRL。',
  },
  'cert:export': {
    summary: '将证书写为 PEM，或以 PKCS#12 交付其密钥和证书',
    description:
      '--out FILE.pem 写出证书及其后的 CA 证书；任何人都可以持有。--p12 FILE 写出 egov 生成的密钥和证书链，以操作员设定的密码保护（--password-file，或隐藏输入），文件权限 0600：默认 AES-256（PBES2，SHA-256 MAC），或 --legacy 使用 3DES 和 SHA-1 MAC，供较老的 Windows 和 USB Key 工具使用；SM2 密钥默认以 SM4-CBC 加密（CERT-5）。密钥只交付一次，交付即销毁：egov 不保留副本，再次导出 PKCS#12 一律拒绝（退出码 4，CERT-3；新密钥须办理更新，egov cert renew SERIAL）。持有人收到后须修改密码（CERT-2）。解开密钥需要 CA 口令（--passphrase-file 或 EGOV_CA_PASSPHRASE）。',
  },
  'cert:extend': {
    summary: '证书期满延期：密钥不变，重新设定有效期（期满延期，CERT-3）',
    description: '只能在证书到期前 30 天内或到期后 30 天内办理（过早时退出码为 5）。提交一件申请；审批通过后为同一密钥签发新证书，旧证书以 superseded（已被取代）为由撤销。',
  },
  'cert:import': {
    summary: '将其他机构签发的证书纳入同一证书台账管理',
    description:
      'PEM、DER 或 PKCS#12（需 --password-file；只保留证书，从不保留密钥）。给出签发者证书时（--issuer，或 FILE 中的证书链），先核对确为其签发，cert check 会校验每份 CRL 的签名，不信任非其签名的 CRL。证书出现在 cert list 中并显示到期日，cert check 按其签发者的 CRL 检查它。证书台账以签发者和序列号为键：其他 CA 的证书若与已有证书序列号相同，作为另一张证书，列为 SERIAL@TAG（TAG：签发者名称 SHA-256 的前 8 个十六进制字符）；同一签发者和序列号重复导入的，拒绝（退出码 4）。',
  },
  'cert:list': {
    summary: '列出证书：本地签发的和导入的，可按状态、单位或到期日筛选',
    description: '--expiring 30 即每月的到期提醒清单：30 天内到期的有效或已冻结证书，最先到期的在前。当前 CRL 的下次更新时间不足 2 天或已过时给出警告。',
  },
  'cert:ocsp:serve': {
    summary: '为本 CA 签发的证书应答 OCSP 请求（RFC 6960）',
    description:
      '基于 HTTP 的 OCSP 响应服务，支持 POST 和 GET：每次请求时按证书台账应答 good、revoked（附撤销时间和原因；冻结以 certificateHold 应答为 revoked，恢复后重新为 good）或 unknown。响应以 CA 私钥签名，因此依赖方只需 CA 证书（openssl ocsp -issuer ca.pem -CAfile ca.pem）；CA 口令只在启动时询问一次（--passphrase-file、EGOV_CA_PASSPHRASE）。请求中的 nonce 原样返回。无法解析的请求返回 HTTP 400 和 malformedRequest。默认监听 127.0.0.1，除非 --host 另行指定；--port 0 自动选用空闲端口（并输出）。按 Ctrl-C 或收到 SIGTERM、应答 --max-requests 次后，或 --for 秒后停止。',
  },
  'cert:profile:add': {
    summary: '新增证书模板，本数据库的所有人共用',
    description: `须给出 --name、--key-usage 和 --days；--key-spec 默认为 rsa-2048，--max-days 默认等于 --days，--ext-key-usage 和 --san 默认为无，默认 --no-medium。写入之前检查每一项（退出码为 2，指明参数选项和规则）：持有人证书可用的密钥用途（RFC 5280；不能含 keyCertSign 或 cRLSign），EC 密钥不能含 keyEncipherment 或 dataEncipherment（RFC 5480），支持的扩展密钥用途，支持的密钥类型（CERT-5），1 ≤ --days ≤ --max-days ≤ 3650。代码已被使用（包括已停用的模板）时退出码为 4。记入审计日志 cert.profile.add。须具备：security-admin（安全管理员）。`,
  },
  'cert:profile:edit': {
    summary: '修改证书模板：只修改给出的项',
    description: `参数选项和检查与 cert profile add 相同（退出码为 2，不写入任何内容）；值已相同的不作改动（unchanged: true，不记审计）。已签发的证书保持签发时的内容；其下次更新、延期或更换介质按当时的模板签发。已停用的模板不能修改（退出码为 4）。连同修改前后的值记入审计日志 cert.profile.edit。须具备：security-admin（安全管理员）。`,
  },
  'cert:profile:list': {
    summary: '列出本数据库中签发所用的证书模板',
    description: `证书模板保存在数据库中，使用同一数据库的所有操作员和机器共用；新数据库以软件包自带的模板（staff、server）开始。已停用的模板不列出，除非给出 --all。`,
  },
  'cert:profile:retire': {
    summary: '停用证书模板：不再按其签发新证书',
    description: `新申请不能再使用该模板；已按其提交、尚未审批的申请在审批时被拒绝（退出码为 4）。已按其签发的证书仍可按其更新、延期和更换介质。停用不可撤回：模板代码不再使用（请新增模板）。停用已停用的模板时退出码为 4。记入审计日志 cert.profile.retire。须具备：security-admin（安全管理员）。`,
  },
  'cert:profile:show': {
    summary: '显示证书模板：用途、密钥类型、有效期，由谁新增和修改',
    description: '并给出按其签发的有效证书数（无论模板此后如何，这些证书都按其更新）。代码不存在时退出码为 3。',
  },
  'cert:renew': {
    summary: '更新证书：新密钥、新证书；旧证书以 superseded 为由撤销（更新，CERT-3）',
    description:
      '提交一件申请；另一名操作员审批通过时生成新密钥和新证书（持有人、介质和证书模板不变），旧证书立即以 superseded（已被取代）为由撤销并列入新的 CRL，因此更新后不会同时有两张有效证书。密钥由持有人自行保管的证书（由 CSR 签发），请用 --csr 给出新的证书请求。',
  },
  'cert:replace-medium': {
    summary: '为持有人更换新介质：撤销并重新签发（介质丢失、损坏、更换，CERT-3）',
    description: '提交一件申请；审批通过后为新介质生成新密钥和新证书，并撤销旧证书：介质丢失时原因为 keyCompromise（密钥泄露），其他情况为 superseded（已被取代）。新介质不能属于他人（CERT-1）。',
  },
  'cert:report-lost': {
    summary: '介质挂失：证书冻结（挂失，CERT-3）',
    description:
      '提交一件申请；审批通过后证书被冻结（CRL 原因 certificateHold），并生成新的 CRL。介质找回的：egov cert resume；未找回的：egov cert revoke --reason keyCompromise，或 egov cert replace-medium --reason lost。',
  },
  'cert:reset-password': {
    summary: '密钥交付之前：以新密码生成其唯一一份 PKCS#12（CERT-3）',
    description:
      '提交一件申请；审批通过后（无需 CA 口令：不签名任何内容），egov 为该证书保存的密钥可以新密码交付一次（egov cert export SERIAL --p12 FILE）。egov 生成的密钥在交付时即销毁，因此交付之后无可再导出：忘记密码或介质锁死需要新密钥，即 egov cert renew SERIAL（退出码 4，CERT-3）。密钥由持有人生成（CSR）的，egov 从未持有：egov cert renew SERIAL --csr NEW.csr（退出码 4）。',
  },
  'cert:resume': {
    summary: '恢复已冻结的证书：重新有效，不再列入下一份 CRL（恢复，CERT-3）',
    description: '提交一件申请；审批通过后证书重新有效，并生成不含它的新 CRL。',
  },
  'cert:revoke': {
    summary: '撤销证书（撤销，CERT-3）',
    description:
      '提交一件申请；审批通过后证书以给出的原因撤销，并生成新的 CRL。已挂失且介质未找回的证书以 --reason keyCompromise 撤销：其密钥列入黑名单，永远不再为该密钥签发证书（以该密钥新申请、更新或更换介质一律拒绝，退出码 5，CERT-3）。已撤销证书的密钥如由 egov 生成，予以销毁。',
  },
  'cert:show': {summary: '显示一张证书：持有人、介质、状态及其历史'},
  'cert:suspend': {
    summary: '停用证书：冻结至恢复为止（停用，CERT-3）',
    description: '提交一件申请；审批通过后证书被冻结（CRL 原因 certificateHold；历史记录可将其与挂失区分开），并生成新的 CRL。',
  },
  'items:cases:import': {
    summary: '导入各事项按年度、渠道（窗口/网上/自助）的办件量，用于统计数字（ITEM-6、ITEM-7）',
    description:
      '工作簿或 CSV，列为 事项编码、年度、渠道（窗口、网上 或 自助）和 办件量，每个事项、年度、渠道一行。每个编码都须是当前清单中的事项。同一事项、年度、渠道再次给出的办件量替换此前的值。每个问题都指明其单元格；整个文件无误才写入。',
  },
  'items:change': {
    summary: '申请变更事项要素（变更），并附公告（ITEM-4、ITEM-5）',
    description:
      '每个 --set 以表头指定一项基本信息要素并给出新值，按导入时的规则检查（类型、列举值、承诺时限 ≤ 法定时限、收费明细）。经另一人审批通过（egov requests approve ID）后，变更成为清单的新版本，可用 "egov items diff" 查看。审核应在提交后 3 个工作日内完成（ITEM-5）。',
  },
  'items:diff': {
    summary: '清单两个版本之间逐项要素的差异',
    description: `默认：最新版本与其前一版本比较；版本 0 为首次导入前的空清单。事项分为新增、删除或变更；变更的事项列出每项要素（基本信息的列，或按名称列出的办理环节、申请材料）的变更前后的值。版本列表见 "egov items versions"。

--out FILE.xlsx 将差异写成工作簿，每部分一张工作表（基本信息、办理流程、申请材料），列与模板相同，第一列为“变更”（新增、删除、变更）：每项变更的要素标为黄色，旧值写在单元格批注中。要撤销一次误导入，导出其之前的版本（egov items export --version N），再以 --replace 导入：在用事项通过变更和终止申请恢复（ITEM-4）。`,
  },
  'items:export': {
    summary: '按模板格式导出当前清单，供各渠道使用（ITEM-3）',
    description: `.xlsx：模板的三张工作表，可原样再次导入。.csv：每张工作表一个文件——FILE.csv（基本信息）、FILE-办理流程.csv、FILE-申请材料.csv——编码为带 BOM 的 UTF-8（Excel 可正确显示中文），或用 --encoding gb18030，供较老的工具使用。CSV 中以 = + - @ 或制表符开头的文本单元格，写出时在前面加一个单引号，使电子表格不会将其当作公式执行；导入时再去掉。.xlsx 中这类文本原样写在文本单元格中（文本单元格从不计算）。数字仍为数字。

--version N 写出第 N 版时的清单（见 "egov items versions"），以便复核和撤销误导入：以 --replace 再次导入该文件，在用事项通过变更和终止申请恢复（ITEM-4）。

--for-revision UNIT 以模板的格式（.xlsx）写出该实施主体的当前清单：按填写说明以 * 标出必填表头，附下拉列表和填写说明工作表。市数据局将其发给部门，部门修改后送回，用 "egov items import" 导入——与其他文件一样作为一份修改建议。`,
  },
  'items:import': {
    summary: '检查并从工作簿或 CSV 文件导入政务服务事项清单',
    description: `FILE 为含模板各工作表的工作簿，或 CSV 文件，每张工作表一个（只有基本信息表也可以）；每个 CSV 对应哪张工作表由其表头判断，编码自动识别（有 BOM：UTF-8 或 UTF-16，即 Excel“Unicode 文本”的保存格式；否则先按严格 UTF-8，再按涵盖 GBK 的 GB18030），分隔符（逗号或制表符）也自动识别：.csv、.tsv 和 .txt 文件均按此读取。旧的 .xls 工作簿予以拒绝并说明处理办法（另存为 .xlsx）。表头可以位于标题行之下，顺序不限，可有多余空格或全角字符。

每个单元格都按版式检查（ITEM-2）：必填要素；事项类型、办件类型、行使层级及其他列举值；是/否；工作日（20、20个工作日、当场办结；承诺时限 ≤ 法定时限）；电话号码；事项编码格式正确且唯一；办理环节和申请材料须属于文件中的某个事项；是否收费为“是”时须有收费明细。每个问题都指明其工作表、单元格、要素、规则和值——全部列出，而不只是第一个——整个文件无误才写入（否则退出码为 2）。--report 将您的工作簿写回，每个有问题的单元格标为黄色，原因写在批注中，另加一张“错误汇总”工作表。

无误的文件是对当前清单的一份修改建议（ITEM-4、ITEM-5）：
- 尚未开通的事项（待开通）直接新增和修改；改动清单的内容成为新版本，并开始 ITEM-5 计时（一件 item-update 申请，限 10 个工作日，事项库更新后由另一人审批）。与清单完全相同的文件不记录新版本，并予以说明（"unchanged": true）。
- 在用事项（在用、暂停或已定于开通）不由文件直接修改：要素变更提交一件 "items change" 申请，删除提交一件 "items terminate" 申请，各附公告，经另一人审批（egov requests approve ID，X-2）后自 --effective 起生效（默认为 3 个工作日公告期允许的最早日期）。导入会列出其提交的申请。给出 --refuse-open 时则拒绝导入（退出码 5，ITEM-4，并指明事项），不写入任何内容。
- 只列出某实施主体部分事项的文件只修改这些事项；该主体的其他事项保持不变。给出 --replace 时，文件即为其实施主体的完整清单：文件中未列出的事项予以删除（在用事项通过终止申请）。删除超过 3 个事项时，在终端上会询问确认，非终端时须加 --yes（否则退出码为 2，不写入任何内容）。`,
  },
  'items:list': {
    summary: '列出当前清单中的事项及其今天的状态',
    description: '状态（ITEM-4）：pending（待开通，已导入尚未开通）、open（在用）、paused（暂停）、terminated（终止）。已批准于以后某日生效的变更显示为“→ 状态 自 日期”。',
  },
  'items:open': {summary: '申请开通事项（开通）：审批通过后由待开通转为在用（ITEM-4）', description: LIFECYCLE},
  'items:pause': {summary: '申请暂停在用事项（暂停），至少提前 3 个工作日，并附公告（ITEM-4）', description: LIFECYCLE},
  'items:resume': {summary: '申请恢复已暂停的事项（恢复），至少提前 3 个工作日，并附公告（ITEM-4）', description: LIFECYCLE},
  'items:show': {summary: '显示一个事项：全部要素、办理流程和申请材料、状态及生命周期申请'},
  'items:stats': {
    summary: '各单位公布的统计数字：事项数、办件量、网上办理占比；年办件量不足 150 件的事项（ITEM-6、ITEM-7）',
    description: `按实施主体：当前清单中未终止的事项，其本年度按渠道（窗口、网上、自助）的办件量，网上办理占比（网上 ÷ 全部办件，ITEM-7），以及办件量不足 150 件的事项数——这些事项进入综合窗口（ITEM-6）；--low 列出这些事项。年度默认为有办件量数据的最近一年。

--columns 和 --output（csv、tsv、json、value）只输出一张表的行供脚本使用（年度和汇总行不输出）：各实施主体的数字，键名：body、items、cases、window、online-channel、self-service、online、lowVolume；加 --low 时改为办件量不足 150 件的事项（在终端上排在各主体表之后），键名：code、itemName、body、cases。`,
  },
  'items:template': {
    summary: '生成空白的政务服务事项清单，供经办人员填写',
    description:
      '三张工作表——基本信息（每个事项一行）、办理流程（每个环节一行）、申请材料（每份材料一行）——以 ITEM-2 的要素名称为表头（必填的为红色），冻结表头行，每个列举值都有下拉列表，另有一张填写说明工作表。同一份版式（templates/items-list.json）用于导入、校验和导出（ITEM-3）。',
  },
  'items:terminate': {summary: '申请终止事项（终止），至少提前 3 个工作日，并附公告（ITEM-4）', description: LIFECYCLE},
  'items:versions': {summary: '清单的各个版本：每次导入或经批准的变更，及其改动内容'},
  'kiosk:disconnect': {
    summary: '将单位的自助终端或某一台自助终端从平台断开（KIOSK-4）',
    description: '提交一件 kiosk-disconnect 申请，须经另一人审批（X-2）；审批通过时断开自助终端。给出 --emergency 时立即断开，登记为紧急处置，申请等待审核：通过即确认，驳回则撤销处置并重新接入。',
  },
  'kiosk:export': {
    summary: '将自助终端台账导出为工作簿或 CSV',
    description:
      '规则与 "egov items export" 相同：.xlsx，或带 BOM 的 UTF-8 编码 .csv，使 Excel 正确显示中文；CSV 中以 =、+、-、@、制表符或回车符开头的文本单元格，写出时在前面加一个单引号，使电子表格不会将其当作公式执行；.xlsx 中这类文本原样写在文本单元格中。',
  },
  'kiosk:import': {
    summary: '检查填好的自助终端接入申请表，每张表提交一件申请（kiosk 类）',
    description: `FORM 为一份填好的自助终端接入申请表（.xlsx）、多份申请表，或存放申请表的目录。字段按标签查找，不论其位置：另有标题、多出的行、标签带空格或全角字符、投放网点超过六行，都能读取。不是申请表的工作簿会得到一条指明缺少什么的提示。

检查：申请单位须在单位名录中（或用 --kind 和 --level 新增），且属于 KIOSK-1 准入的类别（否则退出码为 5）；联系电话须为手机号码或带区号的固定电话；自助终端数量须为正整数；每个投放网点行填写完整，且各行投放数量之和等于自助终端数量（KIOSK-3）。每个问题都指明其文件、单元格和规则。

多份申请表或目录：每个文件给出一个结果，未作为申请表读取的文件一一列出并说明原因（Excel/WPS 锁定文件 ~$…；旧的 .xls 格式——请在 Excel 或 WPS 中另存为 .xlsx；PDF 或图片——是扫描件，不是申请表；不含申请表任何标签的工作簿）。每份被拒绝的申请表的原因全部输出。所有申请表都无误才写入；或用 --partial 提交无误的申请表，为每份有问题的申请表写出批注副本（写入 --report，否则写入目录旁的 FOLDER-批注/），只要有一份未通过即以退出码 2 结束。每份无误的申请表提交一件保存其内容的 kiosk 申请；原文件按路径和 SHA-256 记录。

退出码：0 读取的每份申请表都已提交（--dry-run 时为均无误；仅有跳过的文件不算失败）；2 有申请表存在问题（--partial 时无误的照样提交）、指定的单个文件不是申请表，或目录中没有申请表；3 申请单位不在单位名录中且未给出 --kind；4 文件已提交过；5 申请单位不属于 KIOSK-1 准入的类别。`,
  },
  'kiosk:list': {
    summary: '列出自助终端台账',
    description: '状态：pending（已核验，申请尚未审批通过）、failed（核验未通过）、active（在用）、disconnected（已断开）、retired（已退役）。',
  },
  'kiosk:probe': {
    summary: '检查每台在用自助终端的心跳地址，并记录应答情况',
    description: `每台自助终端发一次 GET 请求（undici，共用一个 agent，同时最多 --concurrency 个，每个请求 --timeout 秒，不重试）。结果：up（超时前应答，状态码小于 400）、slow（超时未应答）、wrong status（应答状态码 400 及以上）、down（被拒绝、被重置、无法解析）。每次探测都记录下来，用于计算可用率（KIOSK-5）；up 的自助终端更新其最近在线时间。在终端上显示进度条。 --columns 和 --output（csv、tsv、json、value）只输出各次探测供脚本使用（汇总行不输出），键名：serial、unit、status、http、ms、problem。`,
  },
  'kiosk:reconnect': {
    summary: '经审批重新接入已断开的自助终端（KIOSK-4）',
    description: '为单位已断开的自助终端或某一台自助终端提交一件 kiosk-reconnect 申请；经另一人审批通过（X-2）后重新接入。',
  },
  'kiosk:retire': {summary: '自助终端退役：永久停止使用'},
  'kiosk:show': {summary: '显示一台自助终端及其历史，以及接入审批时给出的意见（KIOSK-3）'},
  'kiosk:stats': {
    summary: '各接入单位的年度考核数字（KIOSK-5、ITEM-7、ITEM-8）',
    description: `按接入单位（第二十条），以年末为准（12 月 31 日；当年则为今天），依据每台自助终端历史中的日期——而不是今天的台账：当时在用和已断开的自助终端及其网点；年内准入、退役和断开的自助终端；可用率（年内 up 的探测次数 ÷ 全部心跳探测次数）；该单位在自助终端上提供的事项（年内有自助办件的事项）及其自助办件量；全部办件量及网上办理占比（ITEM-7，来自 "egov items cases import"）；以及尚无自助办件的高频事项（年办件量 150 件及以上）（ITEM-8）。事项属于台账名称与其实施主体相同的接入单位。年度默认为有办件量数据的最近一年。--out 写出考核工作簿。

--columns 和 --output（csv、tsv、json、value）只输出各接入单位的行供脚本使用（截至日期行不输出），键名：unit、kiosks、disconnected、sites、moves、availability、kioskItems、kioskCases、cases、online、notOnKiosk。`,
  },
  'kiosk:template': {
    summary: '按纸质样式生成空白的自助终端接入申请表',
    description:
      '000 号文件附件中的申请表（KIOSK-3）：标题，申请单位，联系人和联系电话，主管领导和联系电话，自助终端型号，自助终端数量，投放网点分布表（编号、网点名称、网点位置、投放数量；按印制样式六行，可增加），以及两个意见栏，带合并单元格、边框和 A4 页面设置，打印为一页。版式是数据（templates/kiosk-form.json），与读取程序共用。给出 --request ID 时，写回该件自助终端申请的申请表：其内容，以及由审批填写的意见栏（科室审核、分管领导审批：意见、签署人、日期）。',
  },
  'kiosk:verify': {
    summary: '登记市数据局对接入申请某一网点交付的自助终端的核验',
    description:
      'KIOSK-2：申请表所列的每台自助终端都在其网点按序列号（在整个台账中唯一）核验。在同一网点再次核验同一序列号，替换此前的结果。核验未通过的自助终端须写明原因（--note），不列入台账。所有投放的自助终端核验完毕后，由“政银通办”科室审核申请（egov requests approve ID --comment 意见，须由提交人以外的人办理），再由分管领导审批（同一命令，由第三人办理），准入核验通过的自助终端；每次审批都填写申请表中相应的意见栏（KIOSK-3）。',
  },
}
