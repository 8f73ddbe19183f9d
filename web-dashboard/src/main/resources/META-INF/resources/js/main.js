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
import { logIn } from './login.js';

const RENDER_EVERY_MS = 1000;

async function start() {
  const config = await (await fetch('api/config')).json();
  const { mqtt, limits } = config;
  if (config.login) {
    const { username, token } = await logIn();
    mqtt.username = username;
    mqtt.password = token;
  }
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
  const link = new MqttLink(mqtt, filters,
    (topic, payload, retained) => {
      const now = Date.now();
      stats.messages++;
      tree.message(topic, payload, retained, now);
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
      const { username, token } = await logIn('the edge refused the login (an expired token?): log in again');
      link.setCredentials(username, token);
      show(active);
      link.start();
    };
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
    render();
  };
  views.fleet = new FleetView(store, limits, (id) => {
    views.fleet.selected = id;
    views.vehicle.show(id);
    show('vehicle');
  });
  views.vehicle = new VehicleView(store, link, prefix);
  views.explorer = new ExplorerView(tree);
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
    stats.tick(elapsed);
    render();
  }, RENDER_EVERY_MS);

  link.start();
}

start().catch((e) => {
  const badge = document.getElementById('connection-state');
  badge.textContent = 'failed';
  badge.className = 'state offline';
  badge.title = String(e);
});
