/** How a failed SMTP send is treated: a permanent failure is recorded and never retried. */
export type SmtpFailureKind = 'permanent' | 'transient';

// nodemailer error codes that no retry can fix: the message or the address itself is refused.
const PERMANENT_CODES = new Set(['EENVELOPE', 'EMESSAGE']);

export function classifySmtpError(error: unknown): SmtpFailureKind {
  const { responseCode, code } = (error ?? {}) as { responseCode?: number; code?: string };
  if (typeof responseCode === 'number') return responseCode >= 500 ? 'permanent' : 'transient';
  if (code !== undefined && PERMANENT_CODES.has(code)) return 'permanent';
  // Connection refused, timeouts, TLS and auth hiccups: the server may come back.
  return 'transient';
}
