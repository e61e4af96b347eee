import { useEffect, useState } from 'preact/hooks';
import { api, type NewPersonalToken, type PersonalToken } from '../api/client';
import { language, t } from '../i18n';
import { ErrorMessage, fieldError } from './common';

// The user's own personal access tokens (decision 0074): create (the secret is shown once, in
// this component's state only) and revoke.
export function Tokens() {
  const text = t();
  const [tokens, setTokens] = useState<PersonalToken[] | null>(null);
  const [created, setCreated] = useState<NewPersonalToken | null>(null);
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [error, setError] = useState<unknown>(null);
  const load = () => api.tokens().then((page) => setTokens(page.tokens), setError);
  useEffect(() => { load(); }, []);
  const locale = language() === 'de' ? 'de-DE' : 'en-GB';
  const when = (time: string) =>
    new Date(time).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });

  const create = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setCreated(null);
    try {
      setCreated(await api.createToken(name, days.trim() ? Number(days) : undefined));
      setName('');
      setDays('');
      await load();
    } catch (failure) {
      setError(failure);
    }
  };
  const revoke = async (token: PersonalToken) => {
    if (!confirm(text.confirmRevoke(token.name || text.unnamed))) return;
    setError(null);
    try {
      await api.revokeToken(token.id);
      if (created?.id === token.id) setCreated(null);
      await load();
    } catch (failure) {
      setError(failure);
    }
  };

  const nameProblem = fieldError(error, 'name');
  const daysProblem = fieldError(error, 'expiresInDays');
  return (
    <>
      <h2>{text.tokens}</h2>
      <p>{text.tokensExplained}</p>
      {tokens && (tokens.length === 0 ? <p>{text.noTokens}</p> : (
        <ul class="list">
          {tokens.map((token) => (
            <li key={token.id} class="row">
              <span class="grow"><strong>{token.name || text.unnamed}</strong>
                {' '}· {text.createdAt(when(token.createdAt))}
                {' '}· {token.lastUsedAt ? text.lastUsed(when(token.lastUsedAt)) : text.neverUsed}
                {token.expiresAt && <> · {text.expiresAt(when(token.expiresAt))}</>}</span>
              <button type="button" class="danger"
                aria-label={`${text.revoke}: ${token.name || text.unnamed}`}
                onClick={() => revoke(token)}>{text.revoke}</button>
            </li>
          ))}
        </ul>
      ))}
      {created && (
        <div class="card" role="status">
          <p>{text.tokenCreated}</p>
          <p class="secret">{created.secret}</p>
        </div>
      )}
      <form class="card" onSubmit={create}>
        <label for="token-name">{text.tokenName}</label>
        <input id="token-name" maxLength={100} value={name}
          aria-invalid={nameProblem ? 'true' : undefined}
          aria-describedby={nameProblem ? 'token-name-error' : undefined}
          onInput={(event) => setName((event.target as HTMLInputElement).value)} />
        {nameProblem && <p id="token-name-error" class="field-error">{nameProblem}</p>}
        <label for="token-days">{text.tokenDays}</label>
        <input id="token-days" type="number" min={1} max={3650} value={days}
          aria-invalid={daysProblem ? 'true' : undefined}
          aria-describedby={daysProblem ? 'token-days-error' : undefined}
          onInput={(event) => setDays((event.target as HTMLInputElement).value)} />
        {daysProblem && <p id="token-days-error" class="field-error">{daysProblem}</p>}
        <ErrorMessage error={error} shownFields={['name', 'expiresInDays']} />
        <div class="row"><button type="submit">{text.createToken}</button></div>
      </form>
    </>
  );
}
