import type { AppConfig } from './config.js';
import { OpenAICompatibleEmbeddings, type EmbeddingsProvider } from '../retrieval/embeddings.js';

/**
 * OpenAI-compatible embeddings when EMBEDDINGS_MODEL and an endpoint are configured; otherwise
 * none, and retrieval is lexical. The offline hashed n-gram embedding is no longer the default: it
 * cost most of the build time and three quarters of the index memory at company scale for recall
 * BM25 already has (see README, Measured).
 */
export function createEmbeddings(config: AppConfig): EmbeddingsProvider | null {
  if (config.embeddingsEnabled && config.EMBEDDINGS_MODEL) {
    return new OpenAICompatibleEmbeddings({
      model: config.EMBEDDINGS_MODEL,
      apiKey: config.OPENAI_API_KEY,
      baseURL: config.OPENAI_BASE_URL,
    });
  }
  return null;
}
