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

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
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
  callLogs: (hotlineID: number, offset: number) =>
    request<{ callLogs: CallLogSummary[]; totalCallLogs: number }>(
      'GET', `/v1/hotlines/${hotlineID}/call-logs?limit=50&offset=${offset}`),
  callLog: (hotlineID: number, id: number) =>
    request<CallLog>('GET', `/v1/hotlines/${hotlineID}/call-logs/${id}`),
  telephoneRecords: (hotlineID: number, offset: number) =>
    request<{ records: TelephoneRecord[]; totalRecords: number }>(
      'GET', `/v1/hotlines/${hotlineID}/telephone-records?limit=50&offset=${offset}`),
  hotlines: (organizationID: number) =>
    request<{ hotlines: Hotline[]; totalHotlines: number }>(
      'GET', `/v1/hotlines?organization_id=${organizationID}&limit=50`),
};
