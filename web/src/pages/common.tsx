import { useEffect, useRef } from 'preact/hooks';
import { ApiError } from '../api/client';
import { language, t } from '../i18n';

// The page's heading, focused when the page appears so that a screen reader announces it.
export function PageTitle(props: { children: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return <h1 tabIndex={-1} ref={heading}>{props.children}</h1>;
}

// A failure as one alert: the problem's detail and the field errors no field shows itself.
export function ErrorMessage(props: { error: unknown; shownFields?: string[] }) {
  if (!props.error) return null;
  const detail = props.error instanceof Error ? props.error.message : String(props.error);
  const others = props.error instanceof ApiError
    ? (props.error.problem?.errors ?? []).filter((e) => !props.shownFields?.includes(e.field))
    : [];
  const fieldErrors = props.error instanceof ApiError ? props.error.problem?.errors ?? [] : [];
  if (fieldErrors.length > 0 && others.length === 0) return null;  // each shown at its field
  return (
    <div class="error" role="alert">
      <p>{t().somethingWrong} {detail}</p>
      {others.length > 0 && (
        <ul>{others.map((e) => <li key={e.field}>{e.field}: {e.message}</li>)}</ul>
      )}
    </div>
  );
}

// The message for `field` from an ApiError's Problem Details, if any.
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldError(field) : undefined;
}

// A checkbox with its label after it.
export function Check(props: { id: string; label: string; checked: boolean;
  onChange: (checked: boolean) => void }) {
  return (
    <div class="row">
      <input id={props.id} type="checkbox" checked={props.checked}
        onChange={(event) => props.onChange((event.target as HTMLInputElement).checked)} />
      <label for={props.id}>{props.label}</label>
    </div>
  );
}

// A time in the browser's time zone and language; '–' for none.
export function when(time: string | null | undefined): string {
  if (!time) return '–';
  return new Date(time).toLocaleString(language() === 'de' ? 'de-DE' : 'en-GB',
    { dateStyle: 'medium', timeStyle: 'medium' });
}

// The clock time alone, for moments of today such as a live call's phase.
export function clockTime(time: string): string {
  return new Date(time).toLocaleTimeString(language() === 'de' ? 'de-DE' : 'en-GB');
}
