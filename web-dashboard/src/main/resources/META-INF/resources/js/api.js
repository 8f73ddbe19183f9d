// The dashboard backend's API, called with the session's token.

export class Api {
  constructor(session) {
    this.session = session;
  }

  /** The JSON answer, or throws an Error whose status is the HTTP status. */
  async get(path) {
    const answer = await fetch(path, { headers: this.session.headers() });
    if (!answer.ok) {
      const body = await answer.json().catch(() => ({}));
      const error = new Error(body.error || path + ': ' + answer.status);
      error.status = answer.status;
      throw error;
    }
    return answer.json();
  }

  history(id, minutes) {
    return this.get('api/vehicles/' + encodeURIComponent(id) + '/history?minutes=' + minutes);
  }

  stats(id, minutes) {
    return this.get('api/vehicles/' + encodeURIComponent(id) + '/stats?minutes=' + minutes);
  }
}
