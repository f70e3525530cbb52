import type { OpenAIEmbeddings } from '@langchain/openai';

/** Turns text into vectors for dense retrieval. `id` names the model so a change triggers a rebuild. */
export interface EmbeddingsProvider {
  readonly id: string;
  readonly dimensions: number | null;
  embedDocuments(texts: string[]): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
  /**
   * True for surface-form embeddings that match better on the question's keywords (and their
   * glossary translations) than on the whole sentence; real models get the question as asked.
   */
  readonly prefersKeywords?: boolean;
  /** Providers that learn corpus statistics (IDF) expose them so a stored index can restore them. */
  exportState?(): unknown;
  importState?(state: unknown): void;
}

/**
 * The offline default: a hashed character n-gram embedding (1–3-grams of the normalised
 * text, signed feature hashing into a fixed number of dimensions, sublinear term frequency
 * times the slot's inverse document frequency learnt from the indexed chunks, L2-normalised).
 * It needs no network and no model download; it captures surface overlap (shared characters
 * and short words) rather than meaning, so it complements BM25 on partial-word matches but is
 * no substitute for a real embedding model.
 */
export class HashedNgramEmbeddings implements EmbeddingsProvider {
  readonly id: string;
  readonly prefersKeywords = true;
  private idf: Float64Array | null = null;

  constructor(readonly dimensions = 2048) {
    this.id = `hashed-ngram-idf-v2-${dimensions}`;
  }

  /** Learns slot IDF from the documents, then embeds them. */
  async embedDocuments(texts: string[]): Promise<number[][]> {
    const df = new Float64Array(this.dimensions);
    const features = texts.map((t) => this.features(t));
    for (const f of features) for (const slot of f.keys()) df[slot]! += 1;
    this.idf = df.map((d) => Math.log(1 + texts.length / (d + 1)));
    return features.map((f) => this.vector(f));
  }

  exportState(): unknown {
    return this.idf ? Array.from(this.idf) : null;
  }

  importState(state: unknown): void {
    if (Array.isArray(state) && state.length === this.dimensions) this.idf = Float64Array.from(state as number[]);
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embed(text);
  }

  embed(text: string): number[] {
    return this.vector(this.features(text));
  }

  private features(text: string): Map<number, number> {
    const counts = new Map<number, number>();
    const chars = [...text.replace(/[\s\p{P}\p{S}]+/gu, ' ')];
    const weights = [0.4, 1, 0.8];
    for (let n = 1; n <= 3; n++) {
      for (let i = 0; i + n <= chars.length; i++) {
        const gram = chars.slice(i, i + n).join('');
        if (gram.includes(' ')) continue;
        const h = fnv1a(gram);
        const slot = h % this.dimensions;
        const sign = (h >>> 31) & 1 ? -1 : 1;
        counts.set(slot, (counts.get(slot) ?? 0) + sign * weights[n - 1]!);
      }
    }
    return counts;
  }

  private vector(counts: Map<number, number>): number[] {
    const v = new Array<number>(this.dimensions).fill(0);
    for (const [slot, c] of counts) v[slot] = Math.sign(c) * Math.log1p(Math.abs(c)) * (this.idf ? this.idf[slot]! : 1);
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Any OpenAI-compatible embeddings endpoint (OpenAI, Ollama, vLLM, DeepSeek, Qwen…). */
export class OpenAICompatibleEmbeddings implements EmbeddingsProvider {
  readonly id: string;
  readonly dimensions = null;
  private clientPromise: Promise<OpenAIEmbeddings> | undefined;

  constructor(private readonly options: { model: string; apiKey?: string; baseURL?: string; timeoutMs?: number }) {
    this.id = `openai-compatible:${options.baseURL ?? 'default'}:${options.model}`;
  }

  /** LangChain loads on the first embedding call, not when the process starts. */
  private client(): Promise<OpenAIEmbeddings> {
    const options = this.options;
    return (this.clientPromise ??= import('@langchain/openai').then(({ OpenAIEmbeddings }) => new OpenAIEmbeddings({
      model: options.model,
      // Local servers (Ollama, vLLM) accept any key; the SDK insists on one.
      apiKey: options.apiKey ?? 'not-needed',
      configuration: options.baseURL ? { baseURL: options.baseURL } : undefined,
      timeout: options.timeoutMs ?? 30_000,
      maxRetries: 2,
      batchSize: 64,
      // The OpenAI SDK asks for base64 by default and decodes it blindly; several compatible servers
      // answer with plain float arrays, which would decode into garbage. Floats work everywhere.
      encodingFormat: 'float',
    })));
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return (await this.client()).embedDocuments(texts);
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.client()).embedQuery(text);
  }
}
