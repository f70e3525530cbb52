import type { DocumentSourceReader, RemoteDocument } from '../../documents/sync.js';
import type { FeishuApi } from './api.js';

/**
 * Reads Feishu Docs (docx) through the SDK: documents listed from wiki spaces (recursively),
 * drive folders (recursively) and single document tokens; each document's blocks become
 * markdown with its heading blocks as `#` lines, so citations name the document's own sections.
 */

export interface FeishuDocsConfig {
  wikiSpaces: readonly string[];
  folders: readonly string[];
  documents: readonly string[];
}

interface Block {
  block_type?: number;
  [key: string]: unknown;
}

interface TextElement {
  text_run?: { content?: string };
  mention_doc?: { title?: string };
  mention_user?: { user_id?: string };
  equation?: { content?: string };
}

/** Block type numbers of the docx API: 3–11 are heading1–heading9. */
const HEADING_FIRST = 3;
const HEADING_LAST = 11;
/** Types whose text we keep, and the key their elements live under. */
const TEXT_KEYS: Record<number, string> = { 2: 'text', 12: 'bullet', 13: 'ordered', 14: 'code', 15: 'quote', 17: 'todo' };
const PAGE_SIZE = 50;
const MAX_DEPTH = 8;

function elementsText(elements: unknown): string {
  if (!Array.isArray(elements)) return '';
  return (elements as TextElement[])
    .map((e) => e.text_run?.content ?? e.mention_doc?.title ?? e.equation?.content ?? '')
    .join('')
    .replace(/\s+$/u, '');
}

/** The document's blocks, in document order, as markdown. */
export function blocksToMarkdown(blocks: readonly Block[]): string {
  const lines: string[] = [];
  for (const b of blocks) {
    const type = b.block_type ?? 0;
    if (type >= HEADING_FIRST && type <= HEADING_LAST) {
      const level = type - HEADING_FIRST + 1;
      const text = elementsText((b[`heading${level}`] as { elements?: unknown } | undefined)?.elements).trim();
      if (text) lines.push('', `${'#'.repeat(Math.min(level, 6))} ${text}`);
      continue;
    }
    const key = TEXT_KEYS[type];
    if (!key) continue;
    const text = elementsText((b[key] as { elements?: unknown } | undefined)?.elements);
    if (text.trim()) lines.push(type === 12 ? `- ${text}` : text);
  }
  return `${lines.join('\n').trim()}\n`;
}

export class FeishuDocsReader implements DocumentSourceReader {
  constructor(
    private readonly api: FeishuApi,
    private readonly config: FeishuDocsConfig,
  ) {}

  async list(): Promise<RemoteDocument[]> {
    const found: RemoteDocument[] = [];
    for (const space of this.config.wikiSpaces) await this.listWiki(space, undefined, found, 0);
    for (const folder of this.config.folders) await this.listFolder(folder, found, 0);
    for (const token of this.config.documents) found.push(await this.document(token));
    return found;
  }

  async markdown(ref: string): Promise<string> {
    const blocks: Block[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.api.call('docx.documentBlock.list', () =>
        this.api.client.docx.v1.documentBlock.list({
          path: { document_id: ref },
          params: { page_size: 500, document_revision_id: -1, ...(pageToken ? { page_token: pageToken } : {}) },
        }),
      );
      blocks.push(...((res.data?.items ?? []) as Block[]));
      pageToken = res.data?.has_more ? res.data.page_token : undefined;
    } while (pageToken);
    return blocksToMarkdown(blocks);
  }

  private async document(token: string): Promise<RemoteDocument> {
    const res = await this.api.call('docx.document.get', () => this.api.client.docx.v1.document.get({ path: { document_id: token } }));
    const doc = res.data?.document;
    return { ref: token, title: doc?.title || token, revision: String(doc?.revision_id ?? 0) };
  }

  private async listWiki(space: string, parent: string | undefined, found: RemoteDocument[], depth: number): Promise<void> {
    let pageToken: string | undefined;
    do {
      const res = await this.api.call('wiki.spaceNode.list', () =>
        this.api.client.wiki.v2.spaceNode.list({
          path: { space_id: space },
          params: { page_size: PAGE_SIZE, ...(parent ? { parent_node_token: parent } : {}), ...(pageToken ? { page_token: pageToken } : {}) },
        }),
      );
      for (const node of res.data?.items ?? []) {
        // Wiki nodes hold docs, sheets, files…; only docx documents are read.
        if (node.obj_type === 'docx' && node.obj_token) found.push(await this.document(node.obj_token));
        if (node.has_child && node.node_token && depth < MAX_DEPTH) await this.listWiki(space, node.node_token, found, depth + 1);
      }
      pageToken = res.data?.has_more ? res.data.page_token : undefined;
    } while (pageToken);
  }

  private async listFolder(folder: string, found: RemoteDocument[], depth: number): Promise<void> {
    let pageToken: string | undefined;
    do {
      const res = await this.api.call('drive.file.list', () =>
        this.api.client.drive.v1.file.list({ params: { folder_token: folder, page_size: PAGE_SIZE, ...(pageToken ? { page_token: pageToken } : {}) } }),
      );
      for (const file of res.data?.files ?? []) {
        if (file.type === 'docx' && file.token) found.push(await this.document(file.token));
        else if (file.type === 'folder' && file.token && depth < MAX_DEPTH) await this.listFolder(file.token, found, depth + 1);
      }
      pageToken = res.data?.has_more ? res.data.next_page_token : undefined;
    } while (pageToken);
  }
}
