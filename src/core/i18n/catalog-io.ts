/**
 * Messages of reading and writing files: file types, workbook limits, encodings, output files.
 * Spread into the one catalogue in catalog.ts.
 */
export const ioEntries = {
  // ---- files read and written
  'io.badExtension': {en: '{field}: "{path}" has the wrong file type (.xlsx, .csv or .svg as the command says)', zh: '{field}：“{path}”文件类型不对（按命令要求使用 .xlsx、.csv 或 .svg）'},
  'io.limit.truncated': {
    en: '{field}: "{path}" is incomplete: the file ends before the end of its zip directory (a half-copied or truncated file); copy it again, or save it again in Excel/WPS; nothing was read',
    zh: '{field}：“{path}”不完整：文件在 zip 目录结束之前就结束了（复制了一半或被截断）；请重新复制，或在 Excel/WPS 中重新保存；未读取任何内容',
  },
  'io.limit.text': {
    en: '{field}: "{path}" is not an Excel workbook but text (a CSV or tab-separated file?) under an .xlsx name; name it .csv, or open it in Excel/WPS and save it as .xlsx; nothing was read',
    zh: '{field}：“{path}”不是 Excel 工作簿，而是用了 .xlsx 名字的文本（CSV 或制表符分隔文件？）；请改名为 .csv，或用 Excel/WPS 打开后另存为 .xlsx；未读取任何内容',
  },
  'io.limit.damaged': {
    en: '{field}: "{path}" is a damaged .xlsx (zip) file: {reason}; save it again in Excel/WPS; nothing was read',
    zh: '{field}：“{path}”是已损坏的 .xlsx（zip）文件：{reason}；请在 Excel/WPS 中重新保存；未读取任何内容',
  },
  'io.limit.entries': {
    en: '{field}: "{path}" holds {count} parts, more than the limit of {limit} (README: Workbook limits); nothing was read',
    zh: '{field}：“{path}”包含 {count} 个部件，超过上限 {limit}（见 README“工作簿限制”）；未读取任何内容',
  },
  'io.limit.partSize': {
    en: '{field}: "{path}": part {part} unpacks to {size}, more than the limit of {limit} (a zip bomb, or far larger than this file can be; README: Workbook limits); nothing was read',
    zh: '{field}：“{path}”中的部件 {part} 解压后为 {size}，超过上限 {limit}（压缩炸弹，或远大于此类文件应有的大小；见 README“工作簿限制”）；未读取任何内容',
  },
  'io.limit.totalSize': {
    en: '{field}: "{path}" unpacks to {size}, more than the limit of {limit} (README: Workbook limits); nothing was read',
    zh: '{field}：“{path}”解压后共 {size}，超过上限 {limit}（见 README“工作簿限制”）；未读取任何内容',
  },
  'io.limit.ratio': {
    en: '{field}: "{path}": part {part} unpacks to {size} from {compressed}, more than {limit} times its packed size (a zip bomb; README: Workbook limits); nothing was read',
    zh: '{field}：“{path}”中的部件 {part} 由 {compressed} 解压为 {size}，超过压缩大小的 {limit} 倍（压缩炸弹；见 README“工作簿限制”）；未读取任何内容',
  },
  'io.limit.rows': {
    en: '{field}: "{path}", sheet {sheet}: {cell} is past row {limit}, the last row this file may use (README: Workbook limits); delete what lies below the form, or copy the form into a new workbook; nothing was read',
    zh: '{field}：“{path}”工作表“{sheet}”：{cell} 超出第 {limit} 行，即此类文件可使用的最后一行（见 README“工作簿限制”）；请删除表单下方的内容，或将表单复制到新工作簿；未读取任何内容',
  },
  'io.limit.columns': {
    en: '{field}: "{path}", sheet {sheet}: cell {cell} is past column {limit}, the last column this file may use (README: Workbook limits); delete what lies right of the form, or copy the form into a new workbook; nothing was read',
    zh: '{field}：“{path}”工作表“{sheet}”：单元格 {cell} 超出第 {limit} 列，即此类文件可使用的最后一列（见 README“工作簿限制”）；请删除表单右侧的内容，或将表单复制到新工作簿；未读取任何内容',
  },
  'io.limit.cells': {
    en: '{field}: "{path}", sheet {sheet}: more than {limit} cells (at {cell}), the limit for this file (README: Workbook limits); nothing was read',
    zh: '{field}：“{path}”工作表“{sheet}”：单元格超过 {limit} 个（至 {cell}），超过此类文件的上限（见 README“工作簿限制”）；未读取任何内容',
  },
  'io.limit.merged': {
    en: '{field}: "{path}", sheet {sheet}: merged cells ({ref}, {area} cells) cover more than {limit} cells, the limit (README: Workbook limits); unmerge them and try again; nothing was read',
    zh: '{field}：“{path}”工作表“{sheet}”：合并单元格（{ref}，{area} 个单元格）合计超过上限 {limit} 个（见 README“工作簿限制”）；请取消合并后重试；未读取任何内容',
  },
  'io.limit.sharedStrings': {
    en: '{field}: "{path}" holds {count} shared strings, more than the limit of {limit} (README: Workbook limits); nothing was read',
    zh: '{field}：“{path}”的共享字符串有 {count} 个，超过上限 {limit}（见 README“工作簿限制”）；未读取任何内容',
  },
  'io.limit.sharedStringBytes': {
    en: '{field}: "{path}": its shared strings unpack to {size}, more than the limit of {limit} (README: Workbook limits); nothing was read',
    zh: '{field}：“{path}”的共享字符串解压后为 {size}，超过上限 {limit}（见 README“工作簿限制”）；未读取任何内容',
  },
  'io.limit.cellText': {
    en: '{field}: "{path}", {sheet} {cell}: text of {length} characters, more than the {limit} Excel allows in a cell; nothing was read',
    zh: '{field}：“{path}”{sheet} {cell}：文本长 {length} 个字符，超过 Excel 单元格允许的 {limit} 个；未读取任何内容',
  },
  'io.unreadable': {en: '{field}: cannot read "{path}": {reason}', zh: '{field}：无法读取“{path}”：{reason}'},
  'io.badEncoding': {en: '{field}: "{path}" is neither UTF-8 nor GB18030 text', zh: '{field}：“{path}”既不是 UTF-8 也不是 GB18030 编码'},
  'io.notUtf8': {
    en: '{field}: "{path}" is not UTF-8 text, as --encoding utf8 says; leave --encoding out to have it detected, or give --encoding gb18030',
    zh: '{field}：“{path}”不是 --encoding utf8 所说的 UTF-8 编码；去掉 --encoding 自动识别，或改用 --encoding gb18030',
  },
  'io.mixedEncoding': {
    en: '{file}, line {line}: {seems} text in a {encoding} file (a row saved or pasted in another encoding); make the whole file {encoding} and import again',
    zh: '{file} 第 {line} 行是 {seems} 编码，而文件是 {encoding} 编码（该行是以另一种编码保存或粘贴的）；请将整个文件统一为 {encoding} 后再导入',
  },
  'io.damagedLine': {
    en: '{file}, line {line}: bytes that are neither {encoding} text, as the rest of the file, nor GB18030 (the line is damaged); type the line again, save the file and import again',
    zh: '{file} 第 {line} 行含有既不是 {encoding}（文件其余部分的编码）也不是 GB18030 的字节（该行已损坏）；请重新输入该行，保存后再导入',
  },
  'io.oldXls': {
    en: '{field}: "{path}" is an old Excel workbook (.xls, Excel 97–2003); open it in Excel or WPS and save it as .xlsx (Excel 工作簿), then give that file',
    zh: '{field}：“{path}”是旧版 Excel 工作簿（.xls，Excel 97–2003 格式）；请用 Excel 或 WPS 打开并另存为 .xlsx（Excel 工作簿）后再导入',
  },
  'io.out.noFolder': {en: '{field}: the folder "{folder}" does not exist (make it first); nothing was written', zh: '{field}：文件夹“{folder}”不存在（请先创建）；未写入任何文件'},
  'io.out.isFolder': {en: '{field}: "{path}" is a folder; give a file name', zh: '{field}：“{path}”是文件夹，请给出文件名'},
  'io.out.exists': {
    en: '{field}: "{path}" already exists; add --force to replace it (or run on a terminal to be asked); nothing was written',
    zh: '{field}：“{path}”已存在；加 --force 覆盖（或在终端中运行以确认）；未写入任何文件',
  },
  'io.out.replace': {en: 'Replace the existing file "{path}"', zh: '覆盖已有文件“{path}”'},
  'io.out.diskFull': {en: '{field}: the disk is full; "{path}" was not written (any previous file there is unchanged)', zh: '{field}：磁盘已满，未写入“{path}”（原有文件未改动）'},
  'io.out.readOnly': {en: '{field}: "{path}" is on a read-only disk; nothing was written', zh: '{field}：“{path}”所在磁盘为只读；未写入任何文件'},
  'io.out.denied': {en: '{field}: no permission to write "{path}"; nothing was written', zh: '{field}：没有写入“{path}”的权限；未写入任何文件'},
  'io.out.failed': {en: '{field}: cannot write "{path}" ({reason}); nothing was written', zh: '{field}：无法写入“{path}”（{reason}）；未写入任何文件'},
} as const satisfies Record<string, {en: string; zh: string}>
