import type { ServerResponse } from 'node:http';

/**
 * The Feishu Docs / Wiki / Drive part of the fake open API, answering as the real endpoints do
 * (same paths, paging with page_token / has_more, data shapes the SDK types describe): wiki
 * space nodes, drive folder listings, docx document info and document blocks.
 */

export type FakeBlock = { block_type: number; [key: string]: unknown };
export type FakeParagraph = { h: number; text: string } | { p: string } | { bullet: string };

interface FakeDoc {
  token: string;
  title: string;
  revision: number;
  blocks: FakeBlock[];
}

interface FakeNode {
  node_token: string;
  obj_token: string;
  obj_type: string;
  title: string;
  parent: string;
}

const run = (content: string) => ({ elements: [{ text_run: { content, text_element_style: {} } }], style: {} });

export function blocksFrom(title: string, paragraphs: FakeParagraph[]): FakeBlock[] {
  const blocks: FakeBlock[] = [{ block_type: 1, block_id: 'page', page: run(title) }];
  paragraphs.forEach((p, i) => {
    if ('h' in p) blocks.push({ block_type: 2 + p.h, block_id: `b${i}`, [`heading${p.h}`]: run(p.text) });
    else if ('bullet' in p) blocks.push({ block_type: 12, block_id: `b${i}`, bullet: run(p.bullet) });
    else blocks.push({ block_type: 2, block_id: `b${i}`, text: run(p.p) });
  });
  // A table and a divider: structure without text of its own.
  blocks.push({ block_type: 22, block_id: 'divider', divider: {} });
  return blocks;
}

export class FakeFeishuDocs {
  readonly docs = new Map<string, FakeDoc>();
  readonly wikiNodes = new Map<string, FakeNode[]>();
  readonly folders = new Map<string, { token: string; name: string; type: string }[]>();
  /** At most this many items per page, whatever page_size asks: exercises the reader's paging. */
  maxPage = 2;

  putDocument(token: string, title: string, paragraphs: FakeParagraph[]): void {
    const old = this.docs.get(token);
    this.docs.set(token, { token, title, revision: (old?.revision ?? 0) + 1, blocks: blocksFrom(title, paragraphs) });
  }

  deleteDocument(token: string): void {
    this.docs.delete(token);
    for (const nodes of this.wikiNodes.values()) for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i]!.obj_token === token) nodes.splice(i, 1);
    for (const files of this.folders.values()) for (let i = files.length - 1; i >= 0; i--) if (files[i]!.token === token) files.splice(i, 1);
  }

  addWikiNode(space: string, node: { node: string; obj: string; type?: string; title: string; parent?: string }): void {
    const nodes = this.wikiNodes.get(space) ?? [];
    nodes.push({ node_token: node.node, obj_token: node.obj, obj_type: node.type ?? 'docx', title: node.title, parent: node.parent ?? '' });
    this.wikiNodes.set(space, nodes);
  }

  addFolderEntry(folder: string, entry: { token: string; name: string; type?: string }): void {
    const files = this.folders.get(folder) ?? [];
    files.push({ token: entry.token, name: entry.name, type: entry.type ?? 'docx' });
    this.folders.set(folder, files);
  }

  private page<T>(items: T[], query: Record<string, string>): { slice: T[]; next: string | undefined } {
    const size = Math.min(Number(query.page_size) || 50, this.maxPage);
    const from = Number(query.page_token ?? 0);
    const slice = items.slice(from, from + size);
    return { slice, next: from + size < items.length ? String(from + size) : undefined };
  }

  /** Answers a docs/wiki/drive request; false when the path is not one of them. */
  handle(method: string, path: string, query: Record<string, string>, json: (res: ServerResponse, status: number, body: unknown) => void, res: ServerResponse): boolean {
    if (method !== 'GET') return false;
    let m: RegExpExecArray | null;
    if ((m = /^\/open-apis\/wiki\/v2\/spaces\/([^/]+)\/nodes$/.exec(path))) {
      const nodes = this.wikiNodes.get(m[1]!);
      if (!nodes) return json(res, 400, { code: 131005, msg: 'space not found' }), true;
      const children = nodes.filter((n) => n.parent === (query.parent_node_token ?? ''));
      const { slice, next } = this.page(children, query);
      const items = slice.map((n) => ({ space_id: m![1], node_token: n.node_token, obj_token: n.obj_token, obj_type: n.obj_type, parent_node_token: n.parent, node_type: 'origin', title: n.title, has_child: nodes.some((c) => c.parent === n.node_token) }));
      json(res, 200, { code: 0, msg: 'success', data: { items, has_more: Boolean(next), page_token: next ?? '' } });
      return true;
    }
    if (path === '/open-apis/drive/v1/files') {
      const files = this.folders.get(query.folder_token ?? '');
      if (!files) return json(res, 400, { code: 1061004, msg: 'forbidden' }), true;
      const { slice, next } = this.page(files, query);
      json(res, 200, { code: 0, msg: 'success', data: { files: slice.map((f) => ({ ...f, parent_token: query.folder_token })), has_more: Boolean(next), next_page_token: next ?? '' } });
      return true;
    }
    if ((m = /^\/open-apis\/docx\/v1\/documents\/([^/]+)$/.exec(path))) {
      const doc = this.docs.get(m[1]!);
      if (!doc) return json(res, 404, { code: 1770002, msg: 'not found' }), true;
      json(res, 200, { code: 0, msg: 'success', data: { document: { document_id: doc.token, revision_id: doc.revision, title: doc.title } } });
      return true;
    }
    if ((m = /^\/open-apis\/docx\/v1\/documents\/([^/]+)\/blocks$/.exec(path))) {
      const doc = this.docs.get(m[1]!);
      if (!doc) return json(res, 404, { code: 1770002, msg: 'not found' }), true;
      const { slice, next } = this.page(doc.blocks, query);
      json(res, 200, { code: 0, msg: 'success', data: { items: slice, has_more: Boolean(next), page_token: next ?? '' } });
      return true;
    }
    return false;
  }
}
