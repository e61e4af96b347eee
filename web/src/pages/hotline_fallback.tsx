import type { Schemas } from '../api/client';
import { t } from '../i18n';
import { fieldError } from './common';
import { Choice, Field, inputValue, Listen } from './hotline_fields';

type Fallback = Schemas['Fallback'];
type Action = Fallback['action'];
type Where = 'noAnswer' | 'closed';

// Which of a fallback's fields the form shows: those of the chosen action, and any other the
// API found fault with (the API checks and keeps the fields of actions not chosen, decision
// 0054, so a bad one there must be visible to be fixed).
function shown(where: Where, fallback: Fallback, error: unknown) {
  const has = (field: string) => !!fieldError(error, `${where}.${field}`);
  return {
    message: where === 'closed' && (fallback.action === 'message' || !!fieldError(error, 'ttsClosed')),
    ttsVoicemail: fallback.action === 'voicemail' || has('ttsVoicemail'),
    maxSeconds: fallback.action === 'voicemail' || has('maxSeconds'),
    forwardTo: fallback.action === 'forward' || has('forwardTo'),
  };
}

// The API fields the section shows, so that the form's summary of errors leaves them out.
export function fallbackFieldNames(where: Where, fallback: Fallback, error: unknown): string[] {
  const visible = shown(where, fallback, error);
  return [`${where}.action`, ...(visible.message ? ['ttsClosed'] : []),
    ...(['ttsVoicemail', 'maxSeconds', 'forwardTo'] as const)
      .filter((field) => visible[field]).map((field) => `${where}.${field}`)];
}

// What a caller gets when nobody answers (`noAnswer`) or outside the opening hours (`closed`):
// a message, a voicemail or a forward (decision 0054). `ttsClosed` is the closed message.
export function FallbackEditor(props: { where: Where; fallback: Fallback; error: unknown;
  language: string; ttsClosed?: string; onChange: (fallback: Fallback) => void;
  onTtsClosed?: (ttsClosed: string) => void }) {
  const text = t();
  const { where, fallback, error } = props;
  const visible = shown(where, fallback, error);
  const change = (next: Partial<Fallback>) => props.onChange({ ...fallback, ...next });
  const title = where === 'noAnswer' ? text.whenNobodyAnswers : text.whenClosed;
  const name = (field: string) => `${where}.${field}`;
  // Both sections have the same fields: each label names its section for screen readers.
  const label = (visibleText: string) =>
    <>{visibleText}<span class="visually-hidden"> ({title})</span></>;
  return (
    <fieldset class="section">
      <legend>{title}</legend>
      <Choice<Action> name={name('action')} legend={text.fallbackAction} value={fallback.action}
        options={[
          { value: 'message', label: where === 'noAnswer' ? text.actionMessageNoAnswer : text.actionMessage },
          { value: 'voicemail', label: text.actionVoicemail },
          { value: 'forward', label: text.actionForward }]}
        onChange={(action) => change({ action })} />
      {fieldError(error, name('action')) && (
        <p class="field-error">{fieldError(error, name('action'))}</p>)}
      {visible.message && <>
        <Field name="ttsClosed" label={text.closedMessage} hint={text.closedMessageHint}
          error={error} input={(p) => <textarea {...p} maxLength={300} rows={2}
            value={props.ttsClosed ?? ''} onInput={(e) => props.onTtsClosed?.(inputValue(e))} />} />
        <Listen label={text.closedMessage} text={props.ttsClosed ?? ''} language={props.language} />
      </>}
      {visible.ttsVoicemail && <>
        <Field name={name('ttsVoicemail')} label={label(text.voicemailPrompt)}
          hint={text.voicemailPromptHint} error={error}
          input={(p) => <textarea {...p} maxLength={300} rows={2} value={fallback.ttsVoicemail}
            onInput={(e) => change({ ttsVoicemail: inputValue(e) })} />} />
        <Listen label={`${text.voicemailPrompt} (${title})`} text={fallback.ttsVoicemail}
          language={props.language} />
      </>}
      {visible.maxSeconds && (
        <Field name={name('maxSeconds')} label={label(text.maxSeconds)} error={error}
          input={(p) => <input {...p} type="number" min={10} max={600} step={1}
            value={fallback.maxSeconds} onInput={(e) => change({ maxSeconds: Number(inputValue(e)) })} />} />
      )}
      {visible.forwardTo && (
        <Field name={name('forwardTo')} label={label(text.forwardTo)} hint={text.forwardToHint}
          error={error} input={(p) => <input {...p} type="tel" autocomplete="off"
            value={fallback.forwardTo} onInput={(e) => change({ forwardTo: inputValue(e) })} />} />
      )}
    </fieldset>
  );
}
