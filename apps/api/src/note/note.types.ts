import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import {
  POSITION_DESCRIPTION,
  User,
  MutationInput,
} from '../graphql/common.types.js';
import { DateTimeScalar } from '../graphql/scalars.js';

@ObjectType({ description: 'A free note on a third party, or on one of its contacts. Notes appear on the timelines.' })
export class Note {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  thirdPartyId!: string;

  @Field(() => ID, { nullable: true, description: 'The contact the note is about, if any.' })
  contactId!: string | null;

  @Field()
  text!: string;

  @Field(() => DateTimeScalar)
  addedAt!: string;

  @Field(() => User, { nullable: true, description: 'Who wrote it.' })
  author!: User | null;
}

@InputType()
export class AddNoteInput extends MutationInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Required: the third party the note is about. A missing or unknown one is refused with BAD_USER_INPUT.',
  })
  thirdPartyId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A contact of that third party, when the note is about them.' })
  contactId?: string | null;

  @Field()
  text!: string;
}

@ObjectType()
export class AddNotePayload {
  @Field(() => Note)
  note!: Note;

  @Field({ description: POSITION_DESCRIPTION })
  position!: string;
}
