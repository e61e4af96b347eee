import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Hotline, type Me, type Membership } from '../api/client';
import { t } from '../i18n';
import { navigate } from '../router';
import { ErrorMessage, PageTitle } from './common';

export function Overview(props: { me: Me }) {
  const text = t();
  return (
    <section>
      <PageTitle>{text.overview}</PageTitle>
      <h2>{text.organizations}</h2>
      {props.me.memberships.map((membership) => (
        <Organization key={membership.organizationID} membership={membership} />
      ))}
    </section>
  );
}

function Organization(props: { membership: Membership }) {
  const text = t();
  const { membership } = props;
  const [hotlines, setHotlines] = useState<Hotline[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.hotlines(membership.organizationID).then((page) => setHotlines(page.hotlines), (failure) => {
      // Members who may not list hotlines see their organisation without them.
      if (!(failure instanceof ApiError && failure.status === 403)) setError(failure);
      setHotlines([]);
    });
  }, [membership.organizationID]);

  const headingId = `organization-${membership.organizationID}`;
  return (
    <article class="card" aria-labelledby={headingId}>
      <h3 id={headingId}>{membership.organizationName}{' '}
        <span class="badge">{text.role[membership.role] ?? membership.role}</span></h3>
      <ErrorMessage error={error} />
      {hotlines === null ? <p role="status">{text.loading}</p>
        : hotlines.length === 0 ? <p>{text.noHotlines}</p>
        : (
          <table>
            <caption>{text.hotlines}</caption>
            <thead>
              <tr><th scope="col">{text.name}</th><th scope="col">{text.number}</th>
                <th scope="col">{text.status}</th><th scope="col">{text.agents}</th>
                {membership.role === 'admin' && <th scope="col">{text.today}</th>}
                {membership.role === 'admin' && <th scope="col">{text.calls}</th>}</tr>
            </thead>
            <tbody>
              {hotlines.map((hotline) => (
                <tr key={hotline.id}>
                  <td>{membership.role === 'admin'
                    ? <a href={`/hotline?id=${hotline.id}`} onClick={(event) => {
                        event.preventDefault();
                        navigate(`/hotline?id=${hotline.id}`);
                      }}>{hotline.name}</a>
                    : hotline.name}</td>
                  <td>{hotline.number || text.noNumber}</td>
                  <td>
                    <span class={`status status-${hotline.status}`}>
                      {text.statusName[hotline.status ?? ''] ?? hotline.status}</span>
                    {hotline.statusDetail && <span class="detail"> {hotline.statusDetail}</span>}
                  </td>
                  <td>{hotline.agents.length}</td>
                  {membership.role === 'admin' && <td><TodaysCalls hotlineID={hotline.id!} /></td>}
                  {membership.role === 'admin' && (
                    <td><a href={`/calls?hotline=${hotline.id}`}
                      aria-label={`${text.callHistory}: ${hotline.name}`} onClick={(event) => {
                        event.preventDefault();
                        navigate(`/calls?hotline=${hotline.id}`);
                      }}>{text.callHistory}</a></td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      {membership.role === 'admin' && (
        <p class="row">
          <a href={`/hotline?organization=${membership.organizationID}`} onClick={(event) => {
            event.preventDefault();
            navigate(`/hotline?organization=${membership.organizationID}`);
          }}>{text.addHotline}</a>
          <a href={`/members?organization=${membership.organizationID}`}
            aria-label={text.membersOf(membership.organizationName)} onClick={(event) => {
              event.preventDefault();
              navigate(`/members?organization=${membership.organizationID}`);
            }}>{text.members}</a>
        </p>
      )}
    </article>
  );
}

// Today's calls (in the browser's time zone) by outcome: the server picks today's (up to 50).
function TodaysCalls(props: { hotlineID: number }) {
  const text = t();
  const [counts, setCounts] = useState<Map<string, number> | null>(null);
  useEffect(() => {
    const now = new Date();
    const from = new Date(now.getFullYear(), now.getMonth(), now.getDate()).toISOString();
    api.callLogs(props.hotlineID, 0, { from }).then((page) => {
      const byOutcome = new Map<string, number>();
      for (const call of page.callLogs) {
        const outcome = call.outcome ?? 'in_progress';
        byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
      }
      setCounts(byOutcome);
    }, () => setCounts(new Map()));
  }, [props.hotlineID]);
  if (counts === null) return <span>…</span>;
  if (counts.size === 0) return <span>{text.noCallsToday}</span>;
  return (
    <span>{[...counts].map(([outcome, count]) =>
      `${count} ${outcome === 'in_progress' ? text.inProgress : text.outcomeName[outcome] ?? outcome}`)
      .join(', ')}</span>
  );
}
