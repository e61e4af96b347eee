import { useRef } from 'preact/hooks';
import type { Schemas } from '../api/client';
import { t } from '../i18n';
import { Choice, Field, fieldId, inputValue } from './hotline_fields';

type Schedule = Schemas['Schedule'];
type OpeningRange = Schemas['OpeningRange'];

const kDays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

// The browser's IANA time zone, the likeliest one for a new schedule.
function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

// The time zones the browser knows, offered while typing (the server's list is the judge).
function knownTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

// What a hotline gets when its admin first limits its hours: weekdays 09:00–17:00 in the
// browser's time zone, a start to change rather than an empty form (decision 0079).
function officeHours(): Schedule {
  return { timeZone: browserTimeZone(), closedDates: [],
    weekly: kDays.slice(0, 5).map((day) => ({ day, from: '09:00', to: '17:00' })) };
}

// The API fields this section shows for `schedule`, so that the form's summary of errors
// leaves them to their fields.
export function scheduleFieldNames(schedule: Schedule | null): string[] {
  if (!schedule) return [];
  return ['schedule', 'schedule.timeZone', 'schedule.weekly', 'schedule.closedDates',
    ...schedule.weekly.flatMap((_, i) => ['day', 'from', 'to'].map((f) => `schedule.weekly[${i}].${f}`)),
    ...(schedule.closedDates ?? []).map((_, i) => `schedule.closedDates[${i}]`)];
}

// The opening hours (`schedule`, decision 0042): always open (null), or weekly ranges in a
// time zone with closed dates. Times are typed as HH:MM text, because a time input cannot hold
// the API's 24:00.
export function ScheduleEditor(props: { schedule: Schedule | null; error: unknown;
  onChange: (schedule: Schedule | null) => void }) {
  const text = t();
  // Switching to "always open" and back within one visit keeps what was typed.
  const lastSchedule = useRef<Schedule | null>(props.schedule);
  if (props.schedule) lastSchedule.current = props.schedule;
  const { schedule, error } = props;
  const change = (next: Partial<Schedule>) => props.onChange({ ...schedule!, ...next });
  const setRange = (index: number, next: Partial<OpeningRange>) => change({
    weekly: schedule!.weekly.map((range, i) => (i === index ? { ...range, ...next } : range)) });
  const closedDates = schedule?.closedDates ?? [];

  return (
    <fieldset class="section">
      <legend>{text.openingHours}</legend>
      <Choice name="schedule-kind" legend={text.openingHoursKind}
        value={schedule ? 'limited' : 'always'}
        options={[{ value: 'always', label: text.alwaysOpen },
          { value: 'limited', label: text.openAtTimes }]}
        onChange={(kind) => props.onChange(kind === 'always' ? null
          : lastSchedule.current ?? officeHours())} />
      {schedule && <>
        <Field name="schedule.timeZone" label={text.timeZone} hint={text.timeZoneHint}
          error={error} input={(p) => <input {...p} list="time-zones" autocomplete="off"
            value={schedule.timeZone} onInput={(e) => change({ timeZone: inputValue(e) })} />} />
        <datalist id="time-zones">
          {knownTimeZones().map((zone) => <option key={zone} value={zone} />)}
        </datalist>
        <h2 id="weekly-heading">{text.weeklyHours}</h2>
        <p class="hint" id="weekly-hint">{text.weeklyHoursHint}</p>
        {schedule.weekly.length === 0 && <p>{text.neverOpen}</p>}
        <ol class="ranges" aria-labelledby="weekly-heading" aria-describedby="weekly-hint">
          {schedule.weekly.map((range, i) => (
            <li key={i} class="range">
              <Field name={`schedule.weekly[${i}].day`} error={error}
                label={<><span class="visually-hidden">{text.openingTime(i + 1)}: </span>{text.weekday}</>}
                input={(p) => <select {...p} value={range.day}
                  onChange={(e) => setRange(i, { day: inputValue(e) as OpeningRange['day'] })}>
                  {kDays.map((day) => <option key={day} value={day}>{text.dayName[day]}</option>)}
                </select>} />
              <Field name={`schedule.weekly[${i}].from`} error={error}
                label={<><span class="visually-hidden">{text.openingTime(i + 1)}: </span>{text.fromTime}</>}
                input={(p) => <input {...p} class="time" inputMode="numeric" maxLength={5}
                  placeholder="09:00" value={range.from}
                  onInput={(e) => setRange(i, { from: inputValue(e) })} />} />
              <Field name={`schedule.weekly[${i}].to`} error={error}
                label={<><span class="visually-hidden">{text.openingTime(i + 1)}: </span>{text.toTime}</>}
                input={(p) => <input {...p} class="time" inputMode="numeric" maxLength={5}
                  placeholder="17:00" value={range.to}
                  onInput={(e) => setRange(i, { to: inputValue(e) })} />} />
              <button type="button" class="secondary"
                aria-label={text.removeOpeningTime(i + 1, text.dayName[range.day] ?? range.day,
                  `${range.from}–${range.to}`)}
                onClick={() => change({ weekly: schedule.weekly.filter((_, j) => j !== i) })}>
                {text.remove}</button>
            </li>
          ))}
        </ol>
        <div class="row">
          <button type="button" class="secondary" onClick={() => {
            const last = schedule.weekly[schedule.weekly.length - 1];
            const day = last ? kDays[(kDays.indexOf(last.day) + 1) % 7] : 'mon';
            change({ weekly: [...schedule.weekly,
              { day, from: last?.from ?? '09:00', to: last?.to ?? '17:00' }] });
          }}>{text.addOpeningTime}</button>
        </div>
        <h2 id="closed-dates-heading">{text.closedDates}</h2>
        <p class="hint" id="closed-dates-hint">{text.closedDatesHint}</p>
        {closedDates.length > 0 && (
          <ul class="ranges" aria-labelledby="closed-dates-heading">
            {closedDates.map((day, i) => (
              <li key={i} class="range">
                <Field name={`schedule.closedDates[${i}]`} error={error}
                  label={text.closedDate(i + 1)}
                  input={(p) => <input {...p} type="date" value={day} onInput={(e) => change({
                    closedDates: closedDates.map((d, j) => (j === i ? inputValue(e) : d)) })} />} />
                <button type="button" class="secondary"
                  aria-label={text.removeClosedDate(i + 1, day)}
                  onClick={() => change({ closedDates: closedDates.filter((_, j) => j !== i) })}>
                  {text.remove}</button>
              </li>
            ))}
          </ul>
        )}
        <div class="row">
          <button type="button" class="secondary" aria-describedby="closed-dates-hint"
            onClick={() => {
              change({ closedDates: [...closedDates, ''] });
              // The new date's input is the one to type into next.
              setTimeout(() => document.getElementById(
                `hotline-${fieldId(`schedule.closedDates[${closedDates.length}]`)}`)?.focus(), 0);
            }}>{text.addClosedDate}</button>
        </div>
      </>}
    </fieldset>
  );
}
