// The dashboard page: reads its settings, connects to an edge over MQTT/WebSocket, routes each
// message into the fleet store and the topic tree, and renders the visible view once a second.
// Message handling only updates plain data; all drawing happens in the render tick, so a busy
// fleet costs a little work per message and never a DOM update per message.

import { MqttLink } from './mqtt-link.js';
import { FleetStore } from './fleet-store.js';
import { TopicTree } from './topic-tree.js';
import { FleetView } from './fleet-view.js';
import { VehicleView } from './vehicle-view.js';
import { ExplorerView } from './explorer-view.js';
import { PageStats } from './stats.js';
import { Session } from './login.js';
import { Api } from './api.js';
import { MapView } from './map-view.js';
import { OperationsView } from './operations-view.js';

const RENDER_EVERY_MS = 1000;
const HISTORY_LOADS_AT_ONCE = 4;

async function start() {
  const config = await (await fetch('api/config')).json();
  const { mqtt, limits } = config;
  const session = new Session();
  const api = new Api(session);
  if (config.login) {
    if (!session.restore()) {
      await session.logIn();
    }
    mqtt.username = session.username;
    mqtt.password = session.token;
    // a log out, or a login that could not be refreshed: start over with the form (a reload is the simplest
    // way to drop the connection, the subscriptions and everything the page kept for that user)
    session.onEnded = () => window.location.reload();
    document.getElementById('logout').addEventListener('click', () => session.logOut());
  }
  // the operations view only for users the dashboard lets see it (and then this edge's $SYS too)
  const operations = new OperationsView(api);
  let operationsAllowed = false;
  try {
    await operations.refresh();
    operationsAllowed = !operations.error;
  } catch (e) {
    operationsAllowed = false;
  }
  document.getElementById('tab-operations').hidden = !operationsAllowed;
  const prefix = mqtt.fleetPrefix;
  const store = new FleetStore(limits);
  const tree = new TopicTree(limits);
  const stats = new PageStats();
  const decoder = new TextDecoder();
  window.tributaryStats = () => stats.snapshot();

  const stateBadge = document.getElementById('connection-state');
  // '#' already covers the fleet; subscribing to both would send every retained message twice
  // (once per matching subscription, as MQTT asks), so the explorer's '#' stands alone.
  const filters = mqtt.explorerFilters.includes('#') ? ['#'] : [prefix + '/#', ...mqtt.explorerFilters];
  if (operationsAllowed) {
    filters.push('$SYS/#');
  }
  const link = new MqttLink(mqtt, filters,
    (topic, payload, retained) => {
      const now = Date.now();
      stats.messages++;
      tree.message(topic, payload, retained, now);
      if (topic.startsWith('$SYS/')) {
        operations.sysMessage(topic, decoder.decode(payload));
        return;
      }
      const levels = topic.split('/');
      if (levels[0] !== prefix || levels.length < 3) {
        return;
      }
      const id = levels[1];
      const kind = levels.slice(2).join('/');
      if (kind === 'telemetry') {
        store.telemetry(id, decoder.decode(payload), now);
      } else if (kind === 'status') {
        store.status(id, decoder.decode(payload));
      } else if (kind === 'commands/ack') {
        store.acknowledgement(id, decoder.decode(payload), now);
      }
    },
    (state, detail) => {
      stats.connection(state);
      stateBadge.textContent = state;
      stateBadge.className = 'state ' + state;
      stateBadge.title = detail || '';
    });

  if (config.login) {
    link.onRefused = async () => {
      session.clear();
      await session.logIn('the edge refused the login (an expired token?): log in again');
      link.setCredentials(session.username, session.token);
      show(active);
      link.start();
    };
    // a refreshed token is the password of the next (re)connect
    session.onToken = (username, token) => link.setCredentials(username, token);
  }

  const views = {};
  let active = 'fleet';
  const show = (name) => {
    active = name;
    for (const button of document.querySelectorAll('nav button')) {
      button.classList.toggle('active', button.dataset.view === name);
    }
    for (const section of document.querySelectorAll('.view')) {
      section.hidden = section.id !== 'view-' + name;
    }
    if (name === 'map') {
      views.map.shown();
    }
    render();
  };
  views.fleet = new FleetView(store, limits, (id) => {
    views.fleet.selected = id;
    views.vehicle.show(id);
    show('vehicle');
  });
  views.vehicle = new VehicleView(store, link, prefix, api);
  views.explorer = new ExplorerView(tree);
  views.map = new MapView(store, config.map, (id) => {
    views.vehicle.show(id);
    show('vehicle');
  });
  views.operations = operations;
  window.tributaryMap = () => views.map.snapshot();
  for (const button of document.querySelectorAll('nav button')) {
    button.addEventListener('click', () => show(button.dataset.view));
  }
  show('fleet');

  function render() {
    const started = performance.now();
    views[active].render(Date.now());
    document.getElementById('message-rate').textContent = Math.round(stats.rate) + ' msg/s';
    stats.render.add(performance.now() - started);
  }

  let lastTick = performance.now();
  setInterval(() => {
    const now = performance.now();
    const elapsed = (now - lastTick) / 1000;
    lastTick = now;
    tree.tick(elapsed);
    loadHistories();
    stats.tick(elapsed);
    render();
  }, RENDER_EVERY_MS);

  // Every vehicle the page learns of starts with its last minutes from Kafka: tracks and charts are not
  // empty after a reload. A few loads at a time; a vehicle the user may not read (403) is not asked again.
  const historyAsked = new Set();
  let historyLoading = 0;
  window.tributaryHistoryLoads = { done: 0, failed: 0, samples: 0 };
  function loadHistories() {
    if (config.login && !session.token) {
      return;
    }
    for (const id of store.sortedIds()) {
      if (historyLoading >= HISTORY_LOADS_AT_ONCE) {
        return;
      }
      if (historyAsked.has(id)) {
        continue;
      }
      historyAsked.add(id);
      historyLoading++;
      api.history(id, config.historyMinutes).then((samples) => {
        window.tributaryHistoryLoads.samples += store.fillHistory(id, samples);
        window.tributaryHistoryLoads.done++;
      }).catch(() => {
        window.tributaryHistoryLoads.failed++;
      }).finally(() => {
        historyLoading--;
      });
    }
  }

  link.start();
}

start().catch((e) => {
  const badge = document.getElementById('connection-state');
  badge.textContent = 'failed';
  badge.className = 'state offline';
  badge.title = String(e);
});
