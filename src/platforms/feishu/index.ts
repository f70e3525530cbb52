export { createFeishuAdapter, FEISHU_CARD_PATH, FEISHU_EVENTS_PATH, MAX_FILE_BYTES } from './adapter.js';
export type { FeishuAdapter, FeishuAdapterDeps, FeishuConfig, FeishuTuning, IdClaimer } from './adapter.js';
export { renderForm, renderReply, CARD_BYTE_LIMIT, cardRequestBytes } from './render.js';
