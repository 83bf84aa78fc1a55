/**
 * State keyed by ids that arrive in requests (orders by out_trade_no, contact ways by config_id, …) is
 * held in objects without a prototype. A plain object answers `constructor` or `__proto__` with Object's
 * own members, and a write to `__proto__` replaces its prototype; without one, every id is just a key.
 */
export function dictionary<T>(entries: Record<string, T> = {}): Record<string, T> {
  // Assigning onto a prototype-less object makes even an own `__proto__` entry (JSON.parse creates one) a plain key.
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}
