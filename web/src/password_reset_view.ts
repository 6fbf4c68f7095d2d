// Password reset by e-mail: the "forgot password" form under sign-in, and /reset-password, the page the mailed
// link opens (its token in the query string).
import { ApiError, call } from './api';
import { clear, h } from './dom';
import { errorText } from './selection';

function page(root: HTMLElement, form: HTMLElement): void {
  clear(root);
  root.appendChild(h('main', { class: 'auth-page' }, form));
}

// In place of the sign-in form; `back` returns to it.
export function forgotPassword(root: HTMLElement, back: () => void): void {
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true });
  const note = h('p', { class: 'form-note', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Send the link');
  const form = h('form', { class: 'auth-form', 'aria-labelledby': 'forgot-title' },
    h('h1', { id: 'forgot-title' }, 'Forgot your password?'),
    h('p', { class: 'muted' }, 'Enter the e-mail address of your account: we send it a link to choose a new password.'),
    h('label', { class: 'field' }, h('span', {}, 'E-mail address'), email), note, submit,
    h('p', {}, h('button', { type: 'button', class: 'link', onclick: back }, 'Back to sign in')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    try {
      await call<void>('/api/auth/password-reset', { method: 'POST', body: { email: email.value }, retryOn401: false });
      note.textContent = 'If an account has this address, a link is on its way. It works once, for 30 minutes.';
    } catch (err) {
      note.textContent = errorText(err, 'Could not send the link');
      submit.disabled = false;
    }
  });
  page(root, form);
  email.focus();
}

// /reset-password?token=…
export function resetPasswordPage(root: HTMLElement): void {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const password = h('input', { type: 'password', name: 'newPassword', required: true, minlength: 8, autocomplete: 'new-password' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Set the new password');
  const toSignIn = () => {
    history.replaceState(null, '', '/');
    dispatchEvent(new PopStateEvent('popstate'));
  };
  const form = h('form', { class: 'auth-form', 'aria-labelledby': 'reset-title' },
    h('h1', { id: 'reset-title' }, 'Choose a new password'),
    h('label', { class: 'field' }, h('span', {}, 'New password'), password),
    h('small', { class: 'muted' }, 'At least 8 characters. Every session of the account ends.'),
    error, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      await call<void>('/api/auth/password-reset/confirm', { method: 'POST', body: { token, newPassword: password.value }, retryOn401: false });
      form.replaceChildren(
        h('h1', { id: 'reset-title' }, 'Password changed'),
        h('p', { role: 'status' }, 'Your password is changed. Sign in with it.'),
        h('button', { type: 'button', class: 'primary', onclick: toSignIn }, 'Sign in'));
    } catch (err) {
      error.textContent =
        err instanceof ApiError && err.code === 'reset_token_invalid'
          ? 'This link was used already or has expired. Ask for a new one from the sign-in page.'
          : errorText(err, 'Could not change the password');
      submit.disabled = false;
    }
  });
  page(root, form);
  password.focus();
}
