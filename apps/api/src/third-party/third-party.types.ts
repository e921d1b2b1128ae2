import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { thirdPartyKinds, thirdPartyRoles, type ThirdPartyKind, type ThirdPartyRole } from '#domain';
import { ConnectionType } from '../graphql/relay.js';

const enumOf = <T extends string>(values: readonly T[]): Record<T, T> =>
  Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const ThirdPartyKindEnum = enumOf(thirdPartyKinds);
export const ThirdPartyRoleEnum = enumOf(thirdPartyRoles);

registerEnumType(ThirdPartyKindEnum, {
  name: 'ThirdPartyKind',
  description: 'A company, or an individual (a private person).',
});
registerEnumType(ThirdPartyRoleEnum, {
  name: 'ThirdPartyRole',
  description: 'What a third party is to the business; a third party may hold several roles.',
});

@ObjectType({ description: 'A company or individual the business deals with: prospect, customer, supplier.' })
export class ThirdParty {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => ThirdPartyKindEnum)
  kind!: ThirdPartyKind;

  @Field(() => [ThirdPartyRoleEnum])
  roles!: ThirdPartyRole[];

  @Field()
  registeredAt!: Date;

  @Field({ description: 'Revision of the third party\'s history: 0 when registered, one more with every change.' })
  version!: string;
}

@ObjectType()
export class ThirdPartyConnection extends ConnectionType(ThirdParty, 'ThirdParty') {}

@InputType()
export class ThirdPartyFilter {
  @Field(() => ThirdPartyKindEnum, { nullable: true })
  kind?: ThirdPartyKind | null;

  @Field(() => ThirdPartyRoleEnum, { nullable: true, description: 'Third parties holding this role.' })
  role?: ThirdPartyRole | null;

  @Field(() => String, { nullable: true, description: 'Case- and accent-insensitive prefix of the name.' })
  nameStartsWith?: string | null;
}

@InputType()
export class RegisterThirdPartyInput {
  @Field({ description: 'At most 200 characters; leading and trailing spaces are removed.' })
  name!: string;

  @Field(() => ThirdPartyKindEnum)
  kind!: ThirdPartyKind;

  @Field(() => [ThirdPartyRoleEnum], { defaultValue: [] })
  roles!: ThirdPartyRole[];

  @Field(() => String, {
    nullable: true,
    description: 'Makes the mutation safe to retry: the same key returns the original result and records nothing new.',
  })
  idempotencyKey?: string | null;
}

@ObjectType()
export class RegisterThirdPartyPayload {
  @Field(() => ThirdParty)
  thirdParty!: ThirdParty;

  @Field({ description: 'Global log position of this write (opaque); read models at or past it include it.' })
  position!: string;
}
