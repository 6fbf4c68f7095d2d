// Modal dialogs on the native <dialog> (focus trapped, Escape closes, focus returns where it was).
import { h } from './dom';

export interface DialogHandle {
  element: HTMLDialogElement;
  close: () => void;
}

// A dialog with a title, a body and buttons; `onSubmit` runs on the form's submit and closes it unless it
// returns false (it shows its own error then).
export function openDialog(
  title: string,
  body: (Node | string)[],
  options: { submit?: string; onSubmit?: () => Promise<boolean | void>; cancel?: string; wide?: boolean } = {},
): DialogHandle {
  const returnFocus = document.activeElement as HTMLElement | null;
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = options.submit ? h('button', { type: 'submit', class: 'primary' }, options.submit) : null;
  const cancel = h('button', { type: 'button', class: 'secondary' }, options.cancel ?? (options.submit ? 'Cancel' : 'Close'));
  const form = h(
    'form',
    { class: 'dialog-form', method: 'dialog' },
    h('h2', {}, title),
    ...body,
    error,
    h('div', { class: 'dialog-buttons' }, cancel, submit),
  );
  const dialog = h('dialog', { class: options.wide ? 'dialog wide' : 'dialog', 'aria-label': title }, form);
  const close = () => {
    dialog.close();
    dialog.remove();
    returnFocus?.focus();
  };
  cancel.addEventListener('click', close);
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    close();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!options.onSubmit) return close();
    error.textContent = '';
    if (submit) submit.disabled = true;
    try {
      if ((await options.onSubmit()) !== false) close();
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : String(err);
    } finally {
      if (submit) submit.disabled = false;
    }
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  return { element: dialog, close };
}

export function field(label: string, input: HTMLElement, hint?: string): HTMLElement {
  const l = h('label', { class: 'field' }, h('span', {}, label), input);
  if (!hint) return l;
  // The hint outside the label (so it is not part of the field's name), tied to it as its description.
  const id = `hint-${Math.random().toString(36).slice(2, 10)}`;
  input.setAttribute('aria-describedby', id);
  return h('div', { class: 'field-with-hint' }, l, h('small', { class: 'muted', id }, hint));
}

// Writes text to the clipboard; falls back to selecting it in `input` when the API is not allowed.
export async function copyText(text: string, input?: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (input) {
      input.focus();
      input.select();
    }
    return false;
  }
}
