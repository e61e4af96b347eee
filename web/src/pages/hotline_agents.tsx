import { useEffect, useState } from 'preact/hooks';
import { api, type Member } from '../api/client';
import { t } from '../i18n';
import { ErrorMessage, fieldError } from './common';

// The hotline's agents, chosen from the organisation's members by name. The API keeps the
// order of `agents`, and it matters: phones are claimed an outbound channel in that order, so
// when there are more phones than channels the agents higher up are rung. The chosen agents
// come first, in the API's order, with buttons to move them; the other members follow,
// unchecked, and a new pick joins the end. Users who are not members any more (the list was
// read after they left) appear by number with a note and can only be removed: the API would
// refuse to save them.
export function AgentPicker(props: { organizationID: number; agents: number[]; error: unknown;
  onChange: (agents: number[]) => void }) {
  const text = t();
  const { agents } = props;
  const [members, setMembers] = useState<Member[] | null>(null);
  const [readError, setReadError] = useState<unknown>(null);
  // The control to focus once the list is drawn again: a moved row's button or a checkbox
  // that changed list keeps the keyboard where the user was.
  const [focus, setFocus] = useState<string | null>(null);

  useEffect(() => {
    if (!props.organizationID) return;
    setReadError(null);
    api.members(props.organizationID).then((page) => setMembers(page.members), setReadError);
  }, [props.organizationID]);
  useEffect(() => {
    if (!focus) return;
    (document.getElementById(focus) ?? document.querySelector<HTMLElement>(
      '#hotline-agents input, #hotline-agents button:not(:disabled)'))?.focus();
    setFocus(null);
  }, [focus]);

  const byID = new Map((members ?? []).map((member) => [member.userID, member]));
  const problem = fieldError(props.error, 'agents');
  const described = ['agents-hint', problem ? 'agents-error' : ''].filter(Boolean).join(' ');
  const others = (members ?? []).filter((member) => !agents.includes(member.userID));
  const nameOf = (id: number) => byID.get(id)?.name ?? text.userNumbered(id);
  const labelOf = (member: Member) => `${member.name} (${text.role[member.role] ?? member.role})`;
  const invalid = problem ? { 'aria-invalid': 'true' as const, 'aria-describedby': 'agents-error' } : {};

  const move = (index: number, by: -1 | 1) => {
    const next = [...agents];
    [next[index], next[index + by]] = [next[index + by], next[index]];
    props.onChange(next);
    // The pressed button keeps the focus, unless the row reached the end it moved towards and
    // that button is disabled now: then the row's other button takes it.
    const pressed = by === -1 ? 'up' : 'down';
    const atEnd = by === -1 ? index + by === 0 : index + by === agents.length - 1;
    setFocus(`agent-${agents[index]}-${atEnd ? (pressed === 'up' ? 'down' : 'up') : pressed}`);
  };
  const remove = (id: number) => {
    const index = agents.indexOf(id);
    props.onChange(agents.filter((agent) => agent !== id));
    // A member's checkbox moves to the other list; a former member's row is gone, so the
    // next row (or the first) takes the focus.
    setFocus(byID.has(id) ? `agent-${id}` : `agent-${agents[index + 1] ?? agents[index - 1]}`);
  };
  const add = (id: number) => {
    props.onChange([...agents, id]);
    setFocus(`agent-${id}`);
  };

  return (
    <fieldset class="section" id="hotline-agents" aria-describedby={described}>
      <legend>{text.agents}</legend>
      <p id="agents-hint" class="hint">{text.agentsHint}</p>
      {problem && <p id="agents-error" class="field-error">{problem}</p>}
      <ErrorMessage error={readError} />
      {members === null && !readError && <p role="status">{text.loading}</p>}
      {agents.length === 0 ? <p>{text.noAgents}</p> : (
        <ol class="agents" aria-label={text.chosenAgents}>
          {agents.map((id, i) => {
            const member = byID.get(id);
            const former = members !== null && !member;
            return (
              <li key={id} class="agent">
                {former ? <>
                  <span>
                    {text.userNumbered(id)}{' '}
                    <span class="field-error">{text.notAMemberAnyMore}</span></span>
                  <button type="button" class="secondary" id={`agent-${id}`}
                    aria-label={`${text.removeAgent}: ${text.userNumbered(id)}`}
                    onClick={() => remove(id)}>{text.removeAgent}</button>
                </> : <>
                  <span class="row">
                    <input type="checkbox" id={`agent-${id}`} checked {...invalid}
                      onChange={() => remove(id)} />
                    <label for={`agent-${id}`}>{member ? labelOf(member) : text.userNumbered(id)}</label>
                  </span>
                  <span class="row">
                    <button type="button" class="secondary" id={`agent-${id}-up`} disabled={i === 0}
                      aria-label={`${text.moveUp}: ${nameOf(id)}`} onClick={() => move(i, -1)}>
                      {text.moveUp}</button>
                    <button type="button" class="secondary" id={`agent-${id}-down`}
                      disabled={i === agents.length - 1}
                      aria-label={`${text.moveDown}: ${nameOf(id)}`} onClick={() => move(i, 1)}>
                      {text.moveDown}</button>
                  </span>
                </>}
              </li>
            );
          })}
        </ol>
      )}
      {others.length > 0 && (
        <ul class="plain" aria-label={text.otherMembers}>
          {others.map((member) => (
            <li key={member.userID} class="row">
              <input type="checkbox" id={`agent-${member.userID}`} checked={false} {...invalid}
                onChange={() => add(member.userID)} />
              <label for={`agent-${member.userID}`}>{labelOf(member)}</label>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
