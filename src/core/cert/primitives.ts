/**
 * The cert area's building blocks, beside its use cases (index.ts): the DER reader and writer
 * and the SM2 signature. Not part of egov's library API; the tests that hold them to openssl and
 * sm-crypto, and take certificates apart, import them from here (test/core/layers.test.ts lets
 * only tests in).
 */
export {certParts, children, content, int, read, seq, time} from './der.js'
export {isSm2Spki, SM2_DEFAULT_ID, sm2Sign, sm2Verify} from './sm2.js'
