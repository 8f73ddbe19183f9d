import { naturalOrder } from './natural-order.js';

// The page's picture of the fleet: latest values, online state and a bounded history per vehicle.
// Everything here is plain data; the views read it when they render, once a second.

export const FIELDS = ['speed', 'fuel', 'engineTemp', 'battery'];
const PLACE = ['lat', 'lon'];

/** A fixed-size ring of samples: time and one column per field, oldest overwritten first. */
class History {
  constructor(capacity) {
    this.capacity = capacity;
    this.times = new Float64Array(capacity);
    this.columns = Object.fromEntries(FIELDS.map((f) => [f, new Float32Array(capacity)]));
    this.place = Object.fromEntries(PLACE.map((f) => [f, new Float64Array(capacity)]));
    this.size = 0;
    this.next = 0;
  }

  add(time, values) {
    this.times[this.next] = time;
    FIELDS.forEach((f) => { this.columns[f][this.next] = values[f]; });
    PLACE.forEach((f) => { this.place[f][this.next] = values[f]; });
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** Every sample, oldest first, as {time, speed, …, lat, lon}. */
  samples() {
    const out = [];
    const start = (this.next - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) {
      const at = (start + i) % this.capacity;
      const s = { time: this.times[at] };
      FIELDS.forEach((f) => { s[f] = this.columns[f][at]; });
      PLACE.forEach((f) => { s[f] = this.place[f][at]; });
      out.push(s);
    }
    return out;
  }

  /**
   * Puts samples from the history endpoint ({ts, lat, lon, speed, …}, oldest first) before the live ones:
   * those older than the first live sample, the newest of them kept when the ring cannot hold all.
   */
  fillBefore(past) {
    const live = this.samples();
    const first = live.length ? live[0].time : Infinity;
    const older = past.filter((p) => typeof p.ts === 'number' && p.ts < first && typeof p.lat === 'number'
      && typeof p.lon === 'number').map((p) => ({ ...p, time: p.ts }));
    const all = older.concat(live).slice(-this.capacity);
    this.size = 0;
    this.next = 0;
    all.forEach((s) => this.add(s.time, s));
    return older.length;
  }

  /** The track, oldest first, as [lat, lon] pairs. */
  track() {
    const out = [];
    const start = (this.next - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) {
      const at = (start + i) % this.capacity;
      out.push([this.place.lat[at], this.place.lon[at]]);
    }
    return out;
  }

  /** The samples of one field, oldest first, as {x: seconds before now, y}. */
  points(field, now) {
    const out = [];
    const start = (this.next - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) {
      const at = (start + i) % this.capacity;
      out.push({ x: (this.times[at] - now) / 1000, y: this.columns[field][at] });
    }
    return out;
  }
}

export class FleetStore {
  constructor(limits) {
    this.limits = limits;
    this.vehicles = new Map();
    this.sorted = [];
    this.acks = [];
    this.version = 0; // bumped on every change, so views can skip a render when nothing moved
  }

  vehicle(id) {
    let v = this.vehicles.get(id);
    if (!v) {
      v = { id, online: null, since: null, lastSeen: null, latest: null, history: new History(this.limits.historySamples) };
      this.vehicles.set(id, v);
      this.sorted = null;
    }
    return v;
  }

  telemetry(id, text, receivedAt) {
    const t = parseJson(text);
    if (!t || typeof t.lat !== 'number' || typeof t.lon !== 'number') {
      return false;
    }
    const v = this.vehicle(id);
    v.latest = t;
    v.lastSeen = receivedAt;
    v.history.add(receivedAt, t);
    this.version++;
    return true;
  }

  /** Samples of the vehicle's past (from the history endpoint) put before its live ones; how many were added. */
  fillHistory(id, past) {
    const added = this.vehicle(id).history.fillBefore(past);
    this.version++;
    return added;
  }

  status(id, text) {
    const s = parseJson(text);
    if (!s || typeof s.online !== 'boolean') {
      return false;
    }
    const v = this.vehicle(id);
    v.online = s.online;
    v.since = s.since || null;
    this.version++;
    return true;
  }

  acknowledgement(id, text, receivedAt) {
    const ack = parseJson(text) || { raw: text };
    this.acks.unshift({ vehicle: id, receivedAt, ack });
    this.acks.length = Math.min(this.acks.length, this.limits.acknowledgements);
    this.version++;
  }

  /** Vehicle ids in natural order (v2 before v10), sorted again only when a vehicle joins. */
  sortedIds() {
    if (!this.sorted) {
      this.sorted = [...this.vehicles.keys()].sort(naturalOrder);
    }
    return this.sorted;
  }
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}
