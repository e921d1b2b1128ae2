import { Field, Float, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '../graphql/relay.js';
import { ThirdParty } from '../third-party/third-party.types.js';
import { duplicateReasons, type DuplicateReason } from './duplicate-candidates.js';

export const DuplicateReasonEnum = Object.fromEntries(duplicateReasons.map((reason) => [reason, reason])) as Record<DuplicateReason, DuplicateReason>;

registerEnumType(DuplicateReasonEnum, {
  name: 'DuplicateReason',
  description:
    'Why two third parties look like one: VAT_NUMBER (same normalised VAT number), EMAIL (same normalised e-mail address), DOMAIN_AND_NAME (same company e-mail domain and a similar name), PHONE (same number in E.164), SIMILAR_NAME (names at least 85% alike once case, accents, punctuation and legal forms are set aside).',
});

@ObjectType({ description: 'Two third parties that are likely one and the same; `a` has the smaller id.' })
export class DuplicateCandidate {
  @Field(() => ThirdParty)
  a!: ThirdParty;

  @Field(() => ThirdParty)
  b!: ThirdParty;

  @Field(() => Float, { description: 'Likelihood in [0, 1]: the reasons combined (each adds to the others without passing 1).' })
  score!: number;

  @Field(() => [DuplicateReasonEnum])
  reasons!: DuplicateReason[];
}

@ObjectType()
export class DuplicateCandidateConnection extends ConnectionType(DuplicateCandidate, 'DuplicateCandidate') {}
