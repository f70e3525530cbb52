import type { AppConfig } from './config.js';
import { HashedNgramEmbeddings, OpenAICompatibleEmbeddings, type EmbeddingsProvider } from '../retrieval/embeddings.js';

/** EMBEDDINGS_MODEL value that selects the offline hashed character n-gram embedding (no endpoint needed). */
export const OFFLINE_NGRAM_MODEL = 'offline-ngram';

/**
 * OpenAI-compatible embeddings when EMBEDDINGS_MODEL and an endpoint are configured; the offline
 * hashed n-gram embedding when EMBEDDINGS_MODEL is `offline-ngram`; otherwise none, and retrieval is
 * lexical. The offline embedding is no longer the default: at company scale it cost most of the
 * build time and three quarters of the index memory for a gain of one or two questions on some sets
 * (see README, Measured).
 */
export function createEmbeddings(config: AppConfig): EmbeddingsProvider | null {
  if (config.EMBEDDINGS_MODEL === OFFLINE_NGRAM_MODEL) return new HashedNgramEmbeddings();
  if (config.embeddingsEnabled && config.EMBEDDINGS_MODEL) {
    return new OpenAICompatibleEmbeddings({
      model: config.EMBEDDINGS_MODEL,
      apiKey: config.OPENAI_API_KEY,
      baseURL: config.OPENAI_BASE_URL,
    });
  }
  return null;
}
