import * as Args from '@oclif/core/args'

import {EgovCommand} from '../cli/base.js'
import {bashCompletion, type CompletionCommand, zshCompletion} from '../cli/completion.js'

export default class Completion extends EgovCommand<typeof Completion> {
  static override summary = 'Print the shell completion script for bash or zsh'
  static override description = `Completes topics, commands, flags and flags' fixed values (--plane 1|2, --budget city|self …) from this version's commands. Install once, and again after an upgrade:
  bash: egov completion bash > ~/.local/share/bash-completion/completions/egov
  zsh:  egov completion zsh > ~/.zfunc/_egov   (with fpath=(~/.zfunc $fpath) before compinit in ~/.zshrc)
Or load it for this shell only: source <(egov completion bash).`
  static override examples = ['<%= config.bin %> completion bash > /tmp/egov-completion.bash', '<%= config.bin %> completion zsh > /tmp/_egov']

  static override args = {shell: Args.string({description: 'bash or zsh', required: true, options: ['bash', 'zsh']})}

  run(): Promise<{shell: string; script: string}> {
    const commands: CompletionCommand[] = this.config.commands
      .filter((c) => !c.hidden)
      .map((c) => ({id: c.id, flags: Object.entries(c.flags ?? {}).map(([name, f]) => ({name, char: f.char, hidden: f.hidden, options: f.type === 'option' ? f.options : undefined}))}))
    const script = this.args.shell === 'zsh' ? zshCompletion(this.config.bin, commands) : bashCompletion(this.config.bin, commands)
    // With --json the script is a field of the result, for a tool that installs it.
    if (!this.jsonEnabled()) process.stdout.write(script)
    return Promise.resolve({shell: this.args.shell, script})
  }
}
