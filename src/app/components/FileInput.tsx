/**
 * A file input that hands over the first chosen file and then clears itself, so that choosing the
 * same file again fires again (the CSV, windows file and model inputs).
 */
export function FileInput({ accept, testId, disabled, onFile }: { accept: string; testId: string; disabled?: boolean; onFile: (f: File) => void }) {
  return (
    <input
      type="file" accept={accept} data-testid={testId} disabled={disabled}
      onChange={(e) => {
        const f = e.target.files?.[0];
        if (f) onFile(f);
        e.target.value = '';
      }}
    />
  );
}
