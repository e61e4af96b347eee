import { useEffect, useState } from 'preact/hooks';
import { api, type Hotline, type Me } from '../api/client';
import { t } from '../i18n';
import { navigate } from '../router';
import { Check, ErrorMessage, PageTitle } from './common';
import { AgentPicker } from './hotline_agents';
import { FallbackEditor, fallbackFieldNames } from './hotline_fallback';
import { Field, type InputProps, inputValue, Listen } from './hotline_fields';
import { ScheduleEditor, scheduleFieldNames } from './hotline_schedule';

type Draft = Omit<Hotline, 'id' | 'number' | 'status' | 'statusDetail' | 'agentsReady'>;

// Today's behaviour for `noAnswer` and `closed`: a sentence, then the call ends (the API's
// defaults for the other actions' fields).
function messageFallback(): Hotline['noAnswer'] {
  return { action: 'message', ttsVoicemail: '', maxSeconds: 120, forwardTo: '' };
}

// What PUT replaces: every writable field, so that a field this page does not know yet keeps
// its value.
function draftOf(hotline: Hotline): Draft {
  const { id: _id, number: _number, status: _status, statusDetail: _detail, agentsReady: _ready,
    ...draft } = hotline;
  return draft;
}

// /hotline?organization=ID creates a hotline, /hotline?id=ID edits one (admins only; the API
// decides): every writable field of the API's Hotline, the opening hours and the fallbacks
// included. Field errors of the API's Problem Details appear next to their fields, and the
// first field in error gets the focus.
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

  useEffect(() => {
    document.querySelector<HTMLElement>('form [aria-invalid="true"]')?.focus();
  }, [error]);

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

  const field = (name: string, label: string, input: (props: InputProps) => preact.JSX.Element,
    hint?: string) => <Field name={name} label={label} error={error} hint={hint} input={input} />;
  const value = inputValue;
  const language = draft.language ?? '';
  // The fields shown next to their inputs; the alert lists the API's other complaints.
  const shownFields = ['name', 'agents', 'ttsInbound', 'ttsOutbound', 'language', 'channelsInbound',
    'channelsOutbound', ...scheduleFieldNames(draft.schedule ?? null),
    ...fallbackFieldNames('noAnswer', draft.noAnswer, error),
    ...(draft.schedule ? fallbackFieldNames('closed', draft.closed, error) : [])];

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
          {loaded.agentsReady !== undefined && <> · {text.agentsReady(loaded.agentsReady)}</>}
        </p>
      )}
      <form class="card" onSubmit={submit}>
        {field('name', text.name, (p) => <input {...p} required maxLength={100} value={draft.name}
          onInput={(e) => set({ name: value(e) })} />)}
        <AgentPicker organizationID={draft.organizationID} agents={draft.agents} error={error}
          onChange={(agents) => set({ agents })} />
        {field('ttsInbound', text.greeting, (p) => <textarea {...p} maxLength={300} rows={2}
          value={draft.ttsInbound ?? ''} onInput={(e) => set({ ttsInbound: value(e) })} />)}
        <Listen label={text.greeting} text={draft.ttsInbound ?? ''} language={language} />
        {field('ttsOutbound', text.announcement, (p) => <textarea {...p} maxLength={300} rows={2}
          value={draft.ttsOutbound ?? ''} onInput={(e) => set({ ttsOutbound: value(e) })} />)}
        <Listen label={text.announcement} text={draft.ttsOutbound ?? ''}
          language={language} />
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
        <ScheduleEditor schedule={draft.schedule ?? null} error={error}
          onChange={(schedule) => set({ schedule })} />
        {draft.schedule && (
          <FallbackEditor where="closed" fallback={draft.closed} error={error} language={language}
            ttsClosed={draft.ttsClosed ?? ''} onTtsClosed={(ttsClosed) => set({ ttsClosed })}
            onChange={(closed) => set({ closed })} />
        )}
        <FallbackEditor where="noAnswer" fallback={draft.noAnswer} error={error} language={language}
          onChange={(noAnswer) => set({ noAnswer })} />
        <ErrorMessage error={error} shownFields={shownFields} />
        {saved && <p role="status">{text.saved}</p>}
        <div class="row">
          <button type="submit">{loaded ? text.save : text.createHotline}</button>
          {loaded && <button type="button" class="danger" onClick={remove}>{text.deleteHotline}</button>}
        </div>
      </form>
    </section>
  );
}
