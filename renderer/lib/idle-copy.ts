// A value that follows another when the page is idle, so that work keyed on it stays out of the
// task that changed it.
import { useEffect, useState } from 'react';

/**
 * `value`, as it was when the page was last idle (within a second); `value` itself at once while
 * `now` holds (and from then on, until it changes again).
 */
export function useIdleCopy<T>(value: T, now = false): T {
  const [copy, setCopy] = useState(value);
  useEffect(() => {
    if (copy === value) return;
    if (now) {
      setCopy(() => value);
      return;
    }
    if (typeof requestIdleCallback !== 'function') {
      const t = setTimeout(() => setCopy(() => value), 100);
      return () => clearTimeout(t);
    }
    const h = requestIdleCallback(() => setCopy(() => value), { timeout: 1000 });
    return () => cancelIdleCallback(h);
  }, [copy, value, now]);
  return now ? value : copy;
}
