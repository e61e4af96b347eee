import { useEffect, useState } from 'preact/hooks';
import { api, type CallLog, type CallLogSummary, type Hotline, type TelephoneRecord } from '../api/client';
import { t } from '../i18n';
import { navigate } from '../router';
import { ErrorMessage, PageTitle, when } from './common';
import { LiveCalls } from './live_calls';
import { Voicemails } from './voicemails';

const kOutcomes = ['answered', 'missed', 'abandoned', 'rejected_busy', 'blocked', 'closed',
  'voicemail', 'forwarded', 'failed'] as const;

// The start and end of a browser-local day (YYYY-MM-DD from the date input) as the API's
// `from` and `to`, so that "a day" is the day in the browser's time zone.
function dayBounds(day: string): { from: string; to: string } {
  const [year, month, date] = day.split('-').map(Number);
  return { from: new Date(year, month - 1, date).toISOString(),
    to: new Date(year, month - 1, date + 1).toISOString() };
}

// /calls?hotline=ID: a hotline's calls in progress, its voicemails, and its call logs (admins;
// the API decides), newest first, 50 a page, filtered by outcome and day on the server;
// /calls?hotline=ID&call=ID adds one call's timeline, its legs (telephone records) and its
// voicemail.
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
  const [hotline, setHotline] = useState<Hotline | null>(null);
  const [names, setNames] = useState(new Map<number, string>());

  // The hotline's name for the title, and its members' names for the live calls' agents;
  // without them the page still works (ids are shown).
  useEffect(() => {
    api.hotline(hotlineID).then((found) => {
      setHotline(found);
      return api.members(found.organizationID).then((page) =>
        setNames(new Map(page.members.map((member) => [member.userID, member.name]))));
    }).catch(() => undefined);
  }, [hotlineID]);

  useEffect(() => {
    setError(null);
    api.callLogs(hotlineID, offset, { outcome: outcome || undefined, ...(day ? dayBounds(day) : {}) })
      .then(setPage, setError);
  }, [hotlineID, offset, outcome, day]);

  const shown = page?.callLogs ?? [];
  const open = (id: number) => navigate(`/calls?hotline=${hotlineID}&call=${id}`);

  return (
    <section>
      <PageTitle>{hotline ? text.callHistoryOf(hotline.name) : text.callHistory}</PageTitle>
      <LiveCalls hotlineID={hotlineID} names={names} />
      <Voicemails hotlineID={hotlineID} />
      <h2>{text.calls}</h2>
      <ErrorMessage error={error} />
      {callID && <CallDetail hotlineID={hotlineID} callID={callID} />}
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for="filter-outcome">{text.outcome}</label>
          <select id="filter-outcome" value={outcome}
            onChange={(event) => { setOffset(0); setOutcome((event.target as HTMLSelectElement).value); }}>
            <option value="">{text.allOutcomes}</option>
            {kOutcomes.map((name) => <option key={name} value={name}>{text.outcomeName[name]}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="filter-day">{text.day}</label>
          <input id="filter-day" type="date" value={day}
            onInput={(event) => { setOffset(0); setDay((event.target as HTMLInputElement).value); }} />
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
      {call.voicemailID && <>
        <h3>{text.voicemail}</h3>
        <audio controls preload="metadata" aria-label={text.voicemailOf(when(call.startTime),
          call.caller ?? text.withheld)} src={api.voicemailAudioURL(props.hotlineID, call.voicemailID)} />
      </>}
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
