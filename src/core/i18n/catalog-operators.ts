/** Messages of `egov operators` (the roster, roles and separated duties: issue 18, X-2), in English and Chinese. */
export const operatorEntries = {
  'operators.unknownRole': {en: 'roles: "{role}" is not a role{hint}; the roles are {roles}', zh: 'roles：没有“{role}”这一角色{hint}；可用角色为 {roles}'},
  'operators.noRoles': {en: 'roles: give at least one role (egov operators roles lists them)', zh: 'roles：至少给出一个角色（egov operators roles 列出全部角色）'},
  'operators.adminsSeparate': {
    en: 'roles: {roles} are the three separated administrators (系统管理员, 安全管理员, 审计员) and are never held by one person (X-4, 三员分立)',
    zh: 'roles：{roles} 属于三员（系统管理员、安全管理员、审计员），不得由一人兼任（X-4，三员分立）',
  },
  'operators.exists': {en: '{login} is on the roster already; change it with egov operators edit', zh: '{login} 已在名册中；如需修改请用 egov operators edit'},
  'operators.notFound': {en: 'no operator {login} on the roster', zh: '名册中没有操作员 {login}'},
  'operators.firstMustBeAdmin': {
    en: 'the roster is empty: its first entry is you ({actor}) as 系统管理员 (system-admin), so that someone can keep it',
    zh: '名册为空：第一条须是您本人（{actor}）并担任系统管理员（system-admin），以便有人维护名册',
  },
  'operators.lastAdmin': {
    en: '{login} is the last active 系统管理员 (system-admin): add another first, so that the roster can still be kept',
    zh: '{login} 是最后一名在任的系统管理员（system-admin）：请先增加另一名，以免名册无人维护',
  },
  'operators.notOnRoster': {
    en: '{login} is not an active operator on the roster: with a roster, only the people on it may change anything (ask a 系统管理员: egov operators add)',
    zh: '{login} 不是名册中在任的操作员：建立名册后，只有名册中的人员可以作出变更（请系统管理员用 egov operators add 添加）',
  },
  'operators.roleMissing': {
    en: '{login} does not hold the role this needs: {roles} (X-2: duties are separated; a 系统管理员 grants roles with egov operators edit)',
    zh: '{login} 未担任此操作所需的角色：{roles}（X-2：职责分离；由系统管理员用 egov operators edit 授予）',
  },
  'operators.auditorReadOnly': {en: '{login} is an auditor (审计员), who reads and changes nothing (X-4, 三员分立)', zh: '{login} 是审计员，只能查看，不能作出变更（X-4，三员分立）'},
  'operators.badDates': {en: 'to: the last day {to} is before the first {from}', zh: 'to：截止日期 {to} 早于起始日期 {from}'},
  'operators.nothingToChange': {en: 'nothing to change: give --name, --unit, --roles, --from or --to', zh: '没有要修改的内容：请给出 --name、--unit、--roles、--from 或 --to'},
  'operators.added': {en: 'added {login} ({name}) with the roles {roles}', zh: '已将 {login}（{name}）加入名册，角色：{roles}'},
  'operators.edited': {en: 'changed {login}: {fields}', zh: '已修改 {login}：{fields}'},
  'operators.unchanged': {en: '{login} is on the roster with these values already: nothing changed', zh: '{login} 已按这些取值登记，未作变更'},
  'operators.retired': {en: 'retired {login} ({name}): from now on they can read but not change anything', zh: '{login}（{name}）已离任：此后只能查看，不能作出变更'},
  'operators.none': {
    en: 'no roster: anyone who can open the database may change anything. Start one with egov operators add YOUR-LOGIN --name … --roles system-admin',
    zh: '尚未建立名册：能打开数据库的人均可作出变更。请用 egov operators add 您的登录名 --name … --roles system-admin 建立',
  },
  'operators.everyone': {en: 'any active operator', zh: '任一在任操作员'},
  'operators.rosterStarted': {
    en: 'admin: the roster has been started already, and {login} is not an active 系统管理员 on it; a change to it is a request now: egov operators add …, approved by a second 系统管理员 (X-2)',
    zh: 'admin：名册已经建立，{login} 不是其中在任的系统管理员；此后变更名册须提交申请：egov operators add …，由另一名系统管理员批准（X-2）',
  },
  'operators.badChange': {
    en: 'op: a roster change is add, edit or retire, with the login (and for add the name, roles and first day)',
    zh: 'op：名册变更须为 add、edit 或 retire，并给出登录名（add 还须给出姓名、角色和起始日期）',
  },
  'operators.filed': {
    en: 'filed roster change {id}: {summary}; it takes effect when another 系统管理员 approves it: egov requests approve {id} (X-2)',
    zh: '已提交名册变更申请 {id}：{summary}；经另一名系统管理员批准后生效：egov requests approve {id}（X-2）',
  },
  'operators.pending': {en: 'pending roster changes (in effect once another 系统管理员 approves them):', zh: '待批准的名册变更（经另一名系统管理员批准后生效）：'},
  'db.adminAdded': {en: 'put {login} ({name}) on the roster as its first 系统管理员 (system-admin)', zh: '已将 {login}（{name}）登记为名册的首位系统管理员（system-admin）'},
  'config.badChange': {
    en: 'KEY: a settings change sets or unsets a working-day limit (limit.KIND.STATE), or loads a year of the calendar',
    zh: 'KEY：设置变更仅限设定或取消工作日时限（limit.类型.状态），或载入某年日历',
  },
  'settings.filed': {
    en: 'filed settings change {id}: {summary}; it takes effect when another 系统管理员 approves it: egov requests approve {id} (X-2)',
    zh: '已提交设置变更申请 {id}：{summary}；经另一名系统管理员批准后生效：egov requests approve {id}（X-2）',
  },
  'col.login': {en: 'LOGIN', zh: '登录名'},
  'col.roles': {en: 'ROLES', zh: '角色'},
  'col.active': {en: 'ACTIVE', zh: '在任期间'},
  'col.role': {en: 'ROLE', zh: '角色代码'},
  'col.roleName': {en: 'NAME', zh: '角色名称'},
  'col.duties': {en: 'DUTIES', zh: '职责'},
  'col.operatorUnit': {en: 'UNIT', zh: '所在单位'},
  'operators.status.active': {en: 'active', zh: '在任'},
  'operators.status.inactive': {en: 'not active today', zh: '不在任期内'},
  'operators.status.retired': {en: 'retired', zh: '已离任'},
  'operators.readOnly': {en: 'reading only', zh: '只读'},
} as const satisfies Record<string, {en: string; zh: string}>
