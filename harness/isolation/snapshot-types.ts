// The plain data of a root-namespace snapshot: sections of keyed entries, one section per
// kind of state (links, addresses, routes, sysctls, IPVS, firewall), compared key by key.

/** A simple value, or a flat record of fields (a link's mtu, flags, kind...) compared field by field. */
export type EntryValue = string | Readonly<Record<string, string>>;

export interface SnapshotSection {
  /** A short name for messages: "sysctls", "routes (IPv6)". */
  name: string;
  /** The command the state was read with, for messages. */
  command: string;
  /**
   * Entries by key. Text sections (routes, rulesets) use the line as key and '' as value;
   * a line that occurs twice is keyed "line (#2)".
   */
  entries: ReadonlyArray<readonly [key: string, value: EntryValue]>;
  /** Whether the order of the entries is state too (a firewall's rules are matched in order). */
  ordered: boolean;
  /**
   * Why the state could not be read (a kernel without nf_tables): recorded, and compared like
   * any other state, so a build that made it readable is a change too.
   */
  unreadable?: string;
}

export interface RootNamespaceSnapshot {
  /** The network namespace the snapshot was taken in, as /proc/self/ns/net names it. */
  namespace: string;
  /** The initial network namespace, as /proc/1/ns/net names it, or "unknown (EACCES)" where PID 1 is out of reach. */
  initialNamespace: string;
  takenAt: string;
  sections: SnapshotSection[];
}

/** One difference between two snapshots. */
export interface SnapshotChange {
  section: string;
  kind: 'added' | 'removed' | 'changed' | 'reordered';
  key: string;
  before?: string;
  after?: string;
  /** For record values: the fields that differ. */
  fields?: Array<{ field: string; before?: string; after?: string }>;
}
