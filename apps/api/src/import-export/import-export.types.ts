import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { importOutcomes, type ImportOutcome } from '#platform';
import { FieldChange } from '../graphql/common.types.js';
import { ExchangeFilter } from '../exchange/exchange.types.js';
import { ThirdPartyFilter } from '../third-party/third-party.types.js';

export const ImportOutcomeEnum = Object.fromEntries(importOutcomes.map((o) => [o.toUpperCase(), o.toUpperCase()])) as Record<string, string>;
registerEnumType(ImportOutcomeEnum, {
  name: 'ImportOutcome',
  description: 'What a line did (or, in a dry run, would do): CREATED, UPDATED (a match, with field changes), UNCHANGED (a match with nothing new), REJECTED, SKIPPED.',
});

@InputType({ description: 'A column of the CSV and the field it fills (`name`, `email`, `address.city`, `customFields.sector`, `thirdParty`, … or `-` to ignore it).' })
export class ImportColumnInput {
  @Field({ description: 'The header, as in the first line (compared without case and accents).' })
  column!: string;

  @Field()
  field!: string;
}

@InputType({ isAbstract: true })
class ImportInputBase {
  @Field({ description: 'The CSV text, header line first: delimiter , ; tab or | (detected). At most 512 KiB and 1,000 lines; larger files: `suivi import`.' })
  csv!: string;

  @Field(() => [ImportColumnInput], { nullable: true, description: 'Columns to map explicitly; the others are recognised by their usual French, Italian or English names.' })
  mapping?: ImportColumnInput[] | null;

  @Field(() => String, { nullable: true, description: 'A mapping saved with `suivi import mappings save`; `mapping` entries override it.' })
  mappingName?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'false: only the columns of `mapping` / `mappingName` are imported. Default true.' })
  autoMap?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Field delimiter: , ; | or tab (written "tab"); default: detected.' })
  delimiter?: string | null;

  @Field(() => String, { nullable: true, description: 'Country of phone and VAT numbers written without their prefix (ISO code, e.g. FR).' })
  country?: string | null;

  @Field(() => [String], { nullable: true, description: 'Match keys in order; default vatNumber, email, domainAndName, phone.' })
  matchOrder?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: report what each line would do, write nothing.' })
  dryRun?: boolean | null;
}

@InputType()
export class ImportThirdPartiesInput extends ImportInputBase {
  @Field(() => [String], { nullable: true, description: 'Roles of a new third party whose line has none; default [CUSTOMER].' })
  defaultRoles?: string[] | null;
}

@InputType()
export class ImportContactsInput extends ImportInputBase {}

@ObjectType()
export class ImportColumn {
  @Field()
  column!: string;

  @Field({ description: 'The field it fills, or `-` when ignored.' })
  field!: string;
}

@ObjectType({ description: 'How an existing record was found.' })
export class ImportMatch {
  @Field({ description: 'vatNumber, email, domainAndName or phone; for contacts email, phone or name (same full name at the same third party).' })
  kind!: string;

  @Field({ description: 'The normalised value both had.' })
  value!: string;

  @Field(() => Int, { nullable: true, description: 'The earlier line of this file that created or changed the record; null when it was already in Suivi.' })
  line!: number | null;
}

@ObjectType()
export class ImportProblem {
  @Field({ description: 'The field (`email`, `address.country`, `thirdParty`) or `line`.' })
  field!: string;

  @Field(() => String, { nullable: true, description: 'The column header it came from.' })
  column!: string | null;

  @Field()
  reason!: string;
}

@ObjectType({ description: 'A record whose name is close to the one a line created: a possible duplicate to review.' })
export class ImportSuggestion {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => Float, { description: 'Name similarity, 0 to 1.' })
  score!: number;
}

@ObjectType()
export class ImportLine {
  @Field(() => Int, { description: 'Line of the file where the record starts (the header is line 1).' })
  line!: number;

  @Field(() => ImportOutcomeEnum)
  outcome!: string;

  @Field(() => ID, { nullable: true })
  id!: string | null;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => ImportMatch, { nullable: true })
  matchedBy!: ImportMatch | null;

  @Field(() => [FieldChange])
  changes!: FieldChange[];

  @Field(() => [ImportProblem])
  problems!: ImportProblem[];

  @Field(() => [ImportSuggestion])
  suggestions!: ImportSuggestion[];
}

@ObjectType({ description: 'What an import did, or would do in a dry run, line by line.' })
export class ImportReportPayload {
  @Field({ description: 'The head of the log after the import: send it back (x-suivi-consistent-with) to read what it wrote.' })
  position!: string;

  @Field({ description: 'SHA-256 of the CSV (UTF-8): the same text imported again changes nothing.' })
  fileSha256!: string;

  @Field()
  delimiter!: string;

  @Field(() => [ImportColumn])
  columns!: ImportColumn[];

  @Field()
  dryRun!: boolean;

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int)
  rejected!: number;

  @Field(() => Int, { description: 'Lines an earlier run of the same text had done.' })
  skipped!: number;

  @Field(() => Int, { description: 'Created lines with a possible duplicate.' })
  suggested!: number;

  @Field(() => [ImportLine])
  lines!: ImportLine[];
}

export type ImportOutcomeName = Uppercase<ImportOutcome>;

@InputType({ description: 'How the CSV is written.' })
export class ExportFormatInput {
  @Field(() => Boolean, { nullable: true, description: 'true: `;` as delimiter and a UTF-8 byte-order mark, what Excel in French or Italian opens as is. Default false: `,` without BOM.' })
  excel?: boolean | null;
}

@ObjectType({ description: 'A file to save: CSV text, UTF-8.' })
export class ExportFile {
  @Field()
  filename!: string;

  @Field()
  contentType!: string;

  @Field({ description: 'The whole file (with its byte-order mark when asked for Excel).' })
  content!: string;

  @Field(() => Int, { description: 'Records in the file (lines after the header).' })
  rows!: number;
}

export { ExchangeFilter, ThirdPartyFilter };
