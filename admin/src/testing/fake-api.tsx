import { StyleProvider } from '@ant-design/cssinjs';
import { render, type RenderResult } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { errorCatalogue, type ErrorCode, type Staff } from '@mall/shared';
import { createApiClient, type ApiClient } from '../api/client.ts';
import { ConsoleApp } from '../ConsoleApp.tsx';

export interface RecordedCall {
  method: string;
  path: string;
  /** The query string's parameters (handlers are keyed by path alone). */
  query: URLSearchParams;
  /** The parsed JSON body, or the raw body (an uploaded Blob) as sent. */
  body: unknown;
  contentType: string | null;
  authorization: string | null;
  headers: Headers;
}

/** Answers one `METHOD /path` of the fake API. */
export type FakeHandler = (call: RecordedCall) => Response | Promise<Response>;

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** The API's error envelope, with the catalogue's status and message unless told otherwise. */
export function errorReply(
  code: ErrorCode,
  options: { message?: string; details?: unknown; headers?: Record<string, string> } = {},
): Response {
  const { status, message } = errorCatalogue[code];
  return jsonReply(status, { error: { code, message: options.message ?? message, details: options.details } }, options.headers);
}

let staffCounter = 0;

export function staffMember(fields: Pick<Staff, 'username' | 'role'> & Partial<Staff>): Staff {
  staffCounter += 1;
  return { id: `staff-${staffCounter}`, active: true, createdAt: '2026-01-02T03:04:05.000Z', ...fields };
}

export interface FakeApi {
  client: ApiClient;
  calls: RecordedCall[];
}

/**
 * An ApiClient whose `fetch` is answered by `handlers` (keyed `GET /api/health`); anything else gets the
 * API's 404 envelope. Every call is recorded.
 */
export function fakeApi(handlers: Record<string, FakeHandler>): FakeApi {
  const calls: RecordedCall[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input), 'http://console.test');
    const headers = new Headers(init?.headers);
    const call: RecordedCall = {
      method: init?.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : (init?.body ?? undefined),
      contentType: headers.get('Content-Type'),
      authorization: headers.get('Authorization'),
      headers,
    };
    calls.push(call);
    const handler = handlers[`${call.method} ${call.path}`];
    return handler ? handler(call) : errorReply('NOT_FOUND');
  };
  return { client: createApiClient({ baseUrl: '', storage: window.localStorage, fetch }), calls };
}

/** The sign-in and session routes for `staff`, signed in with any password except "wrong-password". */
export function sessionHandlers(staff: Staff): Record<string, FakeHandler> {
  return {
    'POST /api/staff/login': ({ body }) =>
      (body as { password: string }).password === 'wrong-password'
        ? errorReply('INVALID_CREDENTIALS')
        : jsonReply(200, { token: `token-of-${staff.username}`, expiresAt: '2030-01-01T00:00:00.000Z', staff }),
    'GET /api/staff/me': ({ authorization }) =>
      authorization === `Bearer token-of-${staff.username}` ? jsonReply(200, { staff }) : errorReply('UNAUTHENTICATED'),
    'POST /api/staff/logout': () => new Response(null, { status: 204 }),
  };
}

/**
 * Ant Design's styles go to a node outside the document: jsdom re-runs every stylesheet rule on each
 * getComputedStyle call (about 50 ms per element with Ant Design's rules), which role queries make per
 * element. These tests check content and behaviour; the e2e run checks the styled console in Chromium.
 */
const detachedStyles = document.createElement('div');

/**
 * The console at `path`, in a memory router. Navigations apply at once rather than as React transitions: in
 * jsdom a page renders so slowly that Ant Design's animation updates would keep restarting the transition.
 */
export function renderConsole(api: FakeApi, path: string): RenderResult {
  return render(
    <StyleProvider container={detachedStyles}>
      <MemoryRouter initialEntries={[path]} useTransitions={false}>
        <ConsoleApp api={api.client} />
      </MemoryRouter>
    </StyleProvider>,
  );
}

/** The console at `path` for `staff`, already signed in through the fake API. */
export async function renderSignedIn(
  staff: Staff,
  path: string,
  handlers: Record<string, FakeHandler> = {},
): Promise<FakeApi & { view: RenderResult }> {
  const api = fakeApi({ ...sessionHandlers(staff), ...handlers });
  await api.client.signIn({ username: staff.username, password: 'any-password' });
  return { ...api, view: renderConsole(api, path) };
}
