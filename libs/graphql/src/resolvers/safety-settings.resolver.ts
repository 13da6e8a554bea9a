import { UseGuards } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, ManageSafetySettings, TenantSafetySettings } from '@chatter/core';
import { AuthGuard, CurrentActor } from '../context/auth.guard';
import {
  TenantSafetySettingsInput,
  TenantSafetySettingsModel,
} from '../models/safety-settings.model';

/** The caller's tenant's safety settings, for its owners and admins; rules in ManageSafetySettings. */
@Resolver(() => TenantSafetySettingsModel)
@UseGuards(AuthGuard)
export class SafetySettingsResolver {
  constructor(private readonly safety: ManageSafetySettings) {}

  @Query(() => TenantSafetySettingsModel, {
    description:
      "Tenant owners and admins: the tenant's word filter, retention and channel policy.",
  })
  tenantSafetySettings(@CurrentActor() actor: Authenticated): Promise<TenantSafetySettings> {
    return this.safety.get(actor);
  }

  @Mutation(() => TenantSafetySettingsModel, {
    description: "Tenant owners and admins: changes the tenant's safety settings (audited).",
  })
  updateTenantSafetySettings(
    @CurrentActor() actor: Authenticated,
    @Args('input', { type: () => TenantSafetySettingsInput }) input: TenantSafetySettingsInput,
  ): Promise<TenantSafetySettings> {
    return this.safety.update(actor, input);
  }
}
