import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Me } from './api/client';
import { language, setLanguage, t, type Language } from './i18n';
import { navigate, usePath } from './router';
import { SignIn } from './pages/sign_in';
import { SetPassword } from './pages/set_password';
import { Overview } from './pages/overview';
import { Phones } from './pages/phones';
import { HotlineEditor } from './pages/hotline_editor';
import { CallHistory } from './pages/call_history';
import { Members } from './pages/members';

// Who is signed in: undefined while asking, null when nobody is.
function useSignedInUser(): [Me | null | undefined, (me: Me | null) => void] {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    // Any failure (401 above all; a server that is down too) leads to the sign-in page, which
    // says what goes wrong when the user tries.
    api.me().then(setMe, () => setMe(null));
  }, []);
  return [me, setMe];
}

function App() {
  const path = usePath();
  const [me, setMe] = useSignedInUser();
  const [, setShownLanguage] = useState<Language>(language());
  const text = t();

  useEffect(() => {
    if (me === null && path !== '/sign-in' && path !== '/set-password') navigate('/sign-in');
    if (me && path === '/sign-in') navigate('/');
  }, [me, path]);

  const chooseLanguage = (next: Language) => {
    setLanguage(next);
    setShownLanguage(next);
  };
  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    setMe(null);
    navigate('/sign-in');
  };
  const refreshMe = () => api.me().then(setMe, () => setMe(null));

  let page;
  if (path === '/set-password') page = <SetPassword />;
  else if (me === undefined) page = <p role="status">{text.loading}</p>;
  else if (me === null) page = <SignIn onSignedIn={refreshMe} />;
  else if (path === '/hotline') page = <HotlineEditor key={location.search} me={me} />;
  else if (path === '/calls') page = <CallHistory key={location.search} />;
  else if (path === '/members') page = <Members key={location.search} me={me} />;
  else if (path === '/phones') page = <Phones me={me} onConsentChanged={refreshMe} />;
  else page = <Overview me={me} />;

  return (
    <>
      <a class="skip" href="#main">{text.skipToContent}</a>
      <header class="bar">
        <span class="brand">{text.appName}</span>
        {me && (
          <nav aria-label={text.navigation}>
            <PageLink path="/" current={path}>{text.overview}</PageLink>
            <PageLink path="/phones" current={path}>{text.myPhones}</PageLink>
          </nav>
        )}
        <div class="tools">
          <label>
            <span class="visually-hidden">{text.language}</span>
            <select value={language()} onChange={(event) =>
              chooseLanguage((event.target as HTMLSelectElement).value as Language)}>
              <option value="en">English</option>
              <option value="de">Deutsch</option>
            </select>
          </label>
          {me && <button type="button" onClick={signOut}>{text.signOut}</button>}
        </div>
      </header>
      <main id="main">{page}</main>
    </>
  );
}

function PageLink(props: { path: string; current: string; children: string }) {
  return (
    <a href={props.path} aria-current={props.current === props.path ? 'page' : undefined}
      onClick={(event) => {
        event.preventDefault();
        navigate(props.path);
      }}>
      {props.children}
    </a>
  );
}

render(<App />, document.getElementById('app')!);
