import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerProcess } from './server-process';
import { RunningTarget, type BenchEnv } from './targets';

const server = (pid: number, alive = true) => ({ pid, alive }) as unknown as ServerProcess;
const targetOf = (servers: ServerProcess[]) =>
  new RunningTarget('chatter', 'Chatter', [], servers, [], {} as BenchEnv, () => undefined);

describe('RunningTarget.markStallWindow', () => {
  afterEach(() => vi.restoreAllMocks());

  it('sends SIGUSR2 to every live server when they run the stall sampler', () => {
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    const target = targetOf([server(101), server(102, false), server(103)]);
    target.stallSampling = true;
    target.markStallWindow();
    expect(kill.mock.calls).toEqual([
      [101, 'SIGUSR2'],
      [103, 'SIGUSR2'],
    ]);
  });

  it('sends nothing without the sampler, where SIGUSR2 would end the server', () => {
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    const target = targetOf([server(101)]);
    target.markStallWindow();
    expect(kill).not.toHaveBeenCalled();
  });
});
