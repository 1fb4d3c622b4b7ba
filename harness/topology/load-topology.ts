// Reads a topology file (YAML or JSON), validates it strictly and resolves it. Nothing is
// built from a file that fails here, and the error names the file and every bad field.
import { readFile } from 'node:fs/promises';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { basename, extname, isAbsolute } from 'node:path';
import { parseDocument } from 'yaml';
import { topologyFileSchema } from './topology-schema.js';
import { resolveTopology } from './resolve-topology.js';
import { expandGenerated } from './expand-generated.js';
import { TopologyError, formatFieldPath, type TopologyProblem } from './topology-error.js';
import type { Topology } from './topology.js';

/** Loads and validates a topology file from disk. */
export async function loadTopologyFile(path: string): Promise<Topology> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (error as Error).message;
    throw new TopologyError(path, [{ path: '', message: `cannot read: ${reason}` }]);
  }
  return parseTopologyText(text, path);
}

/** Validates topology text; JSON is YAML, so one parser serves both and reports line numbers. */
export function parseTopologyText(text: string, source: string): Topology {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new TopologyError(
      source,
      // prettyErrors already puts the line and column in the message's first line.
      document.errors.map((error) => ({ path: '', message: `not valid YAML or JSON: ${error.message.split('\n')[0]}` })),
    );
  }
  let data: unknown;
  try {
    // A bound on aliases: a "billion laughs" file would otherwise expand without end.
    data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new TopologyError(source, [{ path: '', message: `not a usable YAML document: ${(error as Error).message}` }]);
  }
  return validateTopologyData(data, source);
}

/** Validates data already in memory (a topology written in code or JSON). */
export function validateTopologyData(data: unknown, source = '(in memory)'): Topology {
  const parsed = topologyFileSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const problems: TopologyProblem[] = parsed.error.issues.map((issue) => ({
      path: formatFieldPath(issue.path),
      message: describeIssue(issue as SchemaIssue),
    }));
    throw new TopologyError(source, problems);
  }
  const fallbackName = basename(source, extname(source)) || 'topology';
  const expanded = expandGenerated(parsed.data);
  if (expanded.problems.length > 0) throw new TopologyError(source, expanded.problems);
  const result = resolveTopology(expanded.file, fallbackName, source);
  if (result.problems.length > 0 || !result.topology) throw new TopologyError(source, result.problems);
  const missing = missingConfigurators(result.topology);
  if (missing.length > 0) throw new TopologyError(source, missing);
  return result.topology;
}

/** A configurator named by path must be there: found missing at build time, it would be a failed cluster, not a bad file. */
function missingConfigurators(topology: Topology): TopologyProblem[] {
  return topology.hosts.flatMap((host) => {
    const program = host.configurator?.argv[0];
    if (!program || !isAbsolute(program)) return [];
    const problem = notAProgram(program);
    return problem ? [{ path: `hosts.${host.name}.configurator.run[0]`, message: `${problem}: ${program}` }] : [];
  });
}

/** Why a path cannot be run as a program, or undefined when it can. */
function notAProgram(path: string): string | undefined {
  if (!existsSync(path)) return 'no such file';
  if (!statSync(path).isFile()) return 'not a file';
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return 'not executable (chmod +x it)';
  }
  return undefined;
}

interface SchemaIssue {
  code: string;
  message: string;
  keys?: string[];
  input?: unknown;
  issues?: SchemaIssue[];
}

function describeIssue(issue: SchemaIssue): string {
  // A bad host name is a bad record key; its own issues say why.
  if (issue.code === 'invalid_key' && issue.issues?.length) return issue.issues.map(describeIssue).join('; ');
  if (issue.code === 'unrecognized_keys' && issue.keys) return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}
