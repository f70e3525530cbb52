export { createSlackAdapter, SLACK_EVENTS_PATH, PRECHECK_SHORTCUT, type SlackAdapter, type SlackAdapterOptions, type SlackConfig } from './adapter.js';
export { renderReply, type SlackMessage } from './render.js';
