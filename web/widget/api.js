// The contact service client (src/contact/API.md): same-origin /api/v1/...,
// JSON both ways. The service's answers are untrusted bytes: they are read
// here only, size-limited, and reduced to the fields the screens use.
// Every call resolves to { ok: true, data } or { ok: false, status, error }
// where error = { code, field, message: {nl, en} } — never throws.

const MAX_BODY = 16 * 1024;      // the service's own limit (API.md)
const TIMEOUT_MS = 15000;

const str = (v, max = 200) => (typeof v === 'string' && v.length <= max ? v : null);

function parseError(status, body, retryAfter) {
  const e = body && typeof body === 'object' && body.error && typeof body.error === 'object' ? body.error : {};
  const m = e.message && typeof e.message === 'object' ? e.message : {};
  const msg = str(m.nl, 500) && str(m.en, 500) ? { nl: m.nl, en: m.en } : null;
  const retry = Number.parseInt(retryAfter ?? '', 10);
  return {
    code: str(e.code, 64) ?? (status >= 500 ? 'server' : 'unknown'),
    field: str(e.field, 64),
    message: status >= 500 ? null : msg,      // 500s carry no details (API.md)
    retryAfter: Number.isFinite(retry) && retry >= 0 && retry < 86400 ? retry : null,
  };
}

export async function postJson(path, payload, { fetchImpl = fetch } = {}) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
  let res, text;
  try {
    res = await fetchImpl(path, {
      method: 'POST', credentials: 'same-origin', signal: ctl.signal,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(payload),
    });
    text = await res.text();
  } catch {
    return { ok: false, status: 0, error: { code: 'network', field: null, message: null, retryAfter: null } };
  } finally {
    clearTimeout(timer);
  }
  let body = null;
  if (text.length <= MAX_BODY) { try { body = JSON.parse(text); } catch { body = null; } }
  if (res.ok && body && typeof body === 'object') return { ok: true, status: res.status, data: body };
  const status = res.ok ? 502 : res.status;   // a 2xx without valid JSON is a broken answer
  return { ok: false, status, error: parseError(status, body, res.headers.get('Retry-After')) };
}

const REF_RE = /^[A-Z0-9-]{4,40}$/;

/** POST /api/v1/requests → { reference, status, neighbourhood } */
export async function sendRequest(req, opts) {
  const r = await postJson('/api/v1/requests', req, opts);
  if (!r.ok) return r;
  const reference = str(r.data.reference, 40);
  if (!reference || !REF_RE.test(reference)) return { ok: false, status: 502, error: parseError(502, null) };
  return { ok: true, status: r.status, data: { reference, status: str(r.data.status, 20), neighbourhood: str(r.data.neighbourhood, 64) } };
}

const STATUSES = ['queued', 'claimed', 'inviting', 'in_call', 'done'];

/** POST /api/v1/requests/status → { reference, status, preference } (status one of STATUSES). */
export async function requestStatus(lookup, opts) {
  const r = await postJson('/api/v1/requests/status', lookup, opts);
  if (!r.ok) return r;
  const status = STATUSES.includes(r.data.status) ? r.data.status : null;
  const reference = str(r.data.reference, 40);
  if (!status || !reference || !REF_RE.test(reference)) return { ok: false, status: 502, error: parseError(502, null) };
  return { ok: true, status: r.status, data: { reference, status, preference: r.data.preference === 'phone' ? 'phone' : 'video' } };
}

/** POST /api/v1/feedback { token, how?, again? } → { ok }. */
export async function sendFeedback(answers, opts) {
  return postJson('/api/v1/feedback', answers, opts);
}

/** POST /api/v1/requests/cancel → { reference, status: 'cancelled' }. */
export async function cancelRequest(lookup, opts) {
  const r = await postJson('/api/v1/requests/cancel', lookup, opts);
  if (!r.ok) return r;
  if (r.data.status !== 'cancelled') return { ok: false, status: 502, error: parseError(502, null) };
  return { ok: true, status: r.status, data: { reference: str(r.data.reference, 40) } };
}

/** POST /api/v1/invitations/redeem → the call's coordinates (API.md). */
export async function redeemInvitation(token, opts) {
  const r = await postJson('/api/v1/invitations/redeem', { token }, opts);
  if (!r.ok) return r;
  const d = r.data, o = d.officer && typeof d.officer === 'object' ? d.officer : {};
  const data = {
    callId: str(d.call_id, 100), room: Number.isSafeInteger(d.room) ? d.room : null, pin: str(d.pin, 64),
    janusUrl: str(d.janus_url, 300), janusToken: str(d.janus_token, 2000),
    participantId: str(d.participant_id, 100),
    // Whom the link admits: the citizen, or an interpreter with a link of their own.
    role: d.role === 'interpreter' ? 'interpreter' : 'citizen',
    // number: the officer number in the officer's certificate; only that
    // officer is shown as verified. A malformed one counts as none (fail closed).
    officer: { displayName: str(o.display_name, 100) ?? '', team: str(o.team, 100) ?? '',
      number: typeof o.number === 'string' && /^[0-9A-Za-z-]{1,32}$/.test(o.number) ? o.number : '' },
    expiresAt: str(d.expires_at, 40),
    // For the two questions after the call: one use, tied to no person.
    feedbackToken: typeof d.feedback_token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(d.feedback_token) ? d.feedback_token : null,
  };
  if (data.room == null || !data.janusUrl) return { ok: false, status: 502, error: parseError(502, null) };
  return { ok: true, status: r.status, data };
}

/**
 * POST /api/v1/calls/where → where the call is now, with a new Janus token (API.md):
 * { janusUrl, token, room, pin, moved }; { ended } when it is over (410) or the token is
 * not the service's (403); null when not known now.
 */
export async function locateCall(janusToken, opts) {
  const r = await postJson('/api/v1/calls/where', { janus_token: janusToken }, opts);
  const over = { call_ended: 'no_room', call_token_invalid: 'unauthorized' }[r.error?.code];
  if (over) return { ended: over };
  const c = r.ok && r.data?.call && typeof r.data.call === 'object' ? r.data.call : null;
  const data = c && { janusUrl: str(c.janus_url, 300), token: str(c.janus_token, 2000),
    room: Number.isSafeInteger(c.room) ? c.room : null, pin: str(c.pin, 64), moved: r.data.moved === true };
  return data?.janusUrl && data.token && data.room != null ? data : null;
}

/**
 * The invitation in "#invite=<token>&key=<key>": the one-time token the contact service
 * redeems, and the call's end-to-end secret (32 bytes, base64url), which the officer's console
 * made and put here, in the fragment, so that no server ever sees it. null when there is no
 * invitation; { token: '', key: '' } when it is malformed or incomplete.
 */
export function inviteFrom(hash) {
  if (!/^#invite=/.test(hash || '')) return null;
  const m = /^#invite=([A-Za-z0-9_-]{16,512})&key=([A-Za-z0-9_-]{43})(?:&|$)/.exec(hash);
  return m ? { token: m[1], key: m[2] } : { token: '', key: '' };
}
