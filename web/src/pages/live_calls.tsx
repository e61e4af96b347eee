import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type LiveCall, type Schemas } from '../api/client';
import { t } from '../i18n';
import { clockTime, ErrorMessage, when } from './common';

// How often the list is read again while the page is visible (decision 0080).
const kPollMs = 3000;

// The calls in progress on a hotline (GET /v1/hotlines/{id}/calls), read again every few
// seconds while the page is visible and at once when it becomes visible again. `names` maps
// user ids to the members' names (empty when they cannot be read: ids are shown then).
export function LiveCalls(props: { hotlineID: number; names: Map<number, string> }) {
  const text = t();
  const [calls, setCalls] = useState<LiveCall[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let timer = 0;
    let busy = false;
    let stopped = false;
    const poll = async () => {
      window.clearTimeout(timer);
      // A hidden page does not ask; becoming visible starts the loop again.
      if (stopped || busy || document.visibilityState !== 'visible') return;
      busy = true;
      try {
        const page = await api.liveCalls(props.hotlineID);
        if (!stopped) { setCalls(page.calls); setError(null); }
      } catch (failure) {
        if (!stopped) setError(failure);
        // No access (or no such hotline) does not change by asking again.
        if (failure instanceof ApiError && [401, 403, 404].includes(failure.status)) stopped = true;
      } finally {
        busy = false;
      }
      if (!stopped) timer = window.setTimeout(poll, kPollMs);
    };
    document.addEventListener('visibilitychange', poll);
    poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', poll);
    };
  }, [props.hotlineID]);

  const agent = (phone: Schemas['LivePhone']) =>
    text.phoneOf(props.names.get(phone.userID) ?? text.userNumbered(phone.userID), phone.agentPhoneID);
  return (
    <section aria-labelledby="live-heading">
      <h2 id="live-heading">{text.liveCalls}</h2>
      <ErrorMessage error={error} />
      {/* Announced when the number changes, not at every refresh. */}
      {calls !== null && <p role="status">{text.liveCallsCount(calls.length)}</p>}
      {calls === null && !error && <p>{text.loading}</p>}
      {calls !== null && calls.length > 0 && (
        <table class="labelled" aria-labelledby="live-heading">
          <thead><tr><th scope="col">{text.started}</th><th scope="col">{text.caller}</th>
            <th scope="col">{text.phase}</th><th scope="col">{text.ringingPhones}</th>
            <th scope="col">{text.agentOnCall}</th></tr></thead>
          <tbody>
            {calls.map((call) => (
              <tr key={call.callLogID}>
                <td data-label={text.started}>{when(call.startTime)}</td>
                <td data-label={text.caller}>{call.caller ?? text.withheld}</td>
                <td data-label={text.phase}>{text.phaseName[call.phase] ?? call.phase}{' '}
                  <span class="detail">{text.since(clockTime(call.phaseSince))}</span></td>
                <td data-label={text.ringingPhones}>{call.ringing.length === 0 ? '–' : (
                  <ul class="plain">{call.ringing.map((phone) => (
                    <li key={phone.agentPhoneID}>{agent(phone)}{' '}
                      <span class="detail">{text.since(clockTime(phone.since))}</span></li>))}</ul>)}
                </td>
                <td data-label={text.agentOnCall}>
                  {call.connected ? agent(call.connected)
                    : call.confirming ? `${agent(call.confirming)} (${text.phaseName.confirming})`
                    : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
