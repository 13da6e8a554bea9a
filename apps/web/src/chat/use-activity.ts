import { useEffect } from 'react';

const IDLE_MS = 3 * 60_000;

/** Calls report(false) after a few idle minutes or when the tab is hidden, report(true) on input. */
export function useActivity(report: (active: boolean) => void): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const active = () => {
      const now = Date.now();
      if (now - last < 1_000) return;
      last = now;
      report(document.visibilityState !== 'hidden');
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => report(false), IDLE_MS);
    };
    const visibility = () => (document.visibilityState === 'hidden' ? report(false) : active());
    const events = [
      'pointerdown',
      'pointermove',
      'keydown',
      'wheel',
      'touchstart',
      'focus',
    ] as const;
    for (const e of events) window.addEventListener(e, active, { passive: true });
    document.addEventListener('visibilitychange', visibility);
    active();
    return () => {
      for (const e of events) window.removeEventListener(e, active);
      document.removeEventListener('visibilitychange', visibility);
      if (timer) clearTimeout(timer);
    };
  }, [report]);
}
