import { useEffect, useState } from 'preact/hooks';
import { api, type Voicemail } from '../api/client';
import { t } from '../i18n';
import { Check, ErrorMessage, when } from './common';

const kPageSize = 10;

// A hotline's voicemails (admins; the API decides), newest first, each with an audio player
// that streams the recording from the API (decision 0080), a listened-to mark and deletion
// after confirming.
export function Voicemails(props: { hotlineID: number }) {
  const text = t();
  const [offset, setOffset] = useState(0);
  const [onlyNew, setOnlyNew] = useState(false);
  const [page, setPage] = useState<{ voicemails: Voicemail[]; totalVoicemails: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const load = () => api.voicemails(props.hotlineID, offset, kPageSize, onlyNew ? false : undefined)
    .then(setPage, setError);
  useEffect(() => { setError(null); load(); }, [props.hotlineID, offset, onlyNew]);

  const run = async (action: () => Promise<unknown>, done: string, reload = load) => {
    setError(null);
    setNotice('');
    try {
      await action();
      setNotice(done);
      await reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const describe = (voicemail: Voicemail) =>
    text.voicemailOf(when(voicemail.time), voicemail.caller ?? text.withheld);
  const remove = (voicemail: Voicemail) => {
    if (!confirm(text.confirmDeleteVoicemail(describe(voicemail)))) return;
    // A page left empty gives way to the one before it (its offset change reloads).
    const lastOnPage = page?.voicemails.length === 1 && offset > 0;
    run(() => api.deleteVoicemail(props.hotlineID, voicemail.id), text.voicemailDeleted,
      lastOnPage ? async () => setOffset(offset - kPageSize) : load);
  };

  return (
    <section aria-labelledby="voicemails-heading">
      <h2 id="voicemails-heading">{text.voicemails}</h2>
      <Check id="voicemails-only-new" label={text.onlyNewVoicemails} checked={onlyNew}
        onChange={(checked) => { setOffset(0); setOnlyNew(checked); }} />
      <ErrorMessage error={error} />
      <p role="status" class={notice ? '' : 'visually-hidden'}>{notice}</p>
      {page === null ? (!error && <p>{text.loading}</p>)
        : page.voicemails.length === 0 ? <p>{text.noVoicemails}</p>
        : (
          <ul class="list voicemails" aria-label={text.voicemailsShown(page.voicemails.length,
            page.totalVoicemails)}>
            {page.voicemails.map((voicemail) => (
              <li key={voicemail.id}>
                <p class="row">
                  <strong>{when(voicemail.time)}</strong>
                  <span>{voicemail.caller ?? text.withheld}</span>
                  <span>{text.seconds(Math.round(voicemail.durationMs / 100) / 10)}</span>
                  <span class={`badge ${voicemail.listened ? '' : 'on'}`}>
                    {voicemail.listened ? text.listenedTo : text.newVoicemail}</span>
                </p>
                <audio controls preload="metadata" aria-label={describe(voicemail)}
                  src={api.voicemailAudioURL(props.hotlineID, voicemail.id)} />
                <div class="row">
                  <button type="button" class="secondary"
                    aria-label={`${voicemail.listened ? text.markNew : text.markListened}: ${describe(voicemail)}`}
                    onClick={() => run(() => api.markVoicemail(props.hotlineID, voicemail.id,
                      !voicemail.listened), text.saved)}>
                    {voicemail.listened ? text.markNew : text.markListened}</button>
                  <button type="button" class="danger"
                    aria-label={`${text.remove}: ${describe(voicemail)}`}
                    onClick={() => remove(voicemail)}>{text.remove}</button>
                </div>
              </li>
            ))}
          </ul>
        )}
      {page && page.totalVoicemails > kPageSize && (
        <div class="row">
          <button type="button" disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - kPageSize))}>{text.newer}</button>
          <button type="button" disabled={offset + kPageSize >= page.totalVoicemails}
            onClick={() => setOffset(offset + kPageSize)}>{text.older}</button>
        </div>
      )}
    </section>
  );
}
