import type { AppConfig } from './config.js';
import { HashedNgramEmbeddings, OpenAICompatibleEmbeddings, type EmbeddingsProvider } from '../retrieval/embeddings.js';

/** OpenAI-compatible embeddings when EMBEDDINGS_MODEL and an endpoint are configured; else the offline default. */
export function createEmbeddings(config: AppConfig): EmbeddingsProvider {
  if (config.embeddingsEnabled && config.EMBEDDINGS_MODEL) {
    return new OpenAICompatibleEmbeddings({
      model: config.EMBEDDINGS_MODEL,
      apiKey: config.OPENAI_API_KEY,
      baseURL: config.OPENAI_BASE_URL,
    });
  }
  return new HashedNgramEmbeddings();
}
