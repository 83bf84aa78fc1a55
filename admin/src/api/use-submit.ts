import { useState } from 'react';
import { asApiError } from './client.ts';

/**
 * A form's write to the API: `submitting` while the request runs, and its refusal as `error`, next to the form's own
 * checks (which set `error` too) so that the form shows both in one place.
 */
export function useSubmit() {
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(request: () => Promise<void>): Promise<void> {
    setSubmitting(true);
    try {
      await request();
    } catch (caught) {
      setError(asApiError(caught).message);
    } finally {
      setSubmitting(false);
    }
  }

  return { submitting, error, setError, submit };
}
