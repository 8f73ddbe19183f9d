// Dashboard login: the user's credentials go to the dashboard's /api/login (which asks auth-service),
// and come back as a short-lived token, used as the MQTT password. The password is not kept.

/** Shows the form until a login succeeds; resolves to {username, token}. */
export function logIn(reason) {
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
      resolve({ username, token: body.token });
    };
  });
}
