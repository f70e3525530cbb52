/**
 * The largest file the bot takes from a chat (contracts for /precheck): adapters stop the
 * download there, and pre-check refuses anything bigger that reaches it another way (CLI).
 */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
