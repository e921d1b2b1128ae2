import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { permissions } from '#domain';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient } from './support/suivi-client.js';

const CHANGE = `mutation($input: ChangeGroupPermissionsInput!) {
  changeGroupPermissions(input: $input) { position group { id code name permissions } }
}`;
const JOURNAL = '{ auditJournal(first: 1) { edges { node { action } } } }';
const GROUP_JOURNAL = `query($id: ID) { auditJournal(first: 5, filter: { entityId: $id }) { edges { node { action changes { field from to } } } } }`;

type Changed = { changeGroupPermissions: { position: string; group: { id: string; code: string; name: string; permissions: string[] } } };

/**
 * changeGroupPermissions over HTTP: permissions are read with every request,
 * and the mutation answers once the groups read model has applied the change,
 * so the request right after its answer already holds the new permissions.
 */
describe.each(e2eBackends())('changing a group\'s permissions (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let admin: SuiviClient;
  let noa: SuiviApp;

  const change = (input: { code: string; permissions: string[] }) => suivi.graphql<Changed>(CHANGE, { input });
  const errorOf = (body: { errors?: { extensions?: Record<string, unknown> }[] }) => body.errors?.[0]?.extensions;

  beforeAll(async () => {
    suivi = await SuiviApp.start(mongodbUrl ? { mongodbUrl } : {});
    admin = new SuiviClient(suivi);
    await admin.read('mutation($input: CreateGroupInput!) { createGroup(input: $input) { position } }', {
      input: { code: 'field', name: 'Field', permissions: ['thirdParties.read'] },
    });
    const created = await admin.read<{ createUser: { user: { id: string } } }>(
      'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }',
      { input: { login: 'noa', groupCodes: ['field'] } },
    );
    const issued = await admin.read<{ issueApiToken: { token: string } }>(
      'mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }',
      { input: { userId: created.createUser.user.id } },
    );
    noa = suivi.as(issued.issueApiToken.token);
  });
  afterAll(async () => {
    await suivi?.stop();
  });

  it('grants a permission from the answer on, and withdraws it the same way', async () => {
    const before = await noa.graphql(JOURNAL);
    expect(errorOf(before.body)).toMatchObject({ code: 'FORBIDDEN' });

    const granted = await change({ code: 'field', permissions: ['auditJournal.read', 'thirdParties.read', 'auditJournal.read'] });
    expect(granted.body.errors).toBeUndefined();
    expect(granted.body.data?.changeGroupPermissions.group).toMatchObject({ code: 'field', name: 'Field', permissions: ['thirdParties.read', 'auditJournal.read'] });
    // No x-suivi-consistent-with: the mutation's answer is the guarantee.
    const after = await noa.graphql<{ auditJournal: { edges: unknown[] } }>(JOURNAL);
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data?.auditJournal.edges).toHaveLength(1);

    const withdrawn = await change({ code: 'field', permissions: ['thirdParties.read'] });
    expect(withdrawn.body.data?.changeGroupPermissions.group.permissions).toEqual(['thirdParties.read']);
    expect(errorOf((await noa.graphql(JOURNAL)).body)).toMatchObject({ code: 'FORBIDDEN' });

    const groupId = granted.body.data!.changeGroupPermissions.group.id;
    const journal = await admin.read<{ auditJournal: { edges: { node: { action: string; changes: unknown[] } }[] } }>(GROUP_JOURNAL, { id: groupId });
    // The journal gives old and new values as JSON.
    const permissionsChange = (from: string[], to: string[]) => ({
      action: 'GroupPermissionsChanged',
      changes: [{ field: 'permissions', from: JSON.stringify(from), to: JSON.stringify(to) }],
    });
    expect(journal.auditJournal.edges.map((edge) => edge.node).slice(0, 2)).toEqual([
      permissionsChange(['thirdParties.read', 'auditJournal.read'], ['thirdParties.read']),
      permissionsChange(['thirdParties.read'], ['thirdParties.read', 'auditJournal.read']),
    ]);
  });

  it('refuses a member without admin.usersAndGroups, an unknown permission or group, and the admin group without user administration', async () => {
    expect(errorOf((await noa.graphql(CHANGE, { input: { code: 'field', permissions: permissions } })).body)).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf((await change({ code: 'field', permissions: ['thirdParties.read', 'everything'] })).body)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.permissions[1]',
    });
    const unknown = await change({ code: 'sailors', permissions: [] });
    expect(errorOf(unknown.body)).toMatchObject({ code: 'NOT_FOUND' });
    expect(unknown.body.errors?.[0]?.message).toBe('group sailors does not exist');
    const admins = await change({ code: 'admin', permissions: permissions.filter((p) => p !== 'admin.usersAndGroups') });
    expect(errorOf(admins.body)).toMatchObject({ code: 'CONFLICT' });
    expect(admins.body.errors?.[0]?.message).toMatch(/admin group keeps admin\.usersAndGroups/);
  });
});
