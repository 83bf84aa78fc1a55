/**
 * How to recognise development-only values, so production can refuse them.
 *
 * - A **sandbox host** is a loopback host (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`,
 *   `0.0.0.0`) or any host with a label starting with `sandbox` (`sandbox.example.com`).
 * - A **sandbox secret** is a value whose text starts with `sandbox` (any case), e.g.
 *   `sandbox-wechat-secret`, `sandboxAESkey…`, or a PEM whose first line is a comment starting with
 *   `# sandbox` (`# sandbox-generated: development only`). Everything the local sandbox generates,
 *   and every default in `.env.example`, carries this marker. Real WeChat keys never do: serial
 *   numbers are hexadecimal, PEMs start with `-----BEGIN`, and merchant-chosen keys are random.
 */

const SANDBOX_SECRET = /^(?:#\s*)?sandbox/i;

export function isSandboxSecret(value: string): boolean {
  return SANDBOX_SECRET.test(value.trimStart());
}

export function isSandboxHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0.0.0.0' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  return host.split('.').some((label) => label.startsWith('sandbox'));
}

/** `url` must already be a valid absolute URL. */
export function isSandboxUrl(url: string): boolean {
  return isSandboxHost(new URL(url).hostname);
}
