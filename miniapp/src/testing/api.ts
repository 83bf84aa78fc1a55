// Answers the storefront's API calls by method and path, as a test's small fake API.
import { request, type RequestOption, type RequestReply } from './taro';

export type FakeRoute = RequestReply | ((option: RequestOption) => RequestReply);

/**
 * Answers each request whose `METHOD /path` (without the origin) is a key of `routes`; any other request fails
 * the test with a 599 naming it, so a page calling something unexpected shows up.
 */
export function answerRequests(routes: Record<string, FakeRoute>): void {
  request.mockImplementation(async (option) => {
    const key = `${option.method ?? 'GET'} ${option.url.replace(/^https?:\/\/[^/]+/, '')}`;
    const route = routes[key];
    if (route === undefined) return { statusCode: 599, data: { error: { code: 'INTERNAL', message: `unexpected request ${key}` } } };
    return typeof route === 'function' ? route(option) : route;
  });
}

/** Every `METHOD /path` the page requested, in order. */
export function requested(): string[] {
  return request.mock.calls.map(([option]) => `${option.method ?? 'GET'} ${option.url.replace(/^https?:\/\/[^/]+/, '')}`);
}

export function failure(statusCode: number, code: string, message: string): RequestReply {
  return { statusCode, data: { error: { code, message } } };
}
