// check --json's schema is a contract: the committed JSON Schema file is the zod schema's, every
// field of the in-memory report has its place in it, and what check prints validates.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { packagePath } from '../package-root.js';
import type { Finding } from '../doctor/diagnose.js';
import type { Distribution, DistributionVerdict } from '../verdicts/distribution.js';
import type { ConnectionVerdict, PropertyVerdict, VerdictEvidence } from '../verdicts/tun-contract-types.js';
import { checkReportJson, checkReportJsonSchema, checkReportJsonSchemaText, type CheckReportJson } from './check-report-json.js';
import type { CheckReport } from './run-checks.js';
import { failingReport, passingReport } from './test-support/check-reports.js';

type VerdictJson = CheckReportJson['verdicts'][number];
type ConnectionJson = CheckReportJson['connections'][number];
type PropertyJson = ConnectionJson['properties'][number];

/** What check --json prints, read back as a reader would. */
const printed = (report: CheckReport): unknown => JSON.parse(JSON.stringify(checkReportJson(report), null, 2));

describe('the check report schema', () => {
  it('is committed as schemas/check-report.v1.schema.json, exactly as the zod schema generates it (vitest -u rewrites it)', async () => {
    await expect(checkReportJsonSchemaText()).toMatchFileSnapshot(packagePath('schemas', 'check-report.v1.schema.json'));
  });

  it('has a place for every field of the in-memory report, so none is printed unlisted (checked by tsc)', () => {
    expectTypeOf<Exclude<keyof CheckReportJson, 'schemaVersion'>>().toEqualTypeOf<keyof CheckReport>();
    expectTypeOf<keyof VerdictJson>().toEqualTypeOf<keyof DistributionVerdict>();
    expectTypeOf<keyof NonNullable<VerdictJson['distribution']>>().toEqualTypeOf<keyof Distribution>();
    expectTypeOf<keyof CheckReportJson['findings'][number]>().toEqualTypeOf<keyof Finding>();
    expectTypeOf<keyof ConnectionJson>().toEqualTypeOf<keyof ConnectionVerdict>();
    expectTypeOf<keyof PropertyJson>().toEqualTypeOf<keyof PropertyVerdict>();
    expectTypeOf<keyof PropertyJson['evidence'][number]>().toEqualTypeOf<keyof VerdictEvidence>();
  });

  it.each([
    ['a passing report', passingReport()],
    ['a failing report', failingReport()],
  ])('validates %s as printed, version first and every field as before', (_name, report) => {
    const json = printed(report);
    expect(checkReportJsonSchema.parse(json)).toEqual(json);
    expect(Object.keys(json as object)[0]).toBe('schemaVersion');
    // Readers of the unversioned output (the suites among them) find what they found before.
    expect(json).toEqual({ schemaVersion: 1, ...JSON.parse(JSON.stringify(report)) });
  });

  it('refuses another version, and a report missing a field', () => {
    const json = printed(passingReport()) as Record<string, unknown>;
    expect(checkReportJsonSchema.safeParse({ ...json, schemaVersion: 2 }).success).toBe(false);
    const { verdicts: _verdicts, ...withoutVerdicts } = json;
    expect(checkReportJsonSchema.safeParse(withoutVerdicts).error?.issues[0]?.path).toEqual(['verdicts']);
  });

  it('accepts fields added within the version: the JSON Schema leaves objects open', () => {
    const schema = JSON.parse(checkReportJsonSchemaText()) as { $schema: string; additionalProperties?: unknown; required: string[] };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBeUndefined();
    expect(schema.required).toEqual(['schemaVersion', 'topology', 'runId', 'kernel', 'passed', 'verdicts', 'findings', 'notes', 'connections']);
    expect(checkReportJsonSchema.safeParse({ ...(printed(passingReport()) as object), durationMs: 12 }).success).toBe(true);
  });
});
