// Jepsen's lost-write idea at small scale: every write is remembered with whether it was acknowledged;
// after recovery each key is read back. An acknowledged write that is absent (or holds another value) is
// lost; an unacknowledged one that is present is allowed (the answer was lost, not the write).

export interface Write {
  key: string;
  value: string;
  /** Replica that took the write (each replica of a store is its own store). */
  replica: number;
  acked: boolean;
}

export type Read = { found: true; value: string } | { found: false } | { unreadable: string };

export interface ReadBack {
  read: number;
  present: number;
  absent: number;
  mismatched: number;
  unreadable: number;
  lost: number;
  unackedPresent: number;
  lostKeys: string[];
}

const LOST_KEYS_KEPT = 20;

export function classifyReadBack(writes: readonly Write[], reads: readonly Read[]): ReadBack {
  const out: ReadBack = { read: 0, present: 0, absent: 0, mismatched: 0, unreadable: 0, lost: 0, unackedPresent: 0, lostKeys: [] };
  writes.forEach((w, i) => {
    const r = reads[i];
    if (!r || "unreadable" in r) {
      out.unreadable++;
      return;
    }
    out.read++;
    const intact = r.found && r.value === w.value;
    if (r.found && !intact) out.mismatched++;
    else if (r.found) out.present++;
    else out.absent++;
    if (w.acked && !intact) {
      out.lost++;
      if (out.lostKeys.length < LOST_KEYS_KEPT) out.lostKeys.push(w.key);
    }
    if (!w.acked && intact) out.unackedPresent++;
  });
  return out;
}
