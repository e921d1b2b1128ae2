/**
 * Permissions per action, grouped like Dolibarr's rights: read / create /
 * update / delete per module, plus a few that are not about one module's
 * records. Groups carry lists of these codes; a user holds the union of their
 * groups' permissions.
 */
export const permissionModules = ['thirdParties', 'contacts', 'exchanges', 'notes', 'documents', 'followUps'] as const;
export type PermissionModule = (typeof permissionModules)[number];

export const permissionActions = ['read', 'create', 'update', 'delete'] as const;
export type PermissionAction = (typeof permissionActions)[number];

export const permissions = [
  ...permissionModules.flatMap((module) => permissionActions.map((action) => `${module}.${action}` as const)),
  /**
   * Exchanges of the whole team, not only those one logged, made or collaborates
   * on. Every default group holds it (a shared history is what Suivi is for); a
   * custom group can leave it out to keep its members to their own exchanges.
   */
  'exchanges.seeAll',
  'auditJournal.read',
  'admin.usersAndGroups',
  /** Personal data (GDPR): forgetting a person, exporting what Suivi holds about them, the retention queue. */
  'privacy.manage',
  /**
   * Conversion metrics (analytics): aggregates over the third parties the
   * user's scope admits, now or as of any past instant.
   */
  'analytics.read',
] as const;
export type Permission = (typeof permissions)[number];

export const isPermission = (value: string): value is Permission => (permissions as readonly string[]).includes(value);

const all = (module: PermissionModule, ...actions: PermissionAction[]): Permission[] =>
  actions.map((action) => `${module}.${action}` as Permission);

/** A group every deployment starts with; an administrator may create others. */
export interface DefaultGroup {
  readonly code: string;
  readonly name: string;
  readonly permissions: readonly Permission[];
}

/**
 * The groups created on first start. Salespeople work third parties, contacts,
 * exchanges and follow-ups; support reads third parties and handles contacts
 * and follow-ups; accounting owns commercial documents and reads the journal;
 * administrators hold every permission, and only they administer users and
 * act on personal data as such (`privacy.manage`: forget a person, export what
 * Suivi holds about them, the retention queue). Every group sees the whole
 * team's exchanges (`exchanges.seeAll`); sales (their conversion) and
 * accounting (dunning) read the metrics (`analytics.read`). A group created
 * before a permission existed does not hold it: grant it with `changeGroupPermissions`
 * (`suivi groups permissions admin --add privacy.manage`).
 * Lists are in the canonical order of `permissions`.
 */
export const defaultGroups: readonly DefaultGroup[] = [
  {
    code: 'sales',
    name: 'Sales',
    permissions: [
      ...all('thirdParties', 'read', 'create', 'update'),
      ...all('contacts', 'read', 'create', 'update'),
      ...all('exchanges', 'read', 'create', 'update'),
      ...all('notes', 'read', 'create'),
      ...all('documents', 'read', 'create', 'update'),
      ...all('followUps', 'read', 'create', 'update', 'delete'),
      'exchanges.seeAll',
      'analytics.read',
    ],
  },
  {
    code: 'support',
    name: 'Support',
    permissions: [
      ...all('thirdParties', 'read'),
      ...all('contacts', 'read', 'create', 'update'),
      ...all('exchanges', 'read', 'create', 'update'),
      ...all('notes', 'read', 'create'),
      ...all('documents', 'read'),
      ...all('followUps', 'read', 'create', 'update', 'delete'),
      'exchanges.seeAll',
    ],
  },
  {
    code: 'accounting',
    name: 'Accounting',
    permissions: [
      ...all('thirdParties', 'read', 'update'),
      ...all('contacts', 'read'),
      ...all('exchanges', 'read'),
      ...all('notes', 'read'),
      ...all('documents', 'read', 'create', 'update', 'delete'),
      ...all('followUps', 'read'),
      'exchanges.seeAll',
      'auditJournal.read',
      'analytics.read',
    ],
  },
  { code: 'admin', name: 'Administrators', permissions: [...permissions] },
];

/** The group whose members administer users, groups and tokens (login `admin` is created in it). */
export const ADMIN_GROUP = 'admin';
