// SARIF 2.1.0 for code-scanning uploads: one run, the kit's rules as reportingDescriptors, one result per finding.
export type RuleInfo = { id: string; reason: string; severity: 'error' | 'warning'; rewrite?: string }
// What a result needs of a finding (check-idempotent's findings have this shape and more).
export type SarifFinding = { rule: string; severity: 'error' | 'warning'; message: string; line: number; column: number; endLine: number; endColumn: number }
export type FileFindings = { file: string; findings: readonly SarifFinding[] }

export function renderSarif(files: readonly FileFindings[], rules: readonly RuleInfo[]): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'supabase-migration-kit check-idempotent',
            informationUri: 'https://supabase.com/docs/guides/deployment/database-migrations',
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.reason },
              ...(r.rewrite ? { help: { text: `Idempotent form: ${r.rewrite}` } } : {}),
              defaultConfiguration: { level: r.severity },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: files.flatMap((f) =>
          f.findings.map((x) => ({
            ruleId: x.rule,
            ruleIndex: Math.max(0, rules.findIndex((r) => r.id === x.rule)),
            level: x.severity,
            message: { text: x.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: f.file.split('\\').join('/') },
                  region: { startLine: x.line, startColumn: x.column, endLine: x.endLine, endColumn: x.endColumn },
                },
              },
            ],
          })),
        ),
      },
    ],
  }
}
