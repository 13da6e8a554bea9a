import { lazy, type ComponentType } from 'react';

const RELOAD_KEY = 'chatter.chunkReload';

/** React.lazy, resilient to a redeploy: a chunk that vanished (new build, new file names) is
 *  retried once, then the page reloads once to pick up the new build. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the same constraint as React.lazy
export function lazyView<T extends ComponentType<any>>(load: () => Promise<T>) {
  return lazy(async () => {
    let component: T;
    try {
      component = await load();
    } catch {
      await new Promise((r) => setTimeout(r, 500));
      try {
        component = await load();
      } catch (err) {
        if (!sessionStorage.getItem(RELOAD_KEY)) {
          sessionStorage.setItem(RELOAD_KEY, '1');
          window.location.reload();
        }
        throw err;
      }
    }
    sessionStorage.removeItem(RELOAD_KEY);
    return { default: component };
  });
}
