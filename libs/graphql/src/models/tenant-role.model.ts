import { ViewerDependent } from './viewer-dependent.decorator';
import { Field, ID, ObjectType } from '@nestjs/graphql';
import { TenantRoleEnum } from './enums';
import { UserModel } from './user.model';

@ObjectType('TenantRoleGrant')
export class TenantRoleGrantModel {
  @Field(() => ID) userId!: string;
  @ViewerDependent()
  @Field(() => UserModel, {
    nullable: true,
    description: 'Null when the user no longer exists, and for operators.',
  })
  user!: unknown;
  @Field(() => TenantRoleEnum) role!: TenantRoleEnum;
  @Field(() => ID, { nullable: true, description: 'Who granted it; null when an operator did.' })
  grantedBy!: string | null;
  @Field(() => Date) grantedAt!: Date;
}

@ObjectType('TenantAccess', { description: "The caller's own role in their tenant." })
export class TenantAccessModel {
  @Field(() => TenantRoleEnum, { nullable: true }) role!: TenantRoleEnum | null;
  @Field(() => [String], {
    description:
      'Named permissions the role gives, e.g. tenant.roles.read, tenant.admins.manage, tenant.owners.manage, channels.moderate, tenant.safety.manage.',
  })
  permissions!: string[];
}
