/**
 * The io area's entrance (issue 17): re-exports, no code. Files outside src/core/io import the
 * area from here, but for the imports test/core/layers.test.ts lists (DEEP_IMPORTS): the code
 * bundled into the commands takes values from their modules, since through this barrel every
 * command that reaches it would load all of io at start. Files inside it import the module that
 * holds what they need. Names are listed, not `export *`: two modules of the area export an
 * XLSX_LIMITS (the preflight's limits per kind of workbook, and the reader's own), so the
 * reader's is XLSX_READER_LIMITS here.
 */
export {CSV_CHUNK, type CsvOptions, type Encoding, gb18030Decoder, readCsv, type TextEncoding} from './csv-reader.js'
export {hashFile, hashInto, sha256Hex} from './file-hash.js'
export {type FormGrid, readFormGrids} from './form-grid.js'
export {readForm} from './form-reader.js'
export {rowRanges} from './form-references.js'
export {writeReport} from './form-report.js'
export {rowRuleProblems} from './form-rows.js'
export type {FormNote, FoundSheet, ReadFormOptions} from './form-state.js'
export {type LabelField, type LabelFormLayout, readLabelForm, writeLabelForm} from './label-form.js'
export {type FormLayout, loadLayout, matchHeader, normaliseHeader, type SheetLayout} from './layout.js'
export {type ForeignLine, foreignLineMessage, type LineEncoding, looksUtf8, MixedDecoder} from './mixed-encoding.js'
export {type Notice, NOTICE_RULES, NOTICE_TITLES, noticeFileName, writeNotice} from './notices.js'
export {checkOutput, OutputFile, outputError, writeOutput, writeOutputFileSync} from './output-file.js'
export type {LocatedProblem, Problem} from './problem.js'
export {REQUEST_FILE_FORMS, type RequestFileForm, requestFileSchema} from './request-schema.js'
export {sheetNamesByPart} from './sheet-names.js'
export {StagedRows} from './staging.js'
export {assertZip, cellText, isDelimitedText, readSheets, refuseOldWorkbook, rowText, type SheetData, visitRows, writeSheets} from './tables.js'
export {csvField, guardCsvCell, toHalfWidth, trimText, unneutralise, xlsxText} from './cell-text.js'
export {DEFAULT_CODE_PATTERN, footerText, isNumericType, normaliseCell, normalisePhoneNumber, PROBLEM_TYPES, problemTypeOf, suggest, type ValueColumn} from './values.js'
export {checkWorkbookLimits, type WorkbookKind, XLSX_LIMITS} from './xlsx-limits.js'
export {isDateFormat} from './xlsx-book.js'
export {MergeIndex} from './xlsx-merges.js'
export {isNoCachedValue, type MergeRange, XLSX_LIMITS as XLSX_READER_LIMITS, type XlsxLimits} from './xlsx-model.js'
export {readXlsx} from './xlsx-reader.js'
export {columnLetter} from './xlsx-sheet.js'
export {type XlsxValue, XlsxWriter} from './xlsx-writer.js'
