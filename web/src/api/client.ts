// The console's only door to the server: the public API (docs/openapi.json), authenticated by
// the session cookie, with the CSRF token on every write (README "Signing in").
import type { components } from './schema.gen';

export type Schemas = components['schemas'];
export type Me = Schemas['Me'];
export type Membership = Schemas['Membership'];
export type AgentPhone = Schemas['AgentPhone'];
export type Hotline = Schemas['Hotline'];
export type Problem = Schemas['Problem'];
export type SignedIn = Schemas['SignedIn'];
export type Session = Schemas['Session'];
export type CallLogSummary = Schemas['CallLogSummary'];
export type CallLog = Schemas['CallLog'];
export type TelephoneRecord = Schemas['TelephoneRecord'];
export type Member = Schemas['Member'];
export type PersonalToken = Schemas['PersonalToken'];
export type NewPersonalToken = Schemas['NewPersonalToken'];
export type Invite = Schemas['Invite'];
export type Voicemail = Schemas['Voicemail'];
export type LiveCall = Schemas['LiveCall'];

// The CSRF token is not a secret from this origin's scripts; it proves a write comes from this
// page. Kept in localStorage so that a reload or a second tab keeps working (decision 0064).
const kCsrfKey = 'fr.csrfToken';

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem | null) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }
  // The message the API gave for `field`, if the problem names it.
  fieldError(field: string): string | undefined {
    return this.problem?.errors?.find((error) => error.field === field)?.message;
  }
}

async function send(method: string, path: string, body: unknown, accept: string): Promise<Response> {
  const headers: Record<string, string> = { Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const csrf = localStorage.getItem(kCsrfKey);
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (!response.ok) {
    let problem: Problem | null = null;
    try {
      problem = (await response.json()) as Problem;
    } catch {
      problem = null;
    }
    throw new ApiError(response.status, problem);
  }
  return response;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body, 'application/json');
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const api = {
  async signIn(email: string, password: string): Promise<SignedIn> {
    const signedIn = await request<SignedIn>('POST', '/v1/session', { email, password });
    localStorage.setItem(kCsrfKey, signedIn.csrfToken);
    return signedIn;
  },
  async signOut(): Promise<void> {
    try {
      await request<void>('DELETE', '/v1/session');
    } finally {
      localStorage.removeItem(kCsrfKey);
    }
  },
  setPassword: (invite: string, password: string) =>
    request<void>('POST', '/v1/password', { invite, password }),
  me: () => request<Me>('GET', '/v1/me'),
  sessions: () => request<{ sessions: Session[] }>('GET', '/v1/me/sessions'),
  endSession: (id: number) => request<void>('DELETE', `/v1/me/sessions/${id}`),
  setConsent: (organizationID: number, allowAdminAccess: boolean) =>
    request<Membership>('PUT', `/v1/me/organizations/${organizationID}`, { allowAdminAccess }),
  phones: (ownerID: number) => request<AgentPhone[]>('GET', `/v1/agent-phones?owner_id=${ownerID}`),
  addPhone: (phone: AgentPhone) => request<AgentPhone>('POST', '/v1/agent-phones', phone),
  updatePhone: (id: number, phone: AgentPhone) =>
    request<AgentPhone>('PUT', `/v1/agent-phones/${id}`, phone),
  deletePhone: (id: number) => request<void>('DELETE', `/v1/agent-phones/${id}`),
  verifyPhone: (id: number) =>
    request<{ code: string; expiresAt: string }>('POST', `/v1/agent-phones/${id}/verification`),
  hotline: (id: number) => request<Hotline>('GET', `/v1/hotlines/${id}`),
  createHotline: (hotline: Hotline) => request<Hotline>('POST', '/v1/hotlines', hotline),
  updateHotline: (id: number, hotline: Hotline) =>
    request<Hotline>('PUT', `/v1/hotlines/${id}`, hotline),
  deleteHotline: (id: number) => request<void>('DELETE', `/v1/hotlines/${id}`),
  // `filter`: our extension of the list (outcome; the call's start from, to before).
  callLogs: (hotlineID: number, offset: number,
    filter: { outcome?: string; from?: string; to?: string } = {}) => {
    const query = new URLSearchParams({ limit: '50', offset: String(offset) });
    for (const [name, value] of Object.entries(filter)) if (value) query.set(name, value);
    return request<{ callLogs: CallLogSummary[]; totalCallLogs: number }>(
      'GET', `/v1/hotlines/${hotlineID}/call-logs?${query}`);
  },
  callLog: (hotlineID: number, id: number) =>
    request<CallLog>('GET', `/v1/hotlines/${hotlineID}/call-logs/${id}`),
  telephoneRecords: (hotlineID: number, offset: number) =>
    request<{ records: TelephoneRecord[]; totalRecords: number }>(
      'GET', `/v1/hotlines/${hotlineID}/telephone-records?limit=50&offset=${offset}`),
  // The prompt as the phone line speaks it (audio/wav), for an <audio> element.
  previewPrompt: async (body: Schemas['PromptPreviewRequest']): Promise<Blob> =>
    (await send('POST', '/v1/tts/preview', body, 'audio/wav')).blob(),
  members: (organizationID: number) =>
    request<{ members: Member[] }>('GET', `/v1/organizations/${organizationID}/members`),
  setRole: (organizationID: number, userID: number, role: Member['role']) =>
    request<Member>('PUT', `/v1/organizations/${organizationID}/members/${userID}`, { role }),
  invite: (organizationID: number, userID: number, email?: string) =>
    request<Invite>('POST', `/v1/organizations/${organizationID}/members/${userID}/invite`,
      email ? { email } : {}),
  tokens: () => request<{ tokens: PersonalToken[] }>('GET', '/v1/me/tokens'),
  createToken: (name: string, expiresInDays?: number) =>
    request<NewPersonalToken>('POST', '/v1/me/tokens', { name, expiresInDays }),
  revokeToken: (id: number) => request<void>('DELETE', `/v1/me/tokens/${id}`),
  // `listened`: only the voicemails with that mark (all when undefined).
  voicemails: (hotlineID: number, offset: number, limit: number, listened?: boolean) => {
    const query = new URLSearchParams({ limit: String(limit), offset: String(offset) });
    if (listened !== undefined) query.set('listened', String(listened));
    return request<{ voicemails: Voicemail[]; totalVoicemails: number }>(
      'GET', `/v1/hotlines/${hotlineID}/voicemails?${query}`);
  },
  markVoicemail: (hotlineID: number, id: number, listened: boolean) =>
    request<Voicemail>('PUT', `/v1/hotlines/${hotlineID}/voicemails/${id}`, { listened }),
  deleteVoicemail: (hotlineID: number, id: number) =>
    request<void>('DELETE', `/v1/hotlines/${hotlineID}/voicemails/${id}`),
  // The recording's address for an <audio> element, which sends the session cookie (a GET
  // needs no CSRF token) and asks for byte ranges itself; the CSP's media-src 'self' allows it.
  voicemailAudioURL: (hotlineID: number, id: number) =>
    `/v1/hotlines/${hotlineID}/voicemails/${id}/audio`,
  liveCalls: (hotlineID: number) =>
    request<{ calls: LiveCall[] }>('GET', `/v1/hotlines/${hotlineID}/calls`),
  hotlines: (organizationID: number) =>
    request<{ hotlines: Hotline[]; totalHotlines: number }>(
      'GET', `/v1/hotlines?organization_id=${organizationID}&limit=50`),
};
