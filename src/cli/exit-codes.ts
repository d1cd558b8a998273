/** The CLI's exit codes, as the README's table documents them. */
export const EXIT_OK = 0;
/** Failures at or above --fail-on (`diff`: a new or worsened finding). */
export const EXIT_FINDINGS = 1;
/** Usage, config, credentials, endpoint or snapshot error, or an audit that audited nothing. */
export const EXIT_USAGE = 2;
/** With --fail-on-coverage-gap: the audit is partial. */
export const EXIT_COVERAGE_GAP = 3;
