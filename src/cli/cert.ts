import * as Args from '@oclif/core/args'
import type {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import type {ChalkInstance} from 'chalk'

import {type CertEventKind, type Certificate, type CertRequest, passphraseFromEnv, readSecretFile} from '../core/cert/index.js'
import {InvalidInput} from '../core/errors.js'
import {type Locale, type MessageKey, t} from '../core/i18n/index.js'
import type {WorkflowResult} from '../core/workflow/index.js'
import {EgovCommand} from './base.js'

/** What the cert commands share: the CA passphrase, PKCS#12 passwords, status words. */
export abstract class CertCommand<T extends typeof Command> extends EgovCommand<T> {
  /** --passphrase-file, else EGOV_CA_PASSPHRASE(_FILE), else a hidden prompt on a terminal, else exit 2. */
  protected async passphrase(file: string | undefined, options: {confirm?: boolean} = {}): Promise<string> {
    if (file) return readSecretFile(file, 'passphrase-file')
    const fromEnv = passphraseFromEnv()
    if (fromEnv) return fromEnv
    return this.secret('passphrase-file', 'CA passphrase (CA 口令)', options.confirm)
  }

  /** The offline root key's own passphrase: --root-passphrase-file, else EGOV_ROOT_PASSPHRASE(_FILE), else a hidden prompt on a terminal. */
  protected async rootPassphrase(file: string | undefined, options: {confirm?: boolean} = {}): Promise<string> {
    if (file) return readSecretFile(file, 'root-passphrase-file')
    if (process.env.EGOV_ROOT_PASSPHRASE) return process.env.EGOV_ROOT_PASSPHRASE
    if (process.env.EGOV_ROOT_PASSPHRASE_FILE) return readSecretFile(process.env.EGOV_ROOT_PASSPHRASE_FILE, 'EGOV_ROOT_PASSPHRASE_FILE')
    return this.secret('root-passphrase-file', 'root key passphrase (根密钥口令)', options.confirm)
  }

  /** A PKCS#12 password: --password-file, else a hidden prompt (twice) on a terminal. */
  protected async password(file: string | undefined, confirm = true): Promise<string> {
    if (file) return readSecretFile(file, 'password-file')
    return this.secret('password-file', 'PKCS#12 password (证书保护密码)', confirm)
  }

  private async secret(flag: string, label: string, confirm?: boolean): Promise<string> {
    if (!this.interactive()) throw new InvalidInput('input.missingFlag', {flag, label}, {field: flag})
    const {password} = await import('@inquirer/prompts')
    const first = await password({message: label, mask: '*'})
    if (confirm && (await password({message: `${label} ✓`, mask: '*'})) !== first) throw new InvalidInput('cert.passwordMismatch', {}, {field: flag})
    return first
  }
}

export function statusText(c: Pick<Certificate, 'status' | 'holdKind'>, locale: Locale): string {
  const base = t(`cert.status.${c.status}` as MessageKey, {}, locale)
  return c.holdKind ? `${base} (${t(`cert.hold.${c.holdKind}` as MessageKey, {}, locale)})` : base
}

export function statusColor(c: Pick<Certificate, 'status'>, color: ChalkInstance): (s: string) => string {
  return c.status === 'valid' ? color.green : c.status === 'hold' ? color.yellow : color.red
}

export function filedText(result: WorkflowResult<CertRequest>, locale: Locale): string {
  const r = result.request
  return t('cert.filed', {id: r.id, event: t(`cert.event.${r.payload.event}` as MessageKey, {}, locale), holder: r.payload.holder, unit: r.applicantUnit}, locale)
}

export const serialArg = {
  serial: Args.string({
    description:
      'certificate serial number (hex), SERIAL@ISSUER where two issuers share a serial (ISSUER: the tag cert show prints, or part of the issuer name), or the serial of the medium (USB key) it is on',
    required: true,
  }),
}

/**
 * A life event of a certificate (CERT-3): filed as a request that another operator
 * approves with `egov requests approve ID`; nothing happens to the certificate before.
 */
export abstract class CertEventCommand<T extends typeof Command> extends CertCommand<T> {
  // No static properties here: oclif's manifest stops collecting inherited flags (--json,
  // --db) at the first class in the chain that has none of its own after one that has.
  protected abstract readonly event: Exclude<CertEventKind, 'apply'>

  protected async fileWith(input: {csr?: string; days?: number; reason?: string; medium?: string; mediumReason?: string}): Promise<WorkflowResult<CertRequest>> {
    const {fileEvent} = await import('../core/cert/index.js')
    const store = await this.store()
    const result = await fileEvent(store, this.event, {serial: (this.args as {serial: string}).serial, ...input})
    this.log(filedText(result, this.locale))
    this.showWarnings(result.warnings)
    return result
  }
}

export const csrFlag = Flags.string({description: 'PKCS#10 request file (PEM or DER): the holder keeps the key'})
export const daysFlag = Flags.integer({description: 'validity in days (default: the profile’s)', min: 1})

/** A CSR file's content as text (PEM), or as binary text (DER) for the core to parse. */
export async function readCsrFile(path: string | undefined): Promise<string | undefined> {
  if (!path) return undefined
  const {readFileSync} = await import('node:fs')
  try {
    return readFileSync(path).toString('latin1')
  } catch (error) {
    throw new InvalidInput('input.badFile', {field: 'csr', path, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message}, {field: 'csr'})
  }
}
