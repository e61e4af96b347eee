import { useEffect, useState } from 'preact/hooks';
import { api, type CallLog, type CallLogSummary, type TelephoneRecord } from '../api/client';
import { language, t } from '../i18n';
import { navigate } from '../router';
import { ErrorMessage, PageTitle } from './common';

const kOutcomes = ['answered', 'missed', 'abandoned', 'rejected_busy', 'blocked', 'closed',
  'failed'] as const;

// In the browser's time zone and language.
function when(time: string | null | undefined): string {
  if (!time) return '–';
  return new Date(time).toLocaleString(language() === 'de' ? 'de-DE' : 'en-GB',
    { dateStyle: 'medium', timeStyle: 'medium' });
}

// The browser-local date (YYYY-MM-DD) a call started on, for the date filter.
function localDay(time: string): string {
  const date = new Date(time);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

// /calls?hotline=ID: a hotline's call logs (admins; the API decides), newest first, 50 a page,
// filtered by outcome and day on the page shown; /calls?hotline=ID&call=ID adds one call's
// timeline and its legs (telephone records).
export function CallHistory() {
  const text = t();
  const query = new URLSearchParams(location.search);
  const hotlineID = Number(query.get('hotline')) || 0;
  const callID = Number(query.get('call')) || null;
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ callLogs: CallLogSummary[]; totalCallLogs: number } | null>(null);
  const [outcome, setOutcome] = useState('');
  const [day, setDay] = useState('');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => { api.callLogs(hotlineID, offset).then(setPage, setError); }, [hotlineID, offset]);

  const shown = (page?.callLogs ?? []).filter((call) =>
    (outcome === '' || (outcome === 'in_progress' ? call.outcome === null : call.outcome === outcome))
    && (day === '' || localDay(call.startTime) === day));
  const open = (id: number) => navigate(`/calls?hotline=${hotlineID}&call=${id}`);

  return (
    <section>
      <PageTitle>{text.callHistory}</PageTitle>
      <ErrorMessage error={error} />
      {callID && <CallDetail hotlineID={hotlineID} callID={callID} />}
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for="filter-outcome">{text.outcome}</label>
          <select id="filter-outcome" value={outcome}
            onChange={(event) => setOutcome((event.target as HTMLSelectElement).value)}>
            <option value="">{text.allOutcomes}</option>
            {kOutcomes.map((name) => <option key={name} value={name}>{text.outcomeName[name]}</option>)}
            <option value="in_progress">{text.inProgress}</option>
          </select>
        </div>
        <div class="field">
          <label for="filter-day">{text.day}</label>
          <input id="filter-day" type="date" value={day}
            onInput={(event) => setDay((event.target as HTMLInputElement).value)} />
        </div>
      </form>
      {page === null ? <p role="status">{text.loading}</p>
        : shown.length === 0 ? <p>{text.noCalls}</p>
        : (
          <table>
            <caption>{text.callsShown(shown.length, page.totalCallLogs)}</caption>
            <thead><tr><th scope="col">{text.started}</th><th scope="col">{text.caller}</th>
              <th scope="col">{text.outcome}</th><th scope="col">{text.duration}</th></tr></thead>
            <tbody>
              {shown.map((call) => (
                <tr key={call.id}>
                  <td><a href={`/calls?hotline=${hotlineID}&call=${call.id}`}
                    aria-current={call.id === callID ? 'true' : undefined}
                    onClick={(event) => { event.preventDefault(); open(call.id); }}>
                    {when(call.startTime)}</a></td>
                  <td>{call.caller ?? text.withheld}</td>
                  <td>{call.outcome ? text.outcomeName[call.outcome] ?? call.outcome : text.inProgress}</td>
                  <td>{call.durationSeconds} s</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      {page && page.totalCallLogs > 50 && (
        <div class="row">
          <button type="button" disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - 50))}>{text.newer}</button>
          <button type="button" disabled={offset + 50 >= page.totalCallLogs}
            onClick={() => setOffset(offset + 50)}>{text.older}</button>
        </div>
      )}
    </section>
  );
}

function CallDetail(props: { hotlineID: number; callID: number }) {
  const text = t();
  const [call, setCall] = useState<CallLog | null>(null);
  const [legs, setLegs] = useState<TelephoneRecord[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setCall(null);
    api.callLog(props.hotlineID, props.callID).then(setCall, setError);
    // The legs of one call are among the hotline's newest records while the call is recent.
    api.telephoneRecords(props.hotlineID, 0).then(
      (page) => setLegs(page.records.filter((leg) => leg.callLogID === props.callID)), setError);
  }, [props.hotlineID, props.callID]);
  if (error) return <ErrorMessage error={error} />;
  if (!call) return <p role="status">{text.loading}</p>;
  return (
    <article class="card" aria-labelledby="call-heading">
      <h2 id="call-heading">{text.callOf(when(call.startTime))}</h2>
      <p>{text.caller}: {call.caller ?? text.withheld} · {text.outcome}:{' '}
        {call.outcome ? text.outcomeName[call.outcome] ?? call.outcome : text.inProgress}</p>
      <h3>{text.timeline}</h3>
      <ol class="timeline">
        {call.entries.map((entry, index) => (
          <li key={index}><time dateTime={entry.time}>{when(entry.time)}</time>{' '}
            <strong>{text.entryName[entry.type] ?? entry.type}</strong>
            {entry.detail && <span class="detail"> – {entry.detail}</span>}</li>
        ))}
      </ol>
      <h3>{text.legs}</h3>
      {legs.length === 0 ? <p>{text.noLegs}</p> : (
        <ul class="list">
          {legs.map((leg) => (
            <li key={leg.id}>{leg.direction === 'inbound' ? text.inbound : text.outbound}:{' '}
              {leg.from ?? text.withheld} → {leg.to} · {leg.disposition} · {leg.billableSeconds} s</li>
          ))}
        </ul>
      )}
    </article>
  );
}
