import type { IncomingFile } from '../../core/types.js';
import type { SkipReason } from '../shared/texts.js';
import { MAX_UPLOAD_BYTES } from '../../core/limits.js';

/** The parts of a Slack file object we use (events, message shortcuts). */
export interface SlackFileRef {
  id?: string;
  name?: string;
  title?: string;
  mimetype?: string;
  size?: number;
  url_private_download?: string;
  url_private?: string;
  mode?: string;
}

export interface FileDownloadResult {
  files: IncomingFile[];
  /** Files left out, with the reason, so the user can be told instead of silently ignored. */
  skipped: { name: string; reason: SkipReason }[];
}

/**
 * Where the bot token may be sent. Slack serves files from *.slack.com; a configured
 * SLACK_API_URL (proxy, test server) is trusted too. Anything else would leak the token.
 */
export function isTrustedFileUrl(url: string, apiUrl?: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'https:' && (u.hostname === 'slack.com' || u.hostname.endsWith('.slack.com'))) return true;
  if (!apiUrl) return false;
  try {
    const api = new URL(apiUrl);
    return u.protocol === api.protocol && u.host === api.host;
  } catch {
    return false;
  }
}

async function readLimited(res: Response, limit: number): Promise<Uint8Array | null> {
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Downloads message attachments with the bot token, enforcing the size limit before and during the transfer. */
export async function downloadSlackFiles(
  refs: readonly SlackFileRef[] | undefined,
  opts: { token: string; apiUrl?: string; maxBytes?: number; timeoutMs?: number; fetchFn?: typeof fetch },
): Promise<FileDownloadResult> {
  const limit = opts.maxBytes ?? MAX_UPLOAD_BYTES;
  const fetchFn = opts.fetchFn ?? fetch;
  const result: FileDownloadResult = { files: [], skipped: [] };
  for (const ref of refs ?? []) {
    if (!ref || typeof ref !== 'object') continue;
    const name = String(ref.name || ref.title || ref.id || 'file');
    const url = ref.url_private_download || ref.url_private;
    if (typeof ref.size === 'number' && ref.size > limit) {
      result.skipped.push({ name, reason: 'too_large' });
      continue;
    }
    if (!url || ref.mode === 'external' || ref.mode === 'tombstone' || !isTrustedFileUrl(url, opts.apiUrl)) {
      result.skipped.push({ name, reason: 'not_downloadable' });
      continue;
    }
    try {
      const res = await fetchFn(url, {
        headers: { Authorization: `Bearer ${opts.token}` },
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
      });
      if (!res.ok) {
        result.skipped.push({ name, reason: 'failed' });
        continue;
      }
      const data = await readLimited(res, limit);
      if (!data) {
        result.skipped.push({ name, reason: 'too_large' });
        continue;
      }
      result.files.push({ name, mimeType: ref.mimetype, size: data.byteLength, data });
    } catch {
      result.skipped.push({ name, reason: 'failed' });
    }
  }
  return result;
}
