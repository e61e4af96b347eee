import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import { t } from '../i18n';
import { ErrorMessage, fieldError } from './common';

// The pieces the hotline editor's sections share: a labelled field that shows the API's
// error for it, a checkbox, and the "listen" button for a prompt.

// An element id for an API field name such as `schedule.weekly[2].from`.
export function fieldId(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '');
}

export type InputProps = Record<string, unknown>;

// A labelled input for the API field `name`: its hint and the API's message for it (from
// `error`, a failed save) are tied to the input by aria-describedby.
export function Field(props: { name: string; label: string | JSX.Element; error: unknown;
  hint?: string; input: (props: InputProps) => JSX.Element }) {
  const id = fieldId(props.name);
  const problem = fieldError(props.error, props.name);
  const described = [props.hint ? `${id}-hint` : '', problem ? `${id}-error` : '']
    .filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={`hotline-${id}`}>{props.label}</label>
      {props.hint && <p id={`${id}-hint`} class="hint">{props.hint}</p>}
      {props.input({ id: `hotline-${id}`, 'aria-invalid': problem ? 'true' : undefined,
        'aria-describedby': described || undefined })}
      {problem && <p id={`${id}-error`} class="field-error">{problem}</p>}
    </div>
  );
}

// One choice of several as radio buttons in a group named by `legend`.
export function Choice<T extends string>(props: { name: string; legend: string; value: T;
  options: readonly { value: T; label: string }[]; onChange: (value: T) => void }) {
  return (
    <fieldset class="choice">
      <legend>{props.legend}</legend>
      {props.options.map((option) => (
        <div class="row" key={option.value}>
          <input type="radio" id={`${fieldId(props.name)}-${option.value}`} name={props.name}
            value={option.value} checked={props.value === option.value}
            onChange={() => props.onChange(option.value)} />
          <label for={`${fieldId(props.name)}-${option.value}`}>{option.label}</label>
        </div>
      ))}
    </fieldset>
  );
}

export function inputValue(event: Event): string {
  return (event.target as HTMLInputElement).value;
}

// A "listen" button for a prompt: the API speaks the text as the phone line would
// (POST /v1/tts/preview), and an audio player plays it from a blob: URL (the console's CSP
// allows media from blob:).
export function Listen(props: { label: string; text: string; language: string }) {
  const text = t();
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [nothing, setNothing] = useState(false);  // the text is empty: nothing to ask for
  const player = useRef<HTMLAudioElement>(null);
  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);
  useEffect(() => { player.current?.play().catch(() => undefined); }, [url]);

  const listen = async () => {
    setError(null);
    setNothing(!props.text.trim());
    if (!props.text.trim()) return;
    setBusy(true);
    try {
      const audio = await api.previewPrompt({ text: props.text, language: props.language || undefined });
      setUrl(URL.createObjectURL(audio));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="listen">
      <button type="button" onClick={listen} disabled={busy} aria-label={text.listenTo(props.label)}>
        {text.listen}</button>
      {url && <audio ref={player} controls src={url} aria-label={text.previewOf(props.label)} />}
      {nothing && <p class="field-error" role="status">{text.listenNothing}</p>}
      <ErrorMessage error={error} />
    </div>
  );
}
