// `check`'s report as JUnit XML, the format CI systems show as test cases: one test suite per
// check, one test case per assertion, the failure's evidence in the case. Pure.
import type { CheckReport } from './run-checks.js';

export interface JunitOptions {
  /** When the check started: the suite's timestamp. */
  startedAt?: Date;
  /** How long the assertions took, for the suite's time. */
  durationMs?: number;
}

/** The report as a JUnit XML document: `<testsuites>` holding one `<testsuite>`, a `<testcase>` per verdict. */
export function renderJunitReport(report: CheckReport, options: JunitOptions = {}): string {
  const failures = report.verdicts.filter((verdict) => !verdict.ok).length;
  const counts = {
    tests: String(report.verdicts.length),
    failures: String(failures),
    errors: '0',
    skipped: '0',
    time: options.durationMs === undefined ? undefined : (options.durationMs / 1000).toFixed(3),
  };
  const suite = {
    name: `lvs-harness check: ${report.topology}`,
    ...counts,
    // JUnit's timestamp is ISO 8601 without a zone: UTC, to the second.
    timestamp: options.startedAt?.toISOString().slice(0, 19),
  };
  const properties = Object.entries({
    topology: report.topology,
    source: report.source,
    runId: report.runId,
    kernel: report.kernel,
    passed: String(report.passed),
    captureFolder: report.captureFolder,
  });

  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attributes({ name: 'lvs-harness check', ...counts })}>`];
  lines.push(`  <testsuite${attributes(suite)}>`, '    <properties>');
  for (const [name, value] of properties) if (value !== undefined) lines.push(`      <property${attributes({ name, value })}/>`);
  lines.push('    </properties>');
  for (const verdict of report.verdicts) {
    lines.push(`    <testcase${attributes({ name: verdict.property, classname: report.topology })}>`);
    if (verdict.ok) {
      lines.push(`      <system-out>${escapeXmlText(verdict.message)}</system-out>`);
    } else {
      const [first = ''] = verdict.message.split(/\r?\n/);
      lines.push(`      <failure${attributes({ message: first, type: 'assertion failed' })}>${escapeXmlText(verdict.message)}</failure>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

/** ` name="value"` for each entry with a value, escaped for an attribute. */
function attributes(values: Record<string, string | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(value)}"`)
    .join('');
}

/**
 * Text safe between tags: the markup characters as entities, and what XML 1.0 cannot hold at
 * all (control characters but tab, newline and CR; lone surrogates; U+FFFE, U+FFFF) written
 * out as `\uXXXX`, so a tcpdump line with a stray byte still yields a document CI can read.
 */
export function escapeXmlText(text: string): string {
  return replaceUnrepresentable(text).replace(/[&<>"'\r]/g, (character) => ENTITIES[character]!);
}

/** Text safe inside a double-quoted attribute: as text, and tabs and newlines kept as references (a parser would turn them into spaces). */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text).replace(/[\t\n]/g, (character) => ENTITIES[character]!);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;' };

function replaceUnrepresentable(text: string): string {
  return text.replace(
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
