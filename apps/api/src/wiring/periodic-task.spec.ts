import { Logger } from '@nestjs/common';
import { ManualClock } from '@chatter/core';
import { describe, expect, it, vi } from 'vitest';
import { PeriodicTask } from './periodic-task';

const settle = () => new Promise((r) => setImmediate(r));

function logger() {
  const log = new Logger('test');
  const warn = vi.spyOn(log, 'warn').mockImplementation(() => undefined);
  return { log, warn };
}

describe('PeriodicTask', () => {
  it('runs every interval, one run at a time, the next interval counted from the end of a run', async () => {
    const clock = new ManualClock();
    let release: () => void = () => undefined;
    const run = vi.fn(() => new Promise<void>((r) => (release = r)));
    const task = new PeriodicTask(clock, logger().log, { intervalMs: 1000, failure: 'x', run });
    task.start();
    clock.advance(999);
    expect(run).toHaveBeenCalledTimes(0);
    clock.advance(1);
    expect(run).toHaveBeenCalledTimes(1);
    clock.advance(5000); // the run is still going: nothing new starts
    expect(run).toHaveBeenCalledTimes(1);
    release();
    await settle();
    clock.advance(999);
    expect(run).toHaveBeenCalledTimes(1);
    clock.advance(1);
    expect(run).toHaveBeenCalledTimes(2);
    release();
    await task.stop();
  });

  it('logs a failed run and runs again at the next interval', async () => {
    const clock = new ManualClock();
    const { log, warn } = logger();
    const run = vi.fn().mockRejectedValueOnce(new Error('store down')).mockResolvedValue(undefined);
    const task = new PeriodicTask(clock, log, { intervalMs: 10, failure: 'sweep failed', run });
    task.start(0);
    clock.advance(0);
    await settle();
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(Error) }),
      'sweep failed',
    );
    clock.advance(10);
    expect(run).toHaveBeenCalledTimes(2);
    await task.stop();
  });

  it('stop() waits for a run in progress and cancels the next one', async () => {
    const clock = new ManualClock();
    let finished = false;
    let release: () => void = () => undefined;
    const run = vi.fn(
      () =>
        new Promise<void>((r) => {
          release = () => {
            finished = true;
            r();
          };
        }),
    );
    const task = new PeriodicTask(clock, logger().log, { intervalMs: 10, failure: 'x', run });
    task.start(0);
    clock.advance(0);
    const stopping = task.stop();
    expect(task.stopped).toBe(true);
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(1000);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('drains in batches until one comes back short, at most maxBatches, and never after stop()', async () => {
    const task = new PeriodicTask(new ManualClock(), logger().log, {
      intervalMs: 1000,
      failure: 'x',
      run: async () => undefined,
    });
    const sizes: number[] = [];
    const answers = [50, 50, 12, 50];
    await task.drain(50, async (size) => (sizes.push(size), answers.shift()!));
    expect(sizes).toEqual([50, 50, 50]);

    let calls = 0;
    await task.drain(10, async () => (calls++, 10), 4);
    expect(calls).toBe(4);

    calls = 0;
    await task.drain(10, async () => {
      calls++;
      if (calls === 2) void task.stop();
      return 10;
    });
    expect(calls).toBe(2);
  });
});
