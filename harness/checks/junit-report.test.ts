// check's JUnit XML: a test case per assertion, the failure's evidence where CI shows it, and a
// well-formed document whatever the messages hold.
import { describe, expect, it } from 'vitest';
import { escapeXmlAttribute, escapeXmlText, renderJunitReport } from './junit-report.js';
import type { CheckReport } from './run-checks.js';
import { failingReport, passingReport } from './test-support/check-reports.js';

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const CHARACTER = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd]$|^[\u{10000}-\u{10ffff}]$/u;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Character data with its references resolved; throws on a raw `<`, a bare `&`, or a character XML 1.0 cannot hold. */
function decode(data: string, where: string): string {
  for (const character of data) if (!CHARACTER.test(character)) throw new Error(`${where}: character U+${character.codePointAt(0)!.toString(16)} is not allowed in XML`);
  if (data.includes('<')) throw new Error(`${where}: a raw < in ${JSON.stringify(data)}`);
  if (data.includes(']]>')) throw new Error(`${where}: ]]> outside a CDATA section`);
  return data.replace(/&([^;]*);?/g, (reference, body: string) => {
    if (!reference.endsWith(';')) throw new Error(`${where}: a bare & in ${JSON.stringify(data)}`);
    const code = /^#x[0-9a-fA-F]+$/.test(body) ? parseInt(body.slice(2), 16) : /^#[0-9]+$/.test(body) ? Number(body.slice(1)) : undefined;
    const resolved = code === undefined ? NAMED[body] : String.fromCodePoint(code);
    if (resolved === undefined || !CHARACTER.test(resolved)) throw new Error(`${where}: ${reference} is not a reference XML allows`);
    return resolved;
  });
}

/** A tiny XML 1.0 reader, enough to prove a document well formed: one root, nested tags, quoted unique attributes, legal characters. */
function parseXml(document: string): XmlElement {
  const body = document.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*\s*=\s*"[^"]*")*)\s*(\/?)>/y;
  let position = 0;
  while (position < body.length) {
    const next = body.indexOf('<', position);
    const text = decode(body.slice(position, next === -1 ? body.length : next), `at ${position}`);
    if (stack.length > 0) stack.at(-1)!.text += text;
    else if (text.trim() !== '') throw new Error(`text outside the root element: ${JSON.stringify(text)}`);
    if (next === -1) break;
    tag.lastIndex = next;
    const match = tag.exec(body);
    if (!match) throw new Error(`at ${next}: not a tag: ${JSON.stringify(body.slice(next, next + 40))}`);
    const [whole, closing, name, attributeText, selfClosing] = match as unknown as [string, string, string, string, string];
    position = next + whole.length;
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes ${open ? `<${open.name}>` : 'nothing'}`);
      continue;
    }
    const element: XmlElement = { name, attributes: {}, children: [], text: '' };
    for (const [, attribute, value] of attributeText.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*"([^"]*)"/g)) {
      if (attribute! in element.attributes) throw new Error(`<${name}> repeats the attribute ${attribute}`);
      // A parser turns literal whitespace in an attribute into spaces (XML 1.0, 3.3.3); references survive.
      element.attributes[attribute!] = decode(value!.replace(/[\t\n\r]/g, ' '), `<${name} ${attribute}>`);
    }
    if (stack.length > 0) stack.at(-1)!.children.push(element);
    else if (root) throw new Error(`a second root element <${name}>`);
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

const children = (element: XmlElement, name: string) => element.children.filter((child) => child.name === name);
const suiteOf = (report: CheckReport) => {
  const root = parseXml(renderJunitReport(report, { startedAt: new Date('2026-01-02T03:04:05.678Z'), durationMs: 26_512 }));
  expect(root.name).toBe('testsuites');
  expect(children(root, 'testsuite')).toHaveLength(1);
  return { root, suite: children(root, 'testsuite')[0]! };
};

describe('renderJunitReport', () => {
  it('a passing check: one suite named for the topology, a passing case per assertion with its message as output', () => {
    const { root, suite } = suiteOf(passingReport());
    expect(root.attributes).toEqual({ name: 'lvs-harness check', tests: '3', failures: '0', errors: '0', skipped: '0', time: '26.512' });
    expect(suite.attributes).toEqual({ name: 'lvs-harness check: seed-tun', tests: '3', failures: '0', errors: '0', skipped: '0', time: '26.512', timestamp: '2026-01-02T03:04:05' });
    const cases = children(suite, 'testcase');
    expect(cases.map((testcase) => testcase.attributes)).toEqual([
      { name: 'round-robin', classname: 'seed-tun' },
      { name: 'TUN contract', classname: 'seed-tun' },
      { name: 'doctor', classname: 'seed-tun' },
    ]);
    expect(cases.map((testcase) => testcase.children.map((child) => child.name))).toEqual([['system-out'], ['system-out'], ['system-out']]);
    expect(children(cases[1]!, 'system-out')[0]!.text).toBe('8 connections: all 5 TUN properties held');
  });

  it('carries the run in properties: topology, its file, run id, kernel, the result', () => {
    const { suite } = suiteOf(passingReport());
    const properties = children(children(suite, 'properties')[0]!, 'property').map((property) => [property.attributes.name, property.attributes.value]);
    expect(properties).toEqual([
      ['topology', 'seed-tun'],
      ['source', '/work/fixtures/topologies/seed-tun.yaml'],
      ['runId', '1e449e45'],
      ['kernel', 'User-Mode Linux 6.1.176'],
      ['passed', 'true'],
    ]);
    expect(Object.fromEntries(children(children(suiteOf(failingReport()).suite, 'properties')[0]!, 'property').map((property) => [property.attributes.name, property.attributes.value]))).toMatchObject({
      captureFolder: '/var/tmp/lvs-harness/run/captures',
    });
  });

  it('a failing check: each failed assertion a <failure>, its first line the message, the whole evidence its text', () => {
    const report = failingReport();
    const { root, suite } = suiteOf(report);
    expect(root.attributes).toMatchObject({ tests: '3', failures: '3' });
    const failures = children(suite, 'testcase').map((testcase) => children(testcase, 'failure')[0]!);
    expect(failures.map((failure) => failure.attributes.message)).toEqual([
      'answers do not take turns over web1, web2 (answers: web1 4, no answer 4)',
      '8 connections, 4 failed: property 3 (direct return) failed for 4',
      'doctor: rp-filter-on-tunl0 on web2: effective rp_filter on tunl0 is 1 (strict)',
    ]);
    expect(failures.map((failure) => failure.text)).toEqual(report.verdicts.map((verdict) => verdict.message));
    expect(failures[1]!.text).toContain('lvs:eth0 #7 (/var/tmp/lvs-harness/run/lvs-eth0.pcap): 192.168.73.50.49700 > 192.168.73.120.80');
  });

  it('counts a mix: the passing cases pass, the failing ones fail', () => {
    const report = passingReport();
    report.verdicts.push({ property: 'cluster settled', ok: false, message: 'web1: never answered on 192.168.73.110:80' });
    report.passed = false;
    const { suite } = suiteOf(report);
    expect(suite.attributes).toMatchObject({ tests: '4', failures: '1' });
    expect(children(suite, 'testcase').map((testcase) => children(testcase, 'failure').length)).toEqual([0, 0, 0, 1]);
  });

  it('leaves out the time and timestamp it was not given', () => {
    const root = parseXml(renderJunitReport(passingReport()));
    expect(root.attributes.time).toBeUndefined();
    expect(children(root, 'testsuite')[0]!.attributes).not.toHaveProperty('timestamp');
  });

  it("escapes <>&\"' everywhere: names, classnames, properties, messages", () => {
    const hostile = `<web&1 "a" 'b'> ]]> &amp;`;
    const report = failingReport();
    report.topology = hostile;
    report.kernel = hostile;
    report.verdicts = [
      { property: hostile, ok: false, message: `${hostile}\nsecond ${hostile}` },
      { property: `${hostile} held`, ok: true, message: hostile },
    ];
    const xml = renderJunitReport(report);
    expect(xml).not.toContain(hostile);
    const { suite } = suiteOf(report);
    expect(suite.attributes.name).toBe(`lvs-harness check: ${hostile}`);
    const [failed, passed] = children(suite, 'testcase') as [XmlElement, XmlElement];
    expect(failed.attributes).toEqual({ name: hostile, classname: hostile });
    expect(children(failed, 'failure')[0]!.attributes.message).toBe(hostile);
    expect(children(failed, 'failure')[0]!.text).toBe(`${hostile}\nsecond ${hostile}`);
    expect(children(passed, 'system-out')[0]!.text).toBe(hostile);
    expect(children(children(suite, 'properties')[0]!, 'property').find((property) => property.attributes.name === 'kernel')!.attributes.value).toBe(hostile);
  });

  it('writes what XML cannot hold (control characters, lone surrogates) as \\uXXXX, and keeps tabs, newlines and CRs', () => {
    const raw = 'tcpdump said \u0000\u0001\u001b[31m\u0008\u000b\u000c\u007f \ud800 \udfff \ufffe end\ttab\r\nline 😀';
    const shown = 'tcpdump said \\u0000\\u0001\\u001b[31m\\u0008\\u000b\\u000c\u007f \\ud800 \\udfff \\ufffe end\ttab\r\nline 😀';
    const report = failingReport();
    report.verdicts = [{ property: `TUN contract ${raw}`, ok: false, message: raw }];
    const { suite } = suiteOf(report);
    const testcase = children(suite, 'testcase')[0]!;
    expect(testcase.attributes.name).toBe(`TUN contract ${shown}`);
    expect(children(testcase, 'failure')[0]!.text).toBe(shown);
    expect(children(testcase, 'failure')[0]!.attributes.message).toBe(shown.split('\r\n')[0]);
  });

  it('escapes for text and for attributes, where whitespace is kept as references', () => {
    expect(escapeXmlText(`a<b>&"c"'d'\r\n\t`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#13;\n\t');
    expect(escapeXmlAttribute('one\ttwo\nthree\r')).toBe('one&#9;two&#10;three&#13;');
  });
});

describe('the well-formedness check the tests rely on', () => {
  it.each([
    ['<a><b></a></b>', '</a> closes <b>'],
    ['<a>x & y</a>', 'a bare &'],
    ['<a>&#27;</a>', 'not a reference XML allows'],
    ['<a>\u001b</a>', 'is not allowed in XML'],
    ['<a x="1" x="2"/>', 'repeats the attribute'],
    ['<a>', 'is never closed'],
    ['<a/><b/>', 'a second root element'],
    ['<a x=1/>', 'not a tag'],
    ['<a>]]></a>', ']]> outside a CDATA section'],
  ])('refuses %j', (document, problem) => {
    expect(() => parseXml(document)).toThrow(problem);
  });
});
