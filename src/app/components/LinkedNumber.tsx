import { useState } from 'react';

/**
 * A number input linked to derived state: while the user edits it shows their
 * text (so typing "10" is not overwritten after the "1"), otherwise the value.
 */
export function LinkedNumber({ value, onCommit, testId, min, max, step, invalid }: { value: number; onCommit: (v: number) => void; testId: string; min?: number; max?: number; step?: number; invalid?: boolean }) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input
      type="number" data-testid={testId} data-value={value} min={min} max={max} step={step} aria-invalid={invalid || undefined}
      value={draft ?? String(value)}
      onFocus={() => setDraft(String(value))}
      onBlur={() => setDraft(null)}
      onChange={(e) => {
        setDraft(e.target.value);
        const v = Number(e.target.value);
        if (e.target.value.trim() !== '' && Number.isFinite(v)) onCommit(v);
      }}
    />
  );
}
