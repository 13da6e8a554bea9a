import type { ExecutionArgs } from 'graphql';
import type { Actor, StreamItem } from '@chatter/core';
import { deliveryLagSeconds } from './delivery-lag';
import type { FrameSender } from './frame-sender';
import type { RenderedPayload } from './pending-payload';
import type { RenderItem, RenderPlan, SharedRenderer } from './shared-renderer';
import type { SocketState } from './socket-state';
import type { SubscriptionLaneHooks } from './subscription-lane';
import type { UserAdmission } from './user-admission';

/** What every `chatEvents` lane of a gateway shares. */
export interface LaneServices {
  renderer: SharedRenderer;
  sender: FrameSender;
  users: UserAdmission;
  metrics: {
    subscriptionEnded(): void;
    eventDelivered(lagSeconds: number | undefined): void;
  };
  now: () => number;
}

/**
 * One `chatEvents` subscription's side of its lane: renders through the shared renderer, writes
 * through the frame sender, counts deliveries and frees the user's subscription slot at the end.
 * A plain object with methods rather than a closure per hook: every idle subscription holds one.
 */
export class ChatEventsLaneHooks implements SubscriptionLaneHooks {
  constructor(
    private readonly services: LaneServices,
    private readonly state: SocketState,
    private readonly args: ExecutionArgs,
    private readonly plan: RenderPlan,
    private readonly owner: Pick<Actor, 'tenantId' | 'userId'> | null,
  ) {}

  render(item: RenderItem): RenderedPayload {
    return this.services.renderer.render(item, this.args, this.plan);
  }

  writeNext(head: string, headBytes: number, json: string): void {
    this.services.sender.writeNext(this.state, head, headBytes, json);
  }

  closeConnection(code: number, reason: string): void {
    this.state.socket.close(code, reason);
  }

  delivered(item: StreamItem): void {
    this.services.metrics.eventDelivered(deliveryLagSeconds(item, this.services.now()));
  }

  ended(): void {
    this.services.metrics.subscriptionEnded();
    if (this.owner) this.services.users.endSubscription(this.owner);
  }
}
