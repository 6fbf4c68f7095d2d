// First run ("create the admin account"), sign in, and registration while it is open.
import { ApiError, call } from './api';
import { clear, h } from './dom';
import { mfaStep } from './mfa_view';
import { forgotPassword } from './password_reset_view';
import { type OidcSetup, oidcButton } from './oidc_button';
import { signIn } from './session';
import type { ServerFeatures } from './types';

interface Setup {
  setupRequired: boolean;
  registration: 'open' | 'closed' | 'unknown'; // unknown: the server did not say (then no hint either way)
  oidc?: OidcSetup;
}

type AuthOptions = Setup & { email: boolean };

type Mode = 'setup' | 'signin' | 'register';

export async function renderAuth(root: HTMLElement): Promise<void> {
  // Whether anyone may register, and whether a password-reset mail could leave at all (SMTP configured): the page
  // offers only what works. Either unknown: sign-in alone still works.
  const [setup, features] = await Promise.all([
    call<Setup>('/api/auth/setup', { retryOn401: false }).catch((): Setup => ({ setupRequired: false, registration: 'unknown' })),
    call<ServerFeatures>('/api/server/features', { retryOn401: false }).catch((): ServerFeatures => ({})),
  ]);
  show(root, { ...setup, email: features.email === true }, setup.setupRequired ? 'setup' : 'signin');
}

function field(label: string, input: HTMLInputElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

function show(root: HTMLElement, setup: AuthOptions, mode: Mode): void {
  clear(root);
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, minlength: 3, maxlength: 32 });
  const password = h('input', {
    name: 'password',
    type: 'password',
    required: true,
    autocomplete: mode === 'signin' ? 'current-password' : 'new-password',
    minlength: mode === 'signin' ? null : 8,
  });
  const displayName = h('input', { name: 'displayName', autocomplete: 'name' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h(
    'button',
    { type: 'submit', class: 'primary' },
    mode === 'setup' ? 'Create the admin account' : mode === 'register' ? 'Create account' : 'Sign in',
  );
  const form = h(
    'form',
    { class: 'auth-form', 'aria-labelledby': 'auth-title' },
    h('div', { class: 'brand-large' }, h('img', { src: '/favicon.svg', alt: '', width: 40, height: 40 }), 'Obscura'),
    h(
      'h1',
      { id: 'auth-title' },
      mode === 'setup' ? 'Welcome' : mode === 'register' ? 'Create an account' : 'Sign in',
    ),
    mode === 'setup' &&
      h('p', { class: 'muted' }, 'No account exists yet. The first account you create here is the administrator.'),
    field('Username', username),
    mode !== 'signin' && field('Display name (optional)', displayName),
    field('Password', password),
    error,
    submit,
    mode === 'signin' && oidcButton(setup.oidc),
    mode === 'signin' &&
      setup.registration === 'open' &&
      h('p', {}, h('button', { type: 'button', class: 'link', onclick: () => show(root, setup, 'register') }, 'Create an account')),
    // Registration closed (auth.registration; by default once the first account exists): say who makes accounts.
    // Not beside a single sign-on button, which may create the account itself (auth.oidc.autoRegister).
    mode === 'signin' &&
      setup.registration === 'closed' &&
      !setup.oidc?.enabled &&
      h('p', { class: 'muted auth-hint', 'data-testid': 'registration-closed' }, 'New here? Ask the administrator of this server to create your account.'),
    mode === 'register' &&
      h('p', {}, h('button', { type: 'button', class: 'link', onclick: () => show(root, setup, 'signin') }, 'I have an account')),
    // Only when the server can send the mail (media.smtp.*): otherwise the form would promise a link that never comes.
    mode === 'signin' &&
      setup.email &&
      h('p', {}, h('button', { type: 'button', class: 'link', onclick: () => forgotPassword(root, () => show(root, setup, 'signin')) }, 'Forgot your password?')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      if (mode !== 'signin') {
        await call('/api/auth/register', {
          method: 'POST',
          retryOn401: false,
          body: { username: username.value, password: password.value, displayName: displayName.value || undefined },
        });
      }
      const signedIn = await signIn(username.value, password.value);
      if ('mfaToken' in signedIn) mfaStep(form, signedIn.mfaToken, () => show(root, setup, 'signin'));
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : 'The server could not be reached.';
      submit.disabled = false;
    }
  });
  root.appendChild(h('main', { class: 'auth-page' }, form));
  username.focus();
}
