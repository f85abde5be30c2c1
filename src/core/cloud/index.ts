/**
 * The cloud area's only entrance (issue 17): re-exports, no code. Files outside
 * src/core/cloud import the area from here; files inside it import the module that holds
 * what they need. The request kinds' effects (reserveOnApproval, applyScale, applyMigration …)
 * are reached through CLOUD_KINDS (src/core/kinds.ts imports ./cloud/request-kinds.js), not here.
 */
export {
  add,
  type Amounts,
  type Attachment,
  type AttachmentCheck,
  type Capacity,
  type CloudSystem,
  CONFIG_FIELDS,
  type Configuration,
  configColumns,
  describeShortfalls,
  envelopeColumns,
  GONE_STATUSES,
  HOLDING_STATUSES,
  IN_USE_STATUSES,
  type Provider,
  RESERVED_STATUSES,
  RESOURCES,
  type Resource,
  sameConfig,
  type Shortfall,
  shortfalls,
  type StepResult,
  type SystemEvent,
  type SystemFilter,
  type SystemStatus,
  totals,
  UNIT_OF,
  zero,
} from './model.js'
export {allProviders, capacityOf, checkAttachments, eventsOf, findProvider, findSystem, fingerprint, listSystems, requireRoom, systemById} from './queries.js'
export {type Proposal, proposeProvider} from './proposal.js'
export {applyForCloud, type OnboardingRequest, planOnboarding, provision, recordAgreement} from './onboarding.js'
export {type ChangeResult, changeSystem, type ConfigChange, type ScaleRequest} from './scaling.js'
export {type MigrationRequest, migrateSystem} from './migration.js'
export {applyToRelease, confirmRelease, recordWipe, type ReleaseRequest, WIPE_METHODS, type WipeMethod} from './release.js'
export {openRequestsOfSystem} from './system-requests.js'
export {
  type AdmissionTest,
  admitProvider,
  applyAsProvider,
  applyToExit,
  exitProvider,
  type ProviderApplication,
  type ProviderExit,
  type ProviderView,
  providerViews,
  recordAdmissionTest,
} from './providers.js'
export {dueOfMonth, DUE_WORKDAY, type ExpectedMonth, parsePeriod, type Period, type ProviderReport, providerReportStatus, type ProviderReportStatus, recordProviderReport} from './provider-reports.js'
export {applyForException, type CloudException, EXCEPTION_KIND, type ExceptionInput, exceptionFacts, type ExceptionView, listExceptions, showException} from './exceptions.js'
export {
  type ApplicationValues,
  checkApplication,
  checkProvider,
  flagOf,
  formLayout,
  type FormName,
  type FormProblem,
  parseLevel,
  parseYesNo,
  type ProviderValues,
  readCloudForm,
  throwProblems,
  writeCloudForm,
} from './forms.js'
export {checkDeadline, confirmFixOrder, dueOnDeadline, findingOf, type FixOrder, type IssuedOrder, issueFixOrder, orderById, rectifyFixOrder, returnFixOrder, reviewAndIssue} from './orders.js'
export {type PlatformAssessment, type PlatformDue, platformDue, platformHistory, platformKinds, recordPlatformAssessment} from './platform.js'
export {
  ASSESSMENTS,
  cloud7Date,
  type DocumentRef,
  type DueAssessment,
  dueAssessments,
  recordSecuritySteps,
  requireGoLiveSteps,
  securityDocument,
  type SecurityKind,
  securityOf,
  type SecurityRecord,
} from './security.js'
export {type CloudYearReport, cloudYearReport} from './report.js'
export {
  addMonths,
  type Cloud9Verdict,
  cloud7MissingSteps,
  cloud7NextDue,
  cloud7PlatformNextDue,
  cloud9Admissible,
  type ExceptionFacts,
  needsCloudException,
  parseDocumentNo,
  type PlatformKind,
  type Recurring,
  type SecurityLevels,
  securityLevels,
  type StepDef,
  type StepKey,
  type StepRecord,
} from './rules.js'
export {
  checkEfficiencyOptions,
  checkWorkbookPath,
  DEFAULT_DAYS,
  DEFAULT_THRESHOLD,
  efficiency,
  type EfficiencyOptions,
  type EfficiencyReport,
  type FlaggedSystem,
  formatChina,
  importUsage,
  MAX_DAYS,
  nearestRank,
  parsePercent,
  parseSampleTime,
  PERCENTILE,
  percentile,
  percentileOfHistogram,
  type Size,
  suggestedSize,
  TARGET_UTILISATION,
  type UnitProviderSummary,
  type UnreportedSystem,
  type UsageImportOptions,
  type UsageImportResult,
  usageLayout,
  writeEfficiencyWorkbook,
} from './usage/index.js'
