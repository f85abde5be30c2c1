import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import type {ProfileInfo, ProfileInput} from '../core/cert/index.js'
import {type Locale, t} from '../core/i18n/index.js'

/** What `cert profile add` and `edit` share: the profile's fields as flags, and how a profile reads. */
export const profileKeyArg = {key: Args.string({description: 'the profile’s key (staff, server, …): lower-case letters, digits and hyphens', required: true})}

export const profileFlags = {
  name: Flags.string({description: 'the profile’s name, as people read it (模板名称)'}),
  'key-usage': Flags.string({description: 'key usages, comma-separated (RFC 5280): digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment, keyAgreement'}),
  'ext-key-usage': Flags.string({description: 'extended key usages, comma-separated: serverAuth, clientAuth, codeSigning; "" for none'}),
  'key-spec': Flags.string({description: 'the kind of key egov makes for a holder, as cert ca init --key takes (rsa-2048, ec-p256 …); default rsa-2048'}),
  days: Flags.integer({description: 'default validity in days'}),
  'max-days': Flags.integer({description: 'the longest validity an application may ask for (--days), at most 3650'}),
  medium: Flags.boolean({description: 'the certificate lives on a medium (USB key, CERT-1): applications must name one', allowNo: true}),
  san: Flags.string({description: 'subject alternative names applications may add: dns, ip (comma-separated); "" for none'}),
}

export function profileInput(f: {
  name?: string
  'key-usage'?: string
  'ext-key-usage'?: string
  'key-spec'?: string
  days?: number
  'max-days'?: number
  medium?: boolean
  san?: string
}): ProfileInput {
  return {name: f.name, keyUsage: f['key-usage'], extKeyUsage: f['ext-key-usage'], keySpec: f['key-spec'], days: f.days, maxDays: f['max-days'], medium: f.medium, san: f.san}
}

export function profileLines(p: ProfileInfo, locale: Locale): string[] {
  const yes = locale === 'zh' ? '是' : 'yes'
  const no = locale === 'zh' ? '否' : 'no'
  return [
    `${t('cert.profile.label.keyUsage', {}, locale)}: ${p.keyUsage.join(', ')}`,
    `${t('cert.profile.label.extKeyUsage', {}, locale)}: ${p.extKeyUsage.join(', ') || '—'}`,
    `${t('cert.profile.label.keySpec', {}, locale)}: ${p.key_spec}`,
    `${t('cert.profile.label.days', {}, locale)}: ${p.days} (≤ ${p.maxDays})`,
    `${t('cert.profile.label.medium', {}, locale)}: ${p.medium ? yes : no}   SAN: ${p.san.join(', ') || '—'}`,
  ]
}

export const statusWord = (p: ProfileInfo, locale: Locale) => t(p.status === 'retired' ? 'cert.profile.status.retired' : 'cert.profile.status.active', {}, locale)
