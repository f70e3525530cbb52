/** The largest file either platform downloads for the bot (contracts for /precheck). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
