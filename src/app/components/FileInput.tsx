import { useRef, type ReactNode } from 'react';

/**
 * A real button that opens the file picker (reachable with Tab, with a focus ring), over a hidden file
 * input that hands over the first chosen file and then clears itself, so that choosing the same file
 * again fires again (the CSV, windows file and model inputs). The input keeps `testId` (tests set files on it).
 */
export function FileInput({ accept, testId, disabled, onFile, label, className, title }: {
  accept: string; testId: string; disabled?: boolean; onFile: (f: File) => void;
  /** The button's text. */
  label: ReactNode; className?: string; title?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className={className} title={title} disabled={disabled} data-testid={`${testId}-button`} onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input} type="file" accept={accept} data-testid={testId} disabled={disabled} hidden tabIndex={-1} aria-hidden="true"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) onFile(f);
          e.target.value = '';
        }}
      />
    </>
  );
}
