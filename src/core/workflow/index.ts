/**
 * The request workflow (X-1…X-3): requests of every kind filed, moved through their kind's
 * states by the steps its transitions allow, with four-eyes review, working-day limits
 * and an audit entry per change. The area's entrance: model (what a request is, labels),
 * steps (filing, acting, noting) and queries (reading, lists, stored-payload checks).
 */
export {allKinds, defineKind, findKind, loadKinds, needsFourEyes, useKinds} from './registry.js'
export type {KindDefinition, StateDefinition, TransitionDefinition, WorkflowAction} from './registry.js'
export {actionLabel, kindLabel, stateLabel} from './model.js'
export type {Request, RequestWithHistory, Transition, WorkflowResult} from './model.js'
export {actOnRequest, advanceRequest, fileRequest, fileRequestIn, limitKey, noteOnRequest, withdrawRequest} from './steps.js'
export type {AdvanceOptions} from './steps.js'
export {checkStoredPayloads, listRequests, loadRequest, parseRequestId, requestPayloadProblems, storedPayloadProblems} from './queries.js'
export type {ListedRequest, RequestFilter, StoredPayloadProblem} from './queries.js'
export type {AnyKind, KindSource} from './registry.js'
export {js, type JsonSchema, payloadProblems, publishedPayloadSchema, requireValidPayload} from './payload-schema.js'
export type {DueDateChange} from './due-dates.js'
