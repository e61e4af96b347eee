import { useEffect, useState } from 'preact/hooks';
import { api, type AgentPhone, type Me, type Membership, type Session } from '../api/client';
import { language, t } from '../i18n';
import { ErrorMessage, fieldError, PageTitle } from './common';
import { Tokens } from './tokens';

// What the API accepts (+<cc>… or 00<cc>…, with spaces, dashes, dots, parentheses), checked as
// the user types; the server's answer stays the judge.
export function looksInternational(number: string): boolean {
  const digits = number.replace(/[\s\-.()]/g, '');
  return /^(\+|00)[1-9][0-9]{5,15}$/.test(digits);
}

export function Phones(props: { me: Me; onConsentChanged: () => void }) {
  const text = t();
  const [phones, setPhones] = useState<AgentPhone[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => api.phones(props.me.id).then(setPhones, setError);
  useEffect(() => { load(); }, [props.me.id]);

  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      await load();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section>
      <PageTitle>{text.myPhones}</PageTitle>
      <ErrorMessage error={error} />
      <h2>{text.phones}</h2>
      {phones === null ? <p role="status">{text.loading}</p>
        : phones.length === 0 ? <p>{text.noPhones}</p>
        : (
          <ul class="list">
            {phones.map((phone) => (
              <PhoneRow key={phone.id} phone={phone} run={run} />
            ))}
          </ul>
        )}
      <PhoneForm ownerID={props.me.id} onSaved={load} />
      <h2>{text.consent}</h2>
      <p>{text.consentExplained}</p>
      {props.me.memberships.map((membership) => (
        <Consent key={membership.organizationID} membership={membership}
          onChanged={props.onConsentChanged} />
      ))}
      <Sessions />
      <Tokens />
    </section>
  );
}

function PhoneRow(props: { phone: AgentPhone; run: (action: () => Promise<unknown>) => void }) {
  const text = t();
  const { phone, run } = props;
  const [editing, setEditing] = useState(false);
  const [code, setCode] = useState<string | null>(null);
  const verification = phone.verification ?? 'pending';
  if (editing) {
    return (
      <li><PhoneForm ownerID={phone.userID} phone={phone}
        onSaved={() => { setEditing(false); run(async () => undefined); }}
        onCancel={() => setEditing(false)} /></li>
    );
  }
  return (
    <li class="row">
      <span class="grow"><strong>{phone.name}</strong> {phone.phone}{' '}
        <span class={phone.isActive ? 'badge on' : 'badge off'}>
          {phone.isActive ? text.active : text.inactive}</span>{' '}
        <span class={verification === 'verified' ? 'badge on' : 'badge off'}>
          {text.verificationName[verification]}</span>
        {verification !== 'verified' && !code && <> <small>{text.notRungUntilVerified}</small></>}
        {code && <> <span role="status">{text.verifyCode(code)}</span></>}</span>
      {verification !== 'verified' && (
        <button type="button" aria-label={`${text.verify}: ${phone.name}`}
          onClick={() => run(async () => setCode((await api.verifyPhone(phone.id!)).code))}>
          {text.verify}</button>
      )}
      <button type="button" aria-label={`${phone.isActive ? text.deactivate : text.activate}: ${phone.name}`}
        onClick={() => run(() => api.updatePhone(phone.id!, { ...phone, isActive: !phone.isActive }))}>
        {phone.isActive ? text.deactivate : text.activate}</button>
      <button type="button" aria-label={`${text.edit}: ${phone.name}`}
        onClick={() => setEditing(true)}>{text.edit}</button>
      <button type="button" class="danger" aria-label={`${text.remove}: ${phone.name}`}
        onClick={() => {
          if (confirm(text.confirmDelete(phone.name))) run(() => api.deletePhone(phone.id!));
        }}>{text.remove}</button>
    </li>
  );
}

function PhoneForm(props: { ownerID: number; phone?: AgentPhone; onSaved: () => void;
  onCancel?: () => void }) {
  const text = t();
  const prefix = props.phone ? `phone-${props.phone.id}` : 'new-phone';
  const [name, setName] = useState(props.phone?.name ?? '');
  const [number, setNumber] = useState(props.phone?.phone ?? '');
  const [error, setError] = useState<unknown>(null);
  const numberProblem = fieldError(error, 'phone')
    ?? (number !== '' && !looksInternational(number) ? text.phoneNumberInvalid : undefined);
  const nameProblem = fieldError(error, 'name');

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const body: AgentPhone = { name, phone: number, userID: props.ownerID,
      isActive: props.phone?.isActive ?? true };
    try {
      if (props.phone) await api.updatePhone(props.phone.id!, body);
      else await api.addPhone(body);
      if (!props.phone) { setName(''); setNumber(''); }
      props.onSaved();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <form class="card" onSubmit={submit} aria-label={props.phone ? text.edit : text.addPhone}>
      <label for={`${prefix}-name`}>{text.phoneName}</label>
      <input id={`${prefix}-name`} required maxLength={100} value={name}
        aria-invalid={nameProblem ? 'true' : undefined}
        aria-describedby={nameProblem ? `${prefix}-name-error` : undefined}
        onInput={(event) => setName((event.target as HTMLInputElement).value)} />
      {nameProblem && <p id={`${prefix}-name-error`} class="field-error">{nameProblem}</p>}
      <label for={`${prefix}-number`}>{text.phoneNumber}</label>
      <input id={`${prefix}-number`} type="tel" required autocomplete="tel" value={number}
        aria-invalid={numberProblem ? 'true' : undefined}
        aria-describedby={numberProblem ? `${prefix}-number-error` : undefined}
        onInput={(event) => setNumber((event.target as HTMLInputElement).value)} />
      {numberProblem && <p id={`${prefix}-number-error`} class="field-error">{numberProblem}</p>}
      <ErrorMessage error={error} shownFields={['name', 'phone']} />
      <div class="row">
        <button type="submit">{props.phone ? text.save : text.addPhone}</button>
        {props.onCancel && <button type="button" onClick={props.onCancel}>{text.cancel}</button>}
      </div>
    </form>
  );
}

function Consent(props: { membership: Membership; onChanged: () => void }) {
  const text = t();
  const { membership } = props;
  const [error, setError] = useState<unknown>(null);
  const id = `consent-${membership.organizationID}`;
  return (
    <div class="row">
      <input id={id} type="checkbox" checked={membership.allowAdminAccess}
        onChange={async (event) => {
          setError(null);
          try {
            await api.setConsent(membership.organizationID,
              (event.target as HTMLInputElement).checked);
            props.onChanged();
          } catch (failure) {
            setError(failure);
          }
        }} />
      <label for={id}>{text.allowAdminAccess(membership.organizationName)}</label>
      <ErrorMessage error={error} />
    </div>
  );
}

// The user's own sign-ins; ending one signs that browser out.
function Sessions() {
  const text = t();
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => api.sessions().then((page) => setSessions(page.sessions), setError);
  useEffect(() => { load(); }, []);
  const locale = language() === 'de' ? 'de-DE' : 'en-GB';
  const when = (time: string | null) => time
    ? new Date(time).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' }) : '–';
  return (
    <>
      <h2>{text.sessions}</h2>
      <ErrorMessage error={error} />
      {sessions && (
        <ul class="list">
          {sessions.map((session) => (
            <li key={session.id} class="row">
              <span class="grow">{session.userAgent || '–'} · {text.signedInAt(when(session.createdAt))}
                {' '}· {text.lastUsed(when(session.lastUsedAt))}
                {session.current && <> <span class="badge">{text.thisBrowser}</span></>}</span>
              {!session.current && (
                <button type="button" aria-label={`${text.endSession}: ${when(session.createdAt)}`}
                  onClick={() => api.endSession(session.id).then(load, setError)}>
                  {text.endSession}</button>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
