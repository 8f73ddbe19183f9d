// The page's one MQTT connection to an edge, over WebSocket, with the Eclipse Paho client.
// Paho reconnects by itself only after a connection that once succeeded is lost, so the first
// connect is retried here, with backoff, until the edge answers.

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 10000;

export class MqttLink {
  /**
   * @param {object} settings  {url, username, password}; url may hold {host}, the page's own host name, and
   *   {ws}, ws on a page loaded over http and wss over https (browsers refuse ws from an https page)
   * @param {string[]} filters  subscribed after every (re)connect, as the session is clean
   * @param {(topic: string, payload: Uint8Array, retained: boolean) => void} onMessage
   * @param {(state: string, detail: string) => void} onState
   */
  constructor(settings, filters, onMessage, onState) {
    this.url = settings.url.replace('{host}', window.location.hostname)
      .replace('{ws}', window.location.protocol === 'https:' ? 'wss' : 'ws');
    this.username = settings.username;
    this.password = settings.password;
    this.filters = filters;
    this.onMessage = onMessage;
    this.onState = onState;
    this.retryMs = RETRY_MIN_MS;
    this.client = this.newClient();
  }

  /** A Paho client whose id is one the edge lets this user take: <username>-<suffix>. */
  newClient() {
    const suffix = 'dashboard-' + Math.random().toString(36).slice(2, 10);
    const client = new Paho.Client(this.url, this.username ? this.username + '-' + suffix : suffix);
    client.onMessageArrived = (m) => this.onMessage(m.destinationName, m.payloadBytes, m.retained);
    client.onConnectionLost = (response) => {
      // Paho's own reconnect takes over from here (reconnect: true)
      this.onState('reconnecting', response.errorMessage || 'connection lost');
    };
    client.onConnected = (reconnect, uri) => {
      this.retryMs = RETRY_MIN_MS;
      this.onState('connected', uri);
      this.filters.forEach((filter) => client.subscribe(filter, {
        qos: 1,
        onFailure: (r) => this.onState('connected', 'subscription to ' + filter + ' refused: ' + r.errorMessage),
      }));
    };
    return client;
  }

  start() {
    this.onState('connecting', this.url);
    const options = {
      cleanSession: true,
      keepAliveInterval: 30,
      reconnect: true,
      timeout: 5,
      onFailure: (response) => {
        // CONNACK 4 or 5: the credentials (a token that expired, say) will not get better by retrying
        if (this.onRefused && /return code:\s*[45]/.test(response.errorMessage || '')) {
          this.onState('offline', response.errorMessage);
          this.onRefused(response.errorMessage);
          return;
        }
        this.onState('offline', response.errorMessage + '; retrying in ' + this.retryMs / 1000 + ' s');
        setTimeout(() => this.start(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
      },
    };
    if (this.username) {
      options.userName = this.username;
      if (this.password) {
        options.password = this.password;
      }
    }
    this.client.connect(options);
  }

  /** New credentials (after a new login); used from the next connect on. */
  setCredentials(username, password) {
    const changed = username !== this.username;
    this.username = username;
    this.password = password;
    if (changed) {
      this.client = this.newClient(); // the client id names the user
    }
  }

  /** Publishes at QoS 1; false when there is no connection to publish on. */
  publish(topic, text) {
    if (!this.client.isConnected()) {
      return false;
    }
    this.client.send(topic, text, 1, false);
    return true;
  }
}
