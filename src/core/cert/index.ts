/**
 * egov cert as a library: a local CA and the life of staff certificates (CERT-1..4).
 * Commands are thin adapters over these functions; tests and benchmarks call them too.
 */
export {caCertificate, caInfo, caWarnings, currentCrl, hasCa, initCa, loadSigner, makeCrl, passphraseFromEnv, readSecretFile, requirePassphrase} from './ca.js'
export type {CaInfo, CaInit, CrlInfo} from './ca.js'
export {buildCrl, REASON_CODES} from './crl.js'
export type {CrlReason, CrlSpec, RevokedEntry} from './crl.js'
export {applyForCertificate, carryOut, checkCsr, EVENTS, EXTEND_WINDOW_DAYS, exportPem, exportPkcs12, fileEvent, MEDIUM_REASONS, REVOKE_REASONS} from './events.js'
export type {ApplyInput, CertEventKind, CertRequest, EventInput, ExportResult} from './events.js'
export {hashIdNumber, parseIdNumber} from './idnumber.js'
export {certificateHistory, certificatePem, findCertificate, listCertificates, normaliseSerial, STATUSES} from './inventory.js'
export type {CertEvent, CertStatus, Certificate, Holder, ListFilter} from './inventory.js'
export {checkSecret, generateKey, KEY_SPECS, parseKeySpec} from './keys.js'
export type {KeySpec} from './keys.js'
export {checkCertificates, importCertificate} from './outside.js'
export type {CheckResult, ImportInput} from './outside.js'
export {buildPkcs12} from './pkcs12.js'
export {fromPem, makeSigner, newSerial, signCertificate, toPem} from './x509.js'
export type {Signer} from './x509.js'
export {addProfile, checkProfile, editProfile, findProfile, listProfiles, profileFor, retireProfile, shippedProfiles} from './profiles.js'
export type {Profile, ProfileInfo, ProfileInput} from './profiles.js'
