import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Hotline, type Me } from '../api/client';
import { t } from '../i18n';
import { navigate } from '../router';
import { ErrorMessage, fieldError, PageTitle } from './common';

type Draft = Omit<Hotline, 'id' | 'number' | 'status' | 'statusDetail'>;

// Today's behaviour for `noAnswer` and `closed`: a sentence, then the call ends (the API's
// defaults for the other actions' fields).
function messageFallback(): Hotline['noAnswer'] {
  return { action: 'message', ttsVoicemail: '', maxSeconds: 120, forwardTo: '' };
}

// What PUT replaces: every writable field, so that fields this page does not edit (the opening
// hours, the closed action) keep their values.
function draftOf(hotline: Hotline): Draft {
  const { id: _id, number: _number, status: _status, statusDetail: _detail, ...draft } = hotline;
  return draft;
}

// /hotline?organization=ID creates a hotline, /hotline?id=ID edits one (admins only; the API
// decides). Field errors of the API's Problem Details appear next to their fields.
export function HotlineEditor(props: { me: Me }) {
  const text = t();
  const query = new URLSearchParams(location.search);
  const id = Number(query.get('id')) || null;
  const organizationID = Number(query.get('organization')) || 0;
  const [loaded, setLoaded] = useState<Hotline | null>(null);
  const [draft, setDraft] = useState<Draft | null>(id ? null : {
    name: '', organizationID, agents: [], isActive: true, ttsInbound: '', ttsOutbound: '',
    channelsInbound: 10, channelsOutbound: 10, confirmAnswer: true, rejectAnonymous: false,
    language: '', ttsClosed: '', closed: messageFallback(), noAnswer: messageFallback(),
    schedule: null,
  });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!id) return;
    api.hotline(id).then((hotline) => { setLoaded(hotline); setDraft(draftOf(hotline)); }, setError);
  }, [id]);
  // A hotline on its way to active is read again until it gets there (or fails).
  useEffect(() => {
    if (!loaded || !['created', 'provisioning'].includes(loaded.status ?? '')) return;
    const timer = setTimeout(() => api.hotline(loaded.id!).then(setLoaded, setError), 500);
    return () => clearTimeout(timer);
  }, [loaded]);

  if (!draft) return <><PageTitle>{text.hotline}</PageTitle><ErrorMessage error={error} />
    {!error && <p role="status">{text.loading}</p>}</>;
  const membership = props.me.memberships.find((m) => m.organizationID === draft.organizationID);
  const set = (change: Partial<Draft>) => { setSaved(false); setDraft({ ...draft, ...change }); };

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const body = { ...draft, language: draft.language || undefined } as Hotline;
      const result = loaded ? await api.updateHotline(loaded.id!, body) : await api.createHotline(body);
      setLoaded(result);
      setDraft(draftOf(result));
      setSaved(true);
      if (!loaded) history.replaceState(null, '', `/hotline?id=${result.id}`);
    } catch (failure) {
      setError(failure);
    }
  };
  const remove = async () => {
    if (!loaded || !confirm(text.confirmDeleteHotline(loaded.name))) return;
    try {
      await api.deleteHotline(loaded.id!);
      navigate('/');
    } catch (failure) {
      setError(failure);
    }
  };

  const field = (name: string, label: string, input: (props: Record<string, unknown>) => preact.JSX.Element,
    hint?: string) => {
    const problem = fieldError(error, name);
    const described = [hint ? `${name}-hint` : '', problem ? `${name}-error` : ''].filter(Boolean).join(' ');
    return (
      <div class="field">
        <label for={`hotline-${name}`}>{label}</label>
        {hint && <p id={`${name}-hint`} class="hint">{hint}</p>}
        {input({ id: `hotline-${name}`, 'aria-invalid': problem ? 'true' : undefined,
          'aria-describedby': described || undefined })}
        {problem && <p id={`${name}-error`} class="field-error">{problem}</p>}
      </div>
    );
  };
  const value = (event: Event) => (event.target as HTMLInputElement).value;

  return (
    <section>
      <PageTitle>{loaded ? `${text.hotline}: ${loaded.name}` : text.newHotline}</PageTitle>
      {membership && <p>{membership.organizationName}</p>}
      {loaded && (
        <p role="status" aria-live="polite">
          {text.number}: {loaded.number || text.noNumber} · {text.status}:{' '}
          <span class={`status status-${loaded.status}`}>
            {text.statusName[loaded.status ?? ''] ?? loaded.status}</span>
          {loaded.statusDetail && <span class="detail"> ({loaded.statusDetail})</span>}
        </p>
      )}
      <form class="card" onSubmit={submit}>
        {field('name', text.name, (p) => <input {...p} required maxLength={100} value={draft.name}
          onInput={(e) => set({ name: value(e) })} />)}
        {field('agents', text.agentIDs, (p) => <input {...p} inputMode="numeric"
          value={draft.agents.join(', ')}
          onInput={(e) => set({ agents: value(e).split(/[\s,]+/).filter(Boolean).map(Number) })} />,
          text.agentIDsHint(props.me.id))}
        {field('ttsInbound', text.greeting, (p) => <textarea {...p} maxLength={300} rows={2}
          value={draft.ttsInbound ?? ''} onInput={(e) => set({ ttsInbound: value(e) })} />)}
        <Listen label={text.greeting} text={draft.ttsInbound ?? ''} language={draft.language ?? ''} />
        {field('ttsOutbound', text.announcement, (p) => <textarea {...p} maxLength={300} rows={2}
          value={draft.ttsOutbound ?? ''} onInput={(e) => set({ ttsOutbound: value(e) })} />)}
        <Listen label={text.announcement} text={draft.ttsOutbound ?? ''}
          language={draft.language ?? ''} />
        {field('language', text.hotlineLanguage, (p) => <input {...p} maxLength={35}
          value={draft.language ?? ''} onInput={(e) => set({ language: value(e) })} />,
          text.hotlineLanguageHint)}
        {field('channelsInbound', text.channelsInbound, (p) => <input {...p} type="number" min={1}
          max={100} value={draft.channelsInbound}
          onInput={(e) => set({ channelsInbound: Number(value(e)) })} />)}
        {field('channelsOutbound', text.channelsOutbound, (p) => <input {...p} type="number" min={1}
          max={100} value={draft.channelsOutbound}
          onInput={(e) => set({ channelsOutbound: Number(value(e)) })} />)}
        <Check id="hotline-isActive" label={text.hotlineActive} checked={draft.isActive}
          onChange={(isActive) => set({ isActive })} />
        <Check id="hotline-confirmAnswer" label={text.confirmAnswer}
          checked={draft.confirmAnswer ?? true} onChange={(confirmAnswer) => set({ confirmAnswer })} />
        <Check id="hotline-rejectAnonymous" label={text.rejectAnonymous}
          checked={draft.rejectAnonymous ?? false}
          onChange={(rejectAnonymous) => set({ rejectAnonymous })} />
        <ErrorMessage error={error} shownFields={['name', 'agents', 'ttsInbound', 'ttsOutbound',
          'language', 'channelsInbound', 'channelsOutbound']} />
        {saved && <p role="status">{text.saved}</p>}
        <div class="row">
          <button type="submit">{loaded ? text.save : text.createHotline}</button>
          {loaded && <button type="button" class="danger" onClick={remove}>{text.deleteHotline}</button>}
        </div>
      </form>
    </section>
  );
}

// A "listen" button for a prompt: the API speaks the text as the phone line would
// (POST /v1/tts/preview), and an audio player plays it from a blob: URL (the console's CSP
// allows media from blob: only).
function Listen(props: { label: string; text: string; language: string }) {
  const text = t();
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [nothing, setNothing] = useState(false);  // the text is empty: nothing to ask for
  const player = useRef<HTMLAudioElement>(null);
  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);
  useEffect(() => { player.current?.play().catch(() => undefined); }, [url]);

  const listen = async () => {
    setError(null);
    setNothing(!props.text.trim());
    if (!props.text.trim()) return;
    setBusy(true);
    try {
      const audio = await api.previewPrompt({ text: props.text, language: props.language || undefined });
      setUrl(URL.createObjectURL(audio));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="listen">
      <button type="button" onClick={listen} disabled={busy} aria-label={text.listenTo(props.label)}>
        {text.listen}</button>
      {url && <audio ref={player} controls src={url} aria-label={text.previewOf(props.label)} />}
      {nothing && <p class="field-error" role="status">{text.listenNothing}</p>}
      <ErrorMessage error={error} />
    </div>
  );
}

function Check(props: { id: string; label: string; checked: boolean;
  onChange: (checked: boolean) => void }) {
  return (
    <div class="row">
      <input id={props.id} type="checkbox" checked={props.checked}
        onChange={(event) => props.onChange((event.target as HTMLInputElement).checked)} />
      <label for={props.id}>{props.label}</label>
    </div>
  );
}
