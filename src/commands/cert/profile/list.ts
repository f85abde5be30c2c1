import * as Flags from '@oclif/core/flags'

import {EgovCommand} from '../../../cli/base.js'
import {statusWord} from '../../../cli/cert-profile.js'
import {listProfiles, type ProfileInfo} from '../../../core/cert/index.js'

export default class CertProfileList extends EgovCommand<typeof CertProfileList> {
  static override summary = 'List the certificate profiles (证书模板) everyone on this database issues under'
  static override description = `Profiles live in the database, shared by every operator and machine on it; a new database starts with the ones the package ships (staff, server). Retired profiles are left out unless --all is given.`
  static override examples = ['<%= config.bin %> cert profile list', '<%= config.bin %> cert profile list --all --json']

  static override flags = {all: Flags.boolean({description: 'retired profiles too'}), ...EgovCommand.listFlags}

  async run(): Promise<{profiles: ProfileInfo[]}> {
    const store = await this.store()
    const profiles = await listProfiles(store, {all: this.flags.all})
    this.table(
      profiles,
      [
        {header: this.t('cert.profile.col.key'), key: 'key', get: (p) => p.key},
        {header: this.t('cert.profile.col.name'), key: 'name', get: (p) => p.name, shrink: true},
        {header: this.t('cert.profile.col.keySpec'), key: 'keySpec', get: (p) => p.key_spec},
        {header: this.t('cert.profile.col.days'), key: 'days', get: (p) => `${p.days}/${p.maxDays}`},
        {header: this.t('cert.profile.col.keyUsage'), key: 'keyUsage', get: (p) => [...p.keyUsage, ...p.extKeyUsage].join(','), shrink: true},
        {header: this.t('cert.profile.col.medium'), key: 'medium', get: (p) => (p.medium ? '✓' : '')},
        {header: this.t('cert.profile.col.status'), key: 'status', get: (p) => statusWord(p, this.locale)},
      ],
      this.t('cert.profile.none'),
    )
    return {profiles}
  }
}
