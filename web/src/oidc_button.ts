// "Sign in with …" on the sign-in page when the server has an OpenID provider (auth.oidc.*, issue 24). A plain
// link, not a fetch: the browser itself must go to /api/oauth/authorize, on to the provider and back through the
// callback, which sets the session cookies and returns it to /.
import { h } from './dom';

export interface OidcSetup {
  enabled: boolean;
  buttonText?: string;
}

export function oidcButton(oidc: OidcSetup | undefined): HTMLElement | false {
  if (!oidc || !oidc.enabled) return false;
  return h(
    'p',
    { class: 'oidc-signin' },
    h('a', { class: 'button', href: '/api/oauth/authorize', 'data-testid': 'oidc-signin' }, oidc.buttonText || 'Sign in with SSO'),
  );
}
