import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { t } from '../i18n';
import { navigate } from '../router';
import { ErrorMessage, fieldError, PageTitle } from './common';

// The page of an invite link, /set-password#invite=SECRET: the secret stays in the fragment,
// which the browser never sends to a server (decision 0053), and goes only to POST /v1/password.
export function SetPassword() {
  const text = t();
  const inviteInAddress = () => new URLSearchParams(location.hash.slice(1)).get('invite');
  const [invite, setInvite] = useState(inviteInAddress);
  // A link opened in a tab that shows this page already changes only the fragment.
  useEffect(() => {
    const update = () => setInvite(inviteInAddress());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await api.setPassword(invite ?? '', password);
      history.replaceState(null, '', '/set-password');  // the used secret leaves the address bar
      setDone(true);
    } catch (failure) {
      setError(failure);
    }
  };

  const passwordError = fieldError(error, 'password');
  return (
    <section class="narrow">
      <PageTitle>{text.setPassword}</PageTitle>
      {done ? (
        <p role="status">{text.passwordSet}{' '}
          <a href="/sign-in" onClick={(event) => { event.preventDefault(); navigate('/sign-in'); }}>
            {text.signIn}</a></p>
      ) : !invite ? (
        <p class="error" role="alert">{text.inviteMissing}</p>
      ) : (
        <form onSubmit={submit}>
          <label for="new-password">{text.newPassword}</label>
          <input id="new-password" type="password" autocomplete="new-password" required
            minLength={12} value={password} aria-invalid={passwordError ? 'true' : undefined}
            aria-describedby={passwordError ? 'new-password-error' : undefined}
            onInput={(event) => setPassword((event.target as HTMLInputElement).value)} />
          {passwordError && <p id="new-password-error" class="field-error">{passwordError}</p>}
          <ErrorMessage error={error} shownFields={['password']} />
          <button type="submit">{text.setPassword}</button>
        </form>
      )}
    </section>
  );
}
