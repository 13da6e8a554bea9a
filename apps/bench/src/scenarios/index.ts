import { fanOut } from './s1-fan-out';
import { endToEnd } from './s2-end-to-end';
import { capacity } from './s3-capacity';
import { crossInstance } from './s4-cross-instance';
import { reconnectStorm } from './s5-reconnect-storm';
import { churn } from './s6-churn';
import { idleSubscribers } from './s7-idle-subscribers';
import type { Scenario } from './scenario';

export const SCENARIOS: Scenario[] = [
  fanOut,
  endToEnd,
  capacity,
  crossInstance,
  reconnectStorm,
  churn,
  idleSubscribers,
];
