import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.ts';

const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');

/** Every variable name loadConfig looks at, in development and production. */
function variablesRead(): Set<string> {
  const read = new Set<string>();
  for (const nodeEnv of ['development', 'production']) {
    const env = new Proxy<Record<string, string | undefined>>(
      {},
      {
        get(_target, name) {
          if (typeof name === 'string') read.add(name);
          return name === 'NODE_ENV' ? nodeEnv : undefined;
        },
      },
    );
    try {
      loadConfig(env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
    }
  }
  return read;
}

describe('.env.example', () => {
  it('documents exactly the variables the config reads, each with a comment above it', () => {
    const lines = example.split('\n');
    const documented = lines.flatMap((line, index) => {
      const name = /^([A-Z0-9_]+)=/.exec(line)?.[1];
      if (name === undefined) return [];
      let above = index - 1;
      while (above >= 0 && /^[A-Z0-9_]+=/.test(lines[above] ?? '')) above -= 1;
      expect(lines[above], `${name} has a comment`).toMatch(/^# /);
      return [name];
    });
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...variablesRead()].sort());
  });

  it('works as a development .env as it is', () => {
    expect(loadConfig(parseEnv(example)).env).toBe('development');
  });
});
