import { describe, expect, it } from 'vitest';
import { eventLoopP99Ms, parsePrometheus } from './prometheus';

describe('Prometheus text', () => {
  it('parses names, labels and values, skipping comments', () => {
    const s = parsePrometheus(
      '# HELP x y\n# TYPE x gauge\nx{a="1",b="two words"} 0.5\ny 3\nz +Inf\n',
    );
    expect(s).toEqual([
      { name: 'x', labels: { a: '1', b: 'two words' }, value: 0.5 },
      { name: 'y', labels: {}, value: 3 },
      { name: 'z', labels: {}, value: Infinity },
    ]);
  });

  it('reads Chatter’s quantile-labelled event-loop gauge in ms, preferring it over prom-client’s', () => {
    const text = [
      'nodejs_eventloop_lag_p99_seconds 0.5',
      'chatter_event_loop_delay_seconds{quantile="0.5"} 0.010',
      'chatter_event_loop_delay_seconds{quantile="0.99"} 0.0123',
    ].join('\n');
    expect(eventLoopP99Ms(parsePrometheus(text))).toEqual({
      ms: 12.3,
      metric: 'chatter_event_loop_delay_seconds{quantile="0.99"}',
    });
  });

  it('falls back to prom-client’s default gauge and ignores p999', () => {
    const text = 'nodejs_eventloop_lag_p999_seconds 9\nnodejs_eventloop_lag_p99_seconds 0.02\n';
    expect(eventLoopP99Ms(parsePrometheus(text))?.ms).toBe(20);
  });

  it('returns undefined when nothing matches', () => {
    expect(eventLoopP99Ms(parsePrometheus('process_cpu_seconds_total 1\n'))).toBeUndefined();
  });
});
