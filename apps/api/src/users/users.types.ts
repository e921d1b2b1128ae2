import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { MutationInput, POSITION_DESCRIPTION } from '../graphql/common.types.js';
import { DateTimeScalar } from '../graphql/scalars.js';

@ObjectType({ description: 'A group of users. Its permissions say what its members may do, from their next request on.' })
export class Group {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Stable lower-case identifier, e.g. `sales`: users are added to a group by code.' })
  code!: string;

  @Field()
  name!: string;

  @Field(() => [String], { description: 'Permission codes, e.g. `thirdParties.read`, `exchanges.seeAll`, `admin.usersAndGroups`.' })
  permissions!: string[];
}

@ObjectType({ description: 'An API token of a user. The token itself is shown once, when issued; Suivi keeps only a slow hash of it.' })
export class ApiToken {
  @Field(() => ID, { description: 'The token id: the part of the token after `suivi_` and before the secret. Not secret.' })
  id!: string;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field(() => DateTimeScalar)
  issuedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'After this instant the token is refused; null: no expiry.' })
  expiresAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was revoked; null while it is valid.' })
  revokedAt!: string | null;
}

@ObjectType({
  description:
    'The third parties a user is limited to: those of the territories (any territory when null) and, when ownedOnly, only the ones they own. Everything else — its contacts, exchanges, notes, timeline entries — behaves for them as if it did not exist.',
})
export class UserScope {
  @Field(() => [String], { nullable: true, description: 'Territories whose third parties the user sees; null: any territory.' })
  territories!: string[] | null;

  @Field({ description: 'Only the third parties the user owns.' })
  ownedOnly!: boolean;
}

@ObjectType({ description: 'A user account: who a token authenticates, and the actor recorded on their writes.' })
export class UserAccount {
  @Field(() => ID, { description: 'The id recorded as the actor of everything this user does.' })
  id!: string;

  @Field({ description: 'Lower-case, unique, never changes.' })
  login!: string;

  @Field()
  displayName!: string;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field({ description: 'A disabled user\'s tokens are refused.' })
  disabled!: boolean;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  @Field(() => [ApiToken], { description: 'Their tokens, revoked and expired ones included, oldest first.' })
  apiTokens!: ApiToken[];

  @Field(() => UserScope, { nullable: true, description: 'The third parties the user is limited to; null: every third party.' })
  scope!: UserScope | null;

  /** Resolved into `groups`. */
  groupCodes!: string[];
}

@InputType()
export class CreateUserInput extends MutationInput {
  @Field({ description: 'Letters, digits, ".", "_", "-" or "@" (an email address works); stored in lower case.' })
  login!: string;

  @Field(() => String, { nullable: true, description: 'Defaults to the login.' })
  displayName?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => [String], { nullable: true, description: 'Codes of the groups the user starts in, e.g. ["sales"].' })
  groupCodes?: string[] | null;
}

@InputType()
export class CreateGroupInput extends MutationInput {
  @Field({ description: 'A lower-case letter, then letters, digits, "_" or "-" (at most 40).' })
  code!: string;

  @Field()
  name!: string;

  @Field(() => [String], { nullable: true, description: 'Permission codes; none when absent.' })
  permissions?: string[] | null;
}

@InputType()
export class ChangeGroupPermissionsInput extends MutationInput {
  @Field({ description: 'The code of the group, e.g. `sales`.' })
  code!: string;

  @Field(() => [String], { description: 'The whole new list of permission codes (it replaces the current one); [] withdraws every permission.' })
  permissions!: string[];
}

@InputType()
export class AddUserToGroupInput extends MutationInput {
  @Field(() => ID)
  userId!: string;

  @Field()
  groupCode!: string;
}

@InputType()
export class RemoveUserFromGroupInput extends MutationInput {
  @Field(() => ID)
  userId!: string;

  @Field()
  groupCode!: string;
}

@InputType()
export class DisableUserInput extends MutationInput {
  @Field(() => ID)
  userId!: string;

  @Field(() => String, { nullable: true })
  reason?: string | null;
}

@InputType()
export class EnableUserInput extends MutationInput {
  @Field(() => ID)
  userId!: string;
}

@InputType()
export class IssueApiTokenInput extends MutationInput {
  @Field(() => ID)
  userId!: string;

  @Field(() => String, { nullable: true, description: 'What the token is for, e.g. "CRM frontend" or "Claire\'s laptop".' })
  label?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'After this instant the token is refused; absent: no expiry.' })
  expiresAt?: string | null;
}

@InputType()
export class RevokeApiTokenInput extends MutationInput {
  @Field(() => ID, { description: 'The token id (ApiToken.id).' })
  tokenId!: string;

  @Field(() => String, { nullable: true })
  reason?: string | null;
}

@InputType({ description: 'Both limits apply together; territories null and ownedOnly false lift every limit.' })
export class SetUserScopeInput extends MutationInput {
  @Field(() => ID)
  userId!: string;

  @Field(() => [String], {
    nullable: true,
    description: 'The territories whose third parties the user sees (spelt as on the third parties); null or absent: any territory. An empty list is refused.',
  })
  territories?: string[] | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Only the third parties the user owns (ThirdParty.owner).' })
  ownedOnly?: boolean | null;
}

@ObjectType({ isAbstract: true })
abstract class UserPayload {
  @Field(() => UserAccount)
  user!: UserAccount;

  @Field({ description: POSITION_DESCRIPTION })
  position!: string;
}

@ObjectType()
export class CreateUserPayload extends UserPayload {}

@ObjectType()
export class AddUserToGroupPayload extends UserPayload {}

@ObjectType()
export class RemoveUserFromGroupPayload extends UserPayload {}

@ObjectType()
export class DisableUserPayload extends UserPayload {}

@ObjectType()
export class EnableUserPayload extends UserPayload {}

@ObjectType()
export class SetUserScopePayload extends UserPayload {}

@ObjectType()
export class CreateGroupPayload {
  @Field(() => Group)
  group!: Group;

  @Field({ description: POSITION_DESCRIPTION })
  position!: string;
}

@ObjectType()
export class ChangeGroupPermissionsPayload {
  @Field(() => Group)
  group!: Group;

  @Field({ description: POSITION_DESCRIPTION })
  position!: string;
}

@ObjectType()
export class IssueApiTokenPayload extends UserPayload {
  @Field({ description: 'The token, shown this once: send it as "Authorization: Bearer <token>". Suivi cannot show it again.' })
  token!: string;

  @Field(() => ApiToken)
  apiToken!: ApiToken;
}

@ObjectType()
export class RevokeApiTokenPayload extends UserPayload {
  @Field(() => ApiToken)
  apiToken!: ApiToken;
}
