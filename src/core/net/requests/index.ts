/**
 * Units' extranet requests (NET-3..9), as the regulation's paper process:
 * onboarding and change run 申请 → 审核 → 制定方案 → 实施 → 业务测试 → in service (NET-5);
 * closing (NET-6), cut-off and restore (NET-7) are decisions approved by a second person,
 * each carried out with a written notice.
 */
// The kinds themselves (states, steps) are declared in ../request-kinds.ts, which loads this
// barrel only when a step's effect runs: listing requests does not pay for it.
export * from './payloads.js'
export * from './connections.js'
export * from './filing.js'
export * from './steps.js'
export * from './notices.js'
export * from './year-report.js'
