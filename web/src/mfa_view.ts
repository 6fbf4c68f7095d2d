// Two-factor sign-in in the browser: the account card (set up with a QR code drawn by the `qrcode` package,
// enable with a first code, the recovery codes shown once, turn off with password and code) and the second step
// of signing in (a code, or a recovery code).
import QRCode from 'qrcode';
import { ApiError, call, get, post } from './api';
import { field } from './dialog';
import { h } from './dom';
import { errorText } from './selection';
import { verifyMfa } from './session';

interface MfaStatus {
  enabled: boolean;
  pending: boolean;
  recoveryCodesLeft: number;
}

const codeInput = (name = 'code') =>
  h('input', { name, inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9 ]{6,7}', maxlength: 7, required: true });

function problem(err: unknown, fallback: string): string {
  if (err instanceof ApiError) {
    if (err.code === 'wrong_code' || err.code === 'mfa_code_invalid') return 'That code is not right, or was used already.';
    if (err.code === 'wrong_password') return 'The password is not right.';
    if (err.code === 'mfa_token_invalid') return 'This sign-in took too long; please start again.';
  }
  return errorText(err, fallback);
}

// The "Two-factor sign-in" card of /account.
export function mfaSection(): HTMLElement {
  const body = h('div', { class: 'mfa-card' });
  const card = h('section', { class: 'card', 'aria-label': 'Two-factor sign-in' }, h('h2', {}, 'Two-factor sign-in'), body);
  const error = () => h('p', { class: 'form-error', role: 'alert' });

  const showRecoveryCodes = (codes: string[]) => {
    body.replaceChildren(
      h('p', {}, 'Two-factor sign-in is on. Keep these recovery codes somewhere safe: each signs you in once if you lose your phone. They are shown only now.'),
      h('ul', { class: 'recovery-codes', 'aria-label': 'Recovery codes' }, ...codes.map((c) => h('li', {}, h('code', {}, c)))),
      h('button', { type: 'button', class: 'primary', onclick: () => void refresh() }, 'I have saved them'),
    );
  };

  const showSetup = async () => {
    const setup = await post<{ secret: string; otpauthUrl: string }>('/api/auth/mfa/setup');
    // A canvas, not a data: image: the page's Content-Security-Policy allows images from us only.
    const qr = h('canvas', { class: 'mfa-qr', role: 'img', 'aria-label': 'QR code for your authenticator app' });
    await QRCode.toCanvas(qr, setup.otpauthUrl, { width: 200, margin: 1 });
    const code = codeInput();
    const err = error();
    const form = h('form', { class: 'edit-form' },
      h('p', {}, 'Scan this code with an authenticator app (or type the key in), then enter the 6-digit code it shows.'),
      qr,
      h('p', {}, 'Key: ', h('code', { class: 'mfa-secret' }, setup.secret)),
      field('Code from the app', code),
      err,
      h('button', { type: 'submit', class: 'primary' }, 'Turn on'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      err.textContent = '';
      try {
        const enabled = await post<{ recoveryCodes: string[] }>('/api/auth/mfa/enable', { code: code.value });
        showRecoveryCodes(enabled.recoveryCodes);
      } catch (x) {
        err.textContent = problem(x, 'Could not turn two-factor sign-in on');
      }
    });
    body.replaceChildren(form);
    code.focus();
  };

  const showOn = (s: MfaStatus) => {
    const password = h('input', { type: 'password', name: 'password', required: true, autocomplete: 'current-password' });
    const code = codeInput();
    const err = error();
    const form = h('form', { class: 'edit-form' },
      field('Password', password), field('Code from the app', code), err,
      h('button', { type: 'submit', class: 'danger' }, 'Turn off'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      err.textContent = '';
      try {
        await call<void>('/api/auth/mfa', { method: 'DELETE', body: { password: password.value, code: code.value }, retryOn401: false });
        await refresh();
      } catch (x) {
        err.textContent = problem(x, 'Could not turn two-factor sign-in off');
      }
    });
    body.replaceChildren(
      h('p', { class: 'mfa-state' }, `Two-factor sign-in is on. ${s.recoveryCodesLeft} recovery codes left.`),
      form,
    );
  };

  const refresh = async () => {
    const s = await get<MfaStatus>('/api/auth/mfa');
    if (s.enabled) return showOn(s);
    body.replaceChildren(
      h('p', { class: 'mfa-state' }, 'Two-factor sign-in is off. With it on, signing in also needs a code from an app on your phone.'),
      h('button', { type: 'button', class: 'primary', onclick: () => void showSetup().catch((x) => (body.textContent = errorText(x, 'Could not start'))) }, 'Set up two-factor sign-in'),
    );
  };
  void refresh().catch(() => body.replaceChildren(h('p', { class: 'muted' }, 'Not available.')));
  return card;
}

// The second step of signing in, in place of the sign-in form; `restart` goes back to the password.
export function mfaStep(form: HTMLElement, mfaToken: string, restart: () => void): void {
  let recovery = false;
  const input = codeInput();
  const err = h('p', { class: 'form-error', role: 'alert' });
  const label = h('span', {}, 'Code from your authenticator app');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Verify');
  const toggle = h('button', { type: 'button', class: 'link' }, 'Use a recovery code');
  toggle.addEventListener('click', () => {
    recovery = !recovery;
    label.textContent = recovery ? 'Recovery code' : 'Code from your authenticator app';
    toggle.textContent = recovery ? 'Use a code from the app' : 'Use a recovery code';
    input.name = recovery ? 'recoveryCode' : 'code';
    input.removeAttribute('pattern');
    input.maxLength = recovery ? 20 : 7;
    if (!recovery) input.setAttribute('pattern', '[0-9 ]{6,7}');
    input.value = '';
    input.focus();
  });
  const step = h('form', { class: 'auth-form', 'aria-labelledby': 'mfa-title' },
    h('h1', { id: 'mfa-title' }, 'Two-factor sign-in'),
    h('label', { class: 'field' }, label, input), err, submit,
    h('p', {}, toggle, ' · ', h('button', { type: 'button', class: 'link', onclick: restart }, 'Start again')));
  step.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.textContent = '';
    submit.disabled = true;
    try {
      await verifyMfa(mfaToken, recovery ? { recoveryCode: input.value } : { code: input.value });
    } catch (x) {
      err.textContent = problem(x, 'Could not sign in');
      submit.disabled = false;
      if (x instanceof ApiError && x.code === 'mfa_token_invalid') restart();
    }
  });
  form.replaceWith(step);
  input.focus();
}
