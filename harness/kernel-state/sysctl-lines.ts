// What `sysctl` prints (`key = value`, one a line), read once for the doctor and the isolation
// snapshot. Pure.

/** The `key = value` lines of `sysctl -a` (or of a pattern), in the order printed; values trimmed. */
export function parseSysctlLines(text: string): Array<[key: string, value: string]> {
  const entries: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    const match = /^\s*([^\s=]+)\s*=\s?(.*)$/.exec(line);
    if (match) entries.push([match[1]!, match[2]!.trim()]);
  }
  return entries;
}

/** The same, as a record by key. */
export function sysctlValues(text: string): Record<string, string> {
  return Object.fromEntries(parseSysctlLines(text));
}
