import { useEffect, useState } from 'preact/hooks';
import { api, type Me, type Member } from '../api/client';
import { t } from '../i18n';
import { ErrorMessage, fieldError, PageTitle } from './common';

// /members?organization=ID (admins): the organisation's members with role, consent and
// whether they sign in; roles change here, and members without a password get an invite link.
export function Members(props: { me: Me }) {
  const text = t();
  const organizationID = Number(new URLSearchParams(location.search).get('organization')) || 0;
  const membership = props.me.memberships.find((m) => m.organizationID === organizationID);
  const [members, setMembers] = useState<Member[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  // Bumped by every load, so that a refused role change shows the stored role again.
  const [version, setVersion] = useState(0);
  const load = () => api.members(organizationID).then((page) => {
    setMembers(page.members);
    setVersion((v) => v + 1);
  }, setError);
  useEffect(() => { load(); }, [organizationID]);

  const changeRole = async (member: Member, role: Member['role']) => {
    setError(null);
    setStatus('');
    try {
      await api.setRole(organizationID, member.userID, role);
      setStatus(text.roleSaved(member.name, text.role[role] ?? role));
    } catch (failure) {
      setError(failure);
    }
    await load();
  };

  const title = text.membersOf(membership?.organizationName ?? String(organizationID));
  return (
    <section>
      <PageTitle>{title}</PageTitle>
      <ErrorMessage error={error} />
      {status && <p role="status">{status}</p>}
      {members === null ? (!error && <p role="status">{text.loading}</p>) : (
        <table class="labelled">
          <caption>{text.members}</caption>
          <thead>
            <tr><th scope="col">{text.name}</th><th scope="col">{text.userNumber}</th>
              <th scope="col">{text.roleLabel}</th><th scope="col">{text.consentColumn}</th>
              <th scope="col">{text.signsIn}</th></tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={`${member.userID}-${version}`}>
                <td>{member.name}</td>
                <td data-label={text.userNumber}>{member.userID}</td>
                <td>
                  <label class="visually-hidden" for={`role-${member.userID}`}>
                    {text.roleOf(member.name)}</label>
                  <select id={`role-${member.userID}`} value={member.role}
                    onChange={(event) => changeRole(member,
                      (event.target as HTMLSelectElement).value as Member['role'])}>
                    <option value="admin">{text.role.admin}</option>
                    <option value="member">{text.role.member}</option>
                  </select>
                </td>
                <td data-label={text.consentColumn}>{member.allowAdminAccess ? text.yes : text.no}</td>
                <td data-label={text.signsIn}>{member.hasLogin ? text.yes
                  : <Invite organizationID={organizationID} member={member} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

// A set-password link for a member who cannot sign in yet (decision 0053): the API checks that
// the member is a newcomer; its answer is shown here once.
function Invite(props: { organizationID: number; member: Member }) {
  const text = t();
  const { member } = props;
  const [email, setEmail] = useState('');
  const [link, setLink] = useState('');
  const [error, setError] = useState<unknown>(null);
  const id = `invite-email-${member.userID}`;
  const problem = fieldError(error, 'email');
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      setLink((await api.invite(props.organizationID, member.userID, email.trim() || undefined)).url);
    } catch (failure) {
      setError(failure);
    }
  };
  if (link) {
    return (
      <div class="field">
        <span>{text.no}</span>
        <label for={`${id}-link`}>{text.inviteFor(member.name)}</label>
        <p id={`${id}-hint`} class="hint">{text.inviteLink}</p>
        <input id={`${id}-link`} class="secret" readOnly value={link} aria-describedby={`${id}-hint`}
          onFocus={(event) => (event.target as HTMLInputElement).select()} />
      </div>
    );
  }
  return (
    <form onSubmit={submit}>
      <span>{text.no}</span>{' '}
      <label for={id}>{text.inviteEmail(member.name)}</label>
      <input id={id} type="email" autocomplete="off" value={email}
        aria-invalid={problem ? 'true' : undefined}
        aria-describedby={problem ? `${id}-error` : undefined}
        onInput={(event) => setEmail((event.target as HTMLInputElement).value)} />
      {problem && <p id={`${id}-error`} class="field-error">{problem}</p>}
      <ErrorMessage error={error} shownFields={['email']} />
      <button type="submit" aria-label={`${text.createInvite}: ${member.name}`}>{text.createInvite}</button>
    </form>
  );
}
