import { useState } from 'react';

/**
 * A dialog's form fields as one state object, with `bind(key)` giving an antd Input its value and change handler
 * (the console's dialogs keep their fields in plain state and check them with the shared schemas on save).
 */
export function useFormFields<Fields extends Record<string, string | undefined>>(initial: Fields) {
  const [fields, setFields] = useState(initial);
  const set = <Key extends keyof Fields>(key: Key, value: Fields[Key]) => setFields((current) => ({ ...current, [key]: value }));
  const bind = (key: keyof Fields & string) => ({
    value: fields[key] ?? '',
    onChange: (event: { target: { value: string } }) => set(key, event.target.value as Fields[typeof key]),
  });
  return { fields, set, bind };
}
