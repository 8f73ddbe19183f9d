// Dashboard login: the user's credentials go to the dashboard's /api/login (which asks auth-service),
// and come back as a short-lived token, used as the MQTT password and as the bearer of the page's API
// calls. The password is not kept. The token is kept in sessionStorage (this tab only, gone when the tab
// closes), so a reload reconnects without asking again; it is refreshed before it expires, and
// "Log out" ends it at the dashboard and at auth-service.

const KEY = 'tributary.session';
// refresh when this share of the token's life has passed (at least REFRESH_MARGIN_MS before it expires)
const REFRESH_AT = 0.7;
const REFRESH_MARGIN_MS = 3000;

export class Session {
  constructor() {
    this.username = null;
    this.token = null;
    this.expiresAt = 0;
    this.timer = null;
    this.onToken = () => {};
    this.onEnded = () => {};
  }

  /** The kept login if its token is still valid for a moment; false otherwise. */
  restore() {
    const kept = parseJson(sessionStorage.getItem(KEY));
    if (!kept || !kept.token || kept.expiresAt < Date.now() + REFRESH_MARGIN_MS) {
      sessionStorage.removeItem(KEY);
      return false;
    }
    this.set(kept.username, kept.token, kept.expiresAt, kept.issuedAt);
    return true;
  }

  /** Shows the form until a login succeeds; resolves when it has. */
  logIn(reason) {
    const form = document.getElementById('login');
    const error = document.getElementById('login-error');
    error.textContent = reason || '';
    form.hidden = false;
    for (const view of document.querySelectorAll('.view')) {
      view.hidden = true;
    }
    return new Promise((resolve) => {
      form.onsubmit = async (event) => {
        event.preventDefault();
        const username = document.getElementById('login-user').value;
        const password = document.getElementById('login-password');
        const answer = await fetch('api/login', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username, password: password.value }),
        });
        password.value = '';
        const body = await answer.json().catch(() => ({}));
        if (!answer.ok) {
          error.textContent = body.error || 'login failed (' + answer.status + ')';
          return;
        }
        form.hidden = true;
        this.set(username, body.token, expiry(body.expiresAt), Date.now());
        resolve();
      };
    });
  }

  set(username, token, expiresAt, issuedAt) {
    this.username = username;
    this.token = token;
    this.expiresAt = expiresAt;
    sessionStorage.setItem(KEY, JSON.stringify({ username, token, expiresAt, issuedAt }));
    document.getElementById('logout').hidden = false;
    document.getElementById('user-name').textContent = username;
    clearTimeout(this.timer);
    const life = expiresAt - issuedAt;
    const at = Math.min(issuedAt + life * REFRESH_AT, expiresAt - REFRESH_MARGIN_MS);
    this.timer = setTimeout(() => this.refresh(), Math.max(0, at - Date.now()));
  }

  async refresh() {
    let answer;
    try {
      answer = await fetch('api/login/refresh', { method: 'POST', headers: this.headers() });
    } catch (e) {
      answer = null;
    }
    if (answer && answer.ok) {
      const body = await answer.json();
      this.set(this.username, body.token, expiry(body.expiresAt), Date.now());
      this.onToken(this.username, this.token);
    } else if (answer && answer.status === 401) {
      this.clear();
      this.onEnded('your login ended: log in again');
    } else {
      // the dashboard or auth-service is unreachable: try again while the token lives
      this.timer = setTimeout(() => this.refresh(), Math.min(5000, Math.max(0, this.expiresAt - Date.now() - 1000)));
    }
  }

  /** Ends the token at the dashboard and auth-service, forgets it, and shows the login form. */
  async logOut() {
    const headers = this.headers();
    this.clear();
    await fetch('api/login/end', { method: 'POST', headers }).catch(() => {});
    this.onEnded('logged out');
  }

  clear() {
    clearTimeout(this.timer);
    sessionStorage.removeItem(KEY);
    this.token = null;
    document.getElementById('logout').hidden = true;
    document.getElementById('user-name').textContent = '';
  }

  headers() {
    return this.token ? { Authorization: 'Bearer ' + this.token } : {};
  }
}

/** auth-service's expiresAt: an ISO instant, or seconds since the epoch. */
function expiry(value) {
  return typeof value === 'number' ? value * 1000 : Date.parse(value);
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}
