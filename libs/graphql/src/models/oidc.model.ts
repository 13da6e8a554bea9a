import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';

@ObjectType('OidcProviderSummary', {
  description: 'A sign-in provider as the sign-in page shows it (names only).',
})
export class OidcProviderSummaryModel {
  @Field(() => ID) id!: string;
  @Field() displayName!: string;
}

@ObjectType('OidcProvider', {
  description:
    "A tenant's OpenID Connect provider, for its operators and owners. The client secret is write-only.",
})
export class OidcProviderModel {
  @Field(() => ID) id!: string;
  @Field() displayName!: string;
  @Field() issuer!: string;
  @Field() clientId!: string;
  @Field({ description: 'Whether a client secret is stored (false: a public client, PKCE only).' })
  hasClientSecret!: boolean;
  @Field(() => [String], { description: 'E-mail domains allowed to sign in; empty allows any.' })
  allowedDomains!: string[];
  @Field({
    description:
      'Whether a first sign-in with a verified e-mail joins the account that already has a linked identity with that e-mail.',
  })
  autoLinkVerifiedEmail!: boolean;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

@InputType('OidcProviderInput')
export class OidcProviderInputModel {
  @Field(() => ID, { description: '1–32 lowercase letters, digits or dashes; used in URLs.' })
  id!: string;
  @Field({ description: 'The button says "Continue with <displayName>" (1–40 characters).' })
  displayName!: string;
  @Field({ description: 'The issuer URL (https; http only on loopback).' })
  issuer!: string;
  @Field() clientId!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Omitted or null keeps the stored secret; "" makes a public client (PKCE only).',
  })
  clientSecret?: string | null;
  @Field(() => [String], { nullable: true, description: 'Lowercase domains; at most 50.' })
  allowedDomains?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Default false.' })
  autoLinkVerifiedEmail?: boolean | null;
}

@ObjectType('LinkedAccount', { description: "One of the caller's linked sign-in providers." })
export class LinkedAccountModel {
  @Field(() => ID) providerId!: string;
  @Field() displayName!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => Date) linkedAt!: Date;
}
