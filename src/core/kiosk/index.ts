/**
 * The kiosk area's entrance (issue 17): re-exports, no code. The commands import the area from
 * here; files inside it import the module that holds what they need. The request kinds are
 * listed by src/core/kinds.ts from ./request-kinds.js, not from here.
 */
export {type KioskRequestPayload, type FormCheck, type ImportOptions, type ImportedForm, type ImportResult, type SkippedFile, checkForm, expandForms, importForms} from './onboarding.js'
export {type FilledForm, type KioskForm, kioskLayout, type Placement, writeKioskTemplate} from './form.js'
export {readKioskForm, type ReadKioskForm} from './form-read.js'
export {
  filledFormOf,
  type Kiosk,
  type KioskEvent,
  KIOSK_STATUSES,
  type KioskFilter,
  type KioskStatus,
  listKiosks,
  retireKiosk,
  showKiosk,
  type VerifyInput,
  verifyKiosks,
  type VerifyResult,
} from './registry.js'
export {exportKiosks, type KioskFigures, kioskStats, writeKioskStats} from './figures.js'
export {requestDisconnect, requestReconnect, type SwitchRequest} from './disconnect.js'
export {OPINION_LABELS, type Opinion, type OpinionBox, opinionLine, type Opinions} from './opinions.js'
export {type KioskProbeOptions, probeKiosks, type ProbeRun} from './probe.js'
