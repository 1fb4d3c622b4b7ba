// Compares two root-namespace snapshots and says what changed, in words that name the
// section, the key (a sysctl, a link, a route) and the values before and after. Pure.
import type { EntryValue, RootNamespaceSnapshot, SnapshotChange, SnapshotSection } from './snapshot-types.js';

/** Every difference between two snapshots, section by section, in the sections' order. */
export function diffSnapshots(before: RootNamespaceSnapshot, after: RootNamespaceSnapshot): SnapshotChange[] {
  const changes: SnapshotChange[] = [];
  if (before.namespace !== after.namespace) {
    changes.push({ section: 'namespace', kind: 'changed', key: 'the snapshots were taken in', before: before.namespace, after: after.namespace });
  }
  const afterByName = new Map(after.sections.map((section) => [section.name, section]));
  for (const section of before.sections) {
    const other = afterByName.get(section.name);
    if (!other) {
      changes.push({ section: section.name, kind: 'removed', key: '(the whole section)' });
      continue;
    }
    changes.push(...diffSections(section, other));
  }
  const beforeNames = new Set(before.sections.map((section) => section.name));
  for (const section of after.sections) {
    if (!beforeNames.has(section.name)) changes.push({ section: section.name, kind: 'added', key: '(the whole section)' });
  }
  return changes;
}

/** The differences within one section: entries added, removed, changed, or the same entries in another order. */
export function diffSections(before: SnapshotSection, after: SnapshotSection): SnapshotChange[] {
  const section = before.name;
  const changes: SnapshotChange[] = [];
  if (before.unreadable !== after.unreadable) {
    changes.push({ section, kind: 'changed', key: '(readable)', before: before.unreadable ?? 'readable', after: after.unreadable ?? 'readable' });
  }
  const beforeMap = new Map(before.entries);
  const afterMap = new Map(after.entries);
  for (const [key, value] of before.entries) {
    if (!afterMap.has(key)) {
      changes.push({ section, kind: 'removed', key, before: describeValue(value) });
      continue;
    }
    const other = afterMap.get(key)!;
    if (sameValue(value, other)) continue;
    if (typeof value === 'string' || typeof other === 'string') {
      changes.push({ section, kind: 'changed', key, before: describeValue(value), after: describeValue(other) });
    } else {
      changes.push({ section, kind: 'changed', key, fields: diffFields(value, other) });
    }
  }
  for (const [key, value] of after.entries) {
    if (!beforeMap.has(key)) changes.push({ section, kind: 'added', key, after: describeValue(value) });
  }
  if (changes.length === 0 && before.ordered) {
    const firstMoved = before.entries.findIndex(([key], index) => after.entries[index]?.[0] !== key);
    if (firstMoved !== -1) {
      changes.push({ section, kind: 'reordered', key: before.entries[firstMoved]![0], before: `at position ${firstMoved + 1}`, after: `at position ${after.entries.findIndex(([key]) => key === before.entries[firstMoved]![0]) + 1}` });
    }
  }
  return changes;
}

/** Per section: a new link alone brings a hundred sysctls, which must not hide the rest. */
const MAX_LISTED_PER_SECTION = 8;
const MAX_VALUE_LENGTH = 160;

/** One line per change, at most MAX_LISTED_PER_SECTION per section, for an assertion's message. */
export function formatSnapshotChanges(changes: readonly SnapshotChange[]): string {
  if (changes.length === 0) return 'the root namespace is unchanged';
  const bySection = new Map<string, SnapshotChange[]>();
  for (const change of changes) bySection.set(change.section, [...(bySection.get(change.section) ?? []), change]);
  const lines: string[] = [];
  for (const [section, sectionChanges] of bySection) {
    const described = collapseInterfaceSysctls(sectionChanges);
    lines.push(...described.slice(0, MAX_LISTED_PER_SECTION).map((line) => `  ${line}`));
    const more = described.length - MAX_LISTED_PER_SECTION;
    if (more > 0) lines.push(`  ${section}: ... and ${more} more`);
  }
  return `the root namespace changed (${changes.length} difference${changes.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** "sysctls: changed net.ipv4.ip_forward: 0 -> 1", "links: added veth0 (...)". */
export function formatChange(change: SnapshotChange): string {
  const head = `${change.section}: ${change.kind} ${change.key}`;
  switch (change.kind) {
    case 'added':
      return change.after ? `${head} (${clip(change.after)})` : head;
    case 'removed':
      return change.before ? `${head} (was ${clip(change.before)})` : head;
    case 'reordered':
      return `${head}: ${change.before}, now ${change.after}`;
    case 'changed':
      if (change.fields) return `${head}: ${change.fields.map((field) => `${field.field} ${field.before ?? '(none)'} -> ${field.after ?? '(none)'}`).join(', ')}`;
      return `${head}: ${clip(change.before ?? '')} -> ${clip(change.after ?? '')}`;
  }
}

/**
 * A link added or removed brings or takes its own few dozen sysctls (net.ipv4.conf.<link>.*):
 * those are said in one line per folder, not one per key.
 */
function collapseInterfaceSysctls(changes: readonly SnapshotChange[]): string[] {
  const folderOf = (change: SnapshotChange) =>
    (change.kind === 'added' || change.kind === 'removed') && /^net\.ipv[46]\.(conf|neigh)\.[^.]+\./.test(change.key)
      ? `${change.kind} ${change.key.split('.').slice(0, 4).join('.')}.*`
      : undefined;
  const counts = new Map<string, number>();
  for (const change of changes) {
    const folder = folderOf(change);
    if (folder) counts.set(folder, (counts.get(folder) ?? 0) + 1);
  }
  const said = new Set<string>();
  const lines: string[] = [];
  for (const change of changes) {
    const folder = folderOf(change);
    if (!folder || (counts.get(folder) ?? 0) < 3) lines.push(formatChange(change));
    else if (!said.has(folder)) {
      said.add(folder);
      lines.push(`${change.section}: ${folder} (${counts.get(folder)} keys)`);
    }
  }
  return lines;
}

function diffFields(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): NonNullable<SnapshotChange['fields']> {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields.filter((field) => before[field] !== after[field]).map((field) => ({ field, before: before[field], after: after[field] }));
}

function sameValue(a: EntryValue, b: EntryValue): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function describeValue(value: EntryValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([field, text]) => `${field}=${text}`)
    .join(' ');
}

function clip(text: string): string {
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 3)}...` : text;
}
