import { useState } from 'preact/hooks';
import { api, ApiError } from '../api/client';
import { t } from '../i18n';
import { PageTitle } from './common';

export function SignIn(props: { onSignedIn: () => void }) {
  const text = t();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      await api.signIn(email, password);
      props.onSignedIn();
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 0;
      setFailure(status === 429 ? text.tooManyAttempts
        : status === 401 ? text.wrongPassword
        : String(error instanceof Error ? error.message : error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow">
      <PageTitle>{text.signIn}</PageTitle>
      <form onSubmit={submit}>
        <label for="email">{text.email}</label>
        <input id="email" type="email" autocomplete="username" required value={email}
          onInput={(event) => setEmail((event.target as HTMLInputElement).value)} />
        <label for="password">{text.password}</label>
        <input id="password" type="password" autocomplete="current-password" required
          value={password}
          onInput={(event) => setPassword((event.target as HTMLInputElement).value)} />
        {failure && <p class="error" role="alert">{failure}</p>}
        <button type="submit" disabled={busy}>{text.signIn}</button>
      </form>
    </section>
  );
}
