// store.js — one state object that changes only through set().  Subscribers
// name the keys they read; after the handler that changed them returns (in a
// microtask) each affected subscriber runs once, so a handler that changes
// three keys costs one recolour, not three.  Subscribers may set state
// themselves: the store runs rounds until nothing more changes.

const MAX_ROUNDS = 20; // a subscriber loop that never settles is a bug: say so

// report(error): what becomes of a subscriber's error; by default it is
// thrown on its own, uncaught, where the browser's console shows it
const throwLater = (e) => setTimeout(() => { throw e; });

export function createStore(initial, report = throwLater) {
  const state = { ...initial };
  const subscribers = [];
  let changed = new Set(Object.keys(state)); // the first flush draws everything once
  let scheduled = false;
  const failed = [];

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(flush);
  }

  function flush() {
    for (let round = 0; changed.size; round++) {
      if (round === MAX_ROUNDS) {
        failed.push(new Error(`state still changing after ${MAX_ROUNDS} rounds: ${[...changed]}`));
        changed.clear();
        break;
      }
      const now = changed;
      changed = new Set();
      for (const s of subscribers) {
        if (!s.keys.some((k) => now.has(k))) continue;
        try {
          s.run(state, now);
        } catch (e) { // one failing panel must not stop the others
          failed.push(e);
        }
      }
    }
    scheduled = false;
    failed.splice(0).forEach(report);
  }

  function known(key) {
    if (!Object.hasOwn(state, key)) throw new Error(`unknown state key: ${key}`);
  }

  schedule();
  return {
    state, // read it anywhere; write it only through set()
    // patch: { key: new value }; a value identical to the old one is no change
    // (so Sets and Maps are replaced, never edited in place)
    set(patch) {
      for (const [key, value] of Object.entries(patch)) {
        known(key);
        if (Object.is(state[key], value)) continue;
        state[key] = value;
        changed.add(key);
      }
      if (changed.size) schedule();
    },
    // run(state, changedKeys) after any of keys changed; in the order subscribed
    subscribe(keys, run) {
      keys.forEach(known);
      subscribers.push({ keys, run });
    },
  };
}
