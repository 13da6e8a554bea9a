import type { Endpoint, TargetKind } from '../ipc';
import { B0Client } from './b0-client';
import { B1Client } from './b1-client';
import { ChatterClient } from './chatter-client';
import { HttpJson } from './http-json';
import type { TargetClient } from './target-client';

/** The protocol client for a target: Chatter, B0 (raw ws) or B1 (Nest + Apollo). */
export function createTargetClient(
  kind: TargetKind,
  endpoints: Endpoint[],
  httpMaxSockets: number,
): TargetClient {
  const http = new HttpJson(httpMaxSockets);
  switch (kind) {
    case 'chatter':
      return new ChatterClient(endpoints, http);
    case 'b0':
      return new B0Client(endpoints);
    case 'b1':
      return new B1Client(endpoints, http);
  }
}
