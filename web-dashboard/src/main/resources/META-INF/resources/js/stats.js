// Responsiveness figures the page keeps about itself, read by the load benchmark through
// window.tributaryStats(): how late a 100 ms timer fires (main-thread lag), how long a
// render takes, how many messages arrive, and the long tasks Chromium reports.

const SAMPLES = 600;
const STATES_KEPT = 20;

class Ring {
  constructor() {
    this.values = new Float64Array(SAMPLES);
    this.size = 0;
    this.next = 0;
  }

  add(value) {
    this.values[this.next] = value;
    this.next = (this.next + 1) % SAMPLES;
    this.size = Math.min(this.size + 1, SAMPLES);
  }

  /** Nearest-rank percentile of the kept samples. */
  percentile(p) {
    if (this.size === 0) {
      return 0;
    }
    const sorted = Array.from(this.values.subarray(0, this.size)).sort((a, b) => a - b);
    return sorted[Math.min(this.size - 1, Math.ceil((p / 100) * this.size) - 1)];
  }
}

export class PageStats {
  constructor() {
    this.messages = 0;
    this.messagesAtTick = 0;
    this.rate = 0;
    this.lag = new Ring();
    this.render = new Ring();
    this.longTasks = 0;
    this.states = []; // the connection states shown, oldest first, the last STATES_KEPT of them
    let expected = performance.now() + 100;
    setInterval(() => {
      const now = performance.now();
      this.lag.add(Math.max(0, now - expected));
      expected = now + 100;
    }, 100);
    if (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes.includes('longtask')) {
      new PerformanceObserver((list) => { this.longTasks += list.getEntries().length; })
        .observe({ entryTypes: ['longtask'] });
    }
  }

  connection(state) {
    this.states.push(state);
    if (this.states.length > STATES_KEPT) {
      this.states.shift();
    }
  }

  tick(elapsedSeconds) {
    this.rate = (this.messages - this.messagesAtTick) / elapsedSeconds;
    this.messagesAtTick = this.messages;
  }

  snapshot() {
    return {
      messages: this.messages,
      messagesPerSecond: this.rate,
      lagP50Ms: this.lag.percentile(50),
      lagP99Ms: this.lag.percentile(99),
      lagMaxMs: this.lag.percentile(100),
      renderP50Ms: this.render.percentile(50),
      renderP99Ms: this.render.percentile(99),
      longTasks: this.longTasks,
      states: [...this.states],
      heapBytes: performance.memory ? performance.memory.usedJSHeapSize : null,
    };
  }
}
